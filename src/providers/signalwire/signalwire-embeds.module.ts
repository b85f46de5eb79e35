import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { TokenLogModule } from '../../token-log/token-log.module';
import { IssuanceModule } from '../../issuance/issuance.module';
import { SignalwireEmbedsController } from './signalwire-embeds.controller';
import { SignalwireEmbedsService } from './signalwire-embeds.service';

/** SignalWire's public click-to-call route. Apart from the adapter's module, as it mints through the issuing pipeline. */
@Module({
  imports: [AuditModule, TokenLogModule, IssuanceModule],
  controllers: [SignalwireEmbedsController],
  providers: [SignalwireEmbedsService],
})
export class SignalwireEmbedsModule {}
