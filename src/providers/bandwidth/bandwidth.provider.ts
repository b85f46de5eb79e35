import { ProviderDefinition } from '../provider-definition';
import { BANDWIDTH_MAX_TTL_SECONDS } from './bandwidth.adapter';
import { BandwidthModule } from './bandwidth.module';

export const bandwidthProvider = {
  name: 'bandwidth' as const,
  title: 'Bandwidth',
  module: BandwidthModule,
  maxTtlSeconds: BANDWIDTH_MAX_TTL_SECONDS,
} satisfies ProviderDefinition;
