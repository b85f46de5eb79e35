import { ProviderDefinition } from '../provider-definition';
import { TELNYX_MAX_TTL_SECONDS } from './telnyx.adapter';
import { TelnyxModule } from './telnyx.module';

export const telnyxProvider = {
  name: 'telnyx' as const,
  title: 'Telnyx',
  module: TelnyxModule,
  maxTtlSeconds: TELNYX_MAX_TTL_SECONDS,
} satisfies ProviderDefinition;
