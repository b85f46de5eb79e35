import { ProviderDefinition } from '../provider-definition';
import { PLIVO_MAX_TTL_SECONDS } from './plivo.adapter';
import { PlivoModule } from './plivo.module';

export const plivoProvider = {
  name: 'plivo' as const,
  title: 'Plivo',
  module: PlivoModule,
  maxTtlSeconds: PLIVO_MAX_TTL_SECONDS,
} satisfies ProviderDefinition;
