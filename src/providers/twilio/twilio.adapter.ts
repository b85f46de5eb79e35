import { Injectable } from '@nestjs/common';
import { CallingProvider, ProviderAdapter } from '../provider-adapter';
import { TwilioConfigDto } from './twilio-config.dto';
import { TwilioSecretsDto } from './twilio-secrets.dto';

/** Voice identities: letters, digits and underscore, at most 121 characters (Twilio errors 31105, 51003). */
const TWILIO_IDENTITY = /^[A-Za-z0-9_]{1,121}$/;

@CallingProvider()
@Injectable()
export class TwilioAdapter implements ProviderAdapter<TwilioConfigDto, TwilioSecretsDto> {
  readonly name = 'twilio';
  readonly configSchema = TwilioConfigDto;
  readonly secretsSchema = TwilioSecretsDto;

  identityProblem(identity: string): string | undefined {
    return TWILIO_IDENTITY.test(identity)
      ? undefined
      : 'Twilio identities are 1-121 letters, digits or underscores (other characters break calls silently)';
  }
}
