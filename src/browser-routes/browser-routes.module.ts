import { Module } from '@nestjs/common';
import { IssuanceModule } from '../issuance/issuance.module';
import { OriginsModule } from '../origins/origins.module';
import { TokenLogModule } from '../token-log/token-log.module';
import { ClientTokensController } from './client-tokens.controller';
import { SignalwireEmbedsController } from './signalwire-embeds.controller';
import { SignalwireEmbedsService } from './signalwire-embeds.service';

/**
 * The routes browsers call, each minting through the issuing pipeline: `/v1/client/:tenantSlug/…` for signed-in end
 * users, and SignalWire's public click-to-call embeds.
 */
@Module({
  imports: [IssuanceModule, OriginsModule, TokenLogModule],
  controllers: [ClientTokensController, SignalwireEmbedsController],
  providers: [SignalwireEmbedsService],
})
export class BrowserRoutesModule {}
