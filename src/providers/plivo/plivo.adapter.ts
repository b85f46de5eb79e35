import { Injectable } from '@nestjs/common';
import { CallingProvider, ProviderAdapter } from '../provider-adapter';
import { PlivoConfigDto } from './plivo-config.dto';
import { PlivoSecretsDto } from './plivo-secrets.dto';

/** Endpoint usernames: a letter, then letters or digits. Plivo appends 12 digits to the one requested. */
const PLIVO_USERNAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

@CallingProvider()
@Injectable()
export class PlivoAdapter implements ProviderAdapter<PlivoConfigDto, PlivoSecretsDto> {
  readonly name = 'plivo';
  readonly configSchema = PlivoConfigDto;
  readonly secretsSchema = PlivoSecretsDto;

  identityProblem(identity: string): string | undefined {
    return PLIVO_USERNAME.test(identity)
      ? undefined
      : 'Plivo endpoint usernames start with a letter and contain only letters and digits';
  }
}
