import { Injectable } from '@nestjs/common';
import { CallingProvider, ProviderAdapter } from '../provider-adapter';
import { BandwidthConfigDto } from './bandwidth-config.dto';
import { BandwidthSecretsDto } from './bandwidth-secrets.dto';

/** Bandwidth's token is per credential, not per user: the identity only labels the endpoint in Callpass. */
const BANDWIDTH_LABEL = /^[\x21-\x7e]{1,128}$/;

@CallingProvider()
@Injectable()
export class BandwidthAdapter implements ProviderAdapter<BandwidthConfigDto, BandwidthSecretsDto> {
  readonly name = 'bandwidth';
  readonly configSchema = BandwidthConfigDto;
  readonly secretsSchema = BandwidthSecretsDto;

  identityProblem(identity: string): string | undefined {
    return BANDWIDTH_LABEL.test(identity) ? undefined : 'Bandwidth identities are 1-128 printable characters';
  }
}
