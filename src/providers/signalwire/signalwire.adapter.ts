import { Injectable } from '@nestjs/common';
import { CallingProvider, ProviderAdapter } from '../provider-adapter';
import { SignalwireConfigDto } from './signalwire-config.dto';
import { SignalwireSecretsDto } from './signalwire-secrets.dto';

/** A subscriber `reference` is free text (often an e-mail); refuse only control characters and oversize values. */
const SIGNALWIRE_REFERENCE = /^[^\x00-\x1f\x7f]{1,255}$/;

@CallingProvider()
@Injectable()
export class SignalwireAdapter implements ProviderAdapter<SignalwireConfigDto, SignalwireSecretsDto> {
  readonly name = 'signalwire';
  readonly configSchema = SignalwireConfigDto;
  readonly secretsSchema = SignalwireSecretsDto;

  identityProblem(identity: string): string | undefined {
    return SIGNALWIRE_REFERENCE.test(identity) ? undefined : 'SignalWire references are 1-255 characters without control characters';
  }
}
