import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BandwidthModule } from './bandwidth/bandwidth.module';
import { PlivoModule } from './plivo/plivo.module';
import { ProviderRegistry } from './provider-registry';
import { SignalwireModule } from './signalwire/signalwire.module';
import { TwilioModule } from './twilio/twilio.module';

/** Adding a provider: a folder with its module and adapter, plus one line in `imports` here. */
@Module({
  imports: [DiscoveryModule, TwilioModule, PlivoModule, SignalwireModule, BandwidthModule],
  providers: [ProviderRegistry],
  exports: [ProviderRegistry],
})
export class ProvidersModule {}
