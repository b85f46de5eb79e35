import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { ProviderHttpModule } from '../http/provider-http.module';
import { SignalwireEmbedsController } from './signalwire-embeds.controller';
import { SignalwireEmbedsRepository } from './signalwire-embeds.repository';
import { SignalwireEmbedsService } from './signalwire-embeds.service';
import { SignalwireAdapter } from './signalwire.adapter';

@Module({
  imports: [ProviderHttpModule, AuditModule],
  controllers: [SignalwireEmbedsController],
  providers: [SignalwireAdapter, SignalwireEmbedsService, SignalwireEmbedsRepository],
})
export class SignalwireModule {}
