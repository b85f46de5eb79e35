import { ProviderDefinition } from '../provider-definition';
import { VONAGE_MAX_TTL_SECONDS } from './vonage.adapter';
import { VonageModule } from './vonage.module';

export const vonageProvider = {
  name: 'vonage' as const,
  title: 'Vonage',
  module: VonageModule,
  maxTtlSeconds: VONAGE_MAX_TTL_SECONDS,
} satisfies ProviderDefinition;
