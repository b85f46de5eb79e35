import { ProviderDefinition } from '../provider-definition';
import { SIGNALWIRE_MAX_TTL_SECONDS } from './signalwire.adapter';
import { SignalwireModule } from './signalwire.module';

export const signalwireProvider = {
  name: 'signalwire' as const,
  title: 'SignalWire',
  module: SignalwireModule,
  maxTtlSeconds: SIGNALWIRE_MAX_TTL_SECONDS,
} satisfies ProviderDefinition;
