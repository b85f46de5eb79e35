import { Module } from '@nestjs/common';
import { ProviderHttpModule } from '../http/provider-http.module';
import { SignalwireAdapter } from './signalwire.adapter';

@Module({
  imports: [ProviderHttpModule],
  providers: [SignalwireAdapter],
})
export class SignalwireModule {}
