import { ProviderDefinition } from '../provider-definition';
import { TWILIO_MAX_TTL_SECONDS } from './twilio.adapter';
import { TwilioModule } from './twilio.module';

export const twilioProvider = {
  name: 'twilio' as const,
  title: 'Twilio',
  module: TwilioModule,
  maxTtlSeconds: TWILIO_MAX_TTL_SECONDS,
} satisfies ProviderDefinition;
