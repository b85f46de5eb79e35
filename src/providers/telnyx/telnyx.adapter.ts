import { Injectable } from '@nestjs/common';
import { invalidField } from '../../common/errors/validation-errors';
import { ProviderHttpClient } from '../http/provider-http-client';
import {
  AccountContext,
  CallingProvider,
  MintedToken,
  MintRequest,
  ProviderAdapter,
  ProvisionedEndpoint,
  TokenKind,
} from '../provider-adapter';
import { providerErrors } from '../providers.errors';
import { TelephonyCredential, TelnyxApi } from './telnyx-api';
import { TelnyxConfigDto } from './telnyx-config.dto';
import { TelnyxEndpointOptionsDto } from './telnyx-endpoint-options.dto';
import { readLoginToken } from './telnyx-login-token';
import { TelnyxSecretsDto } from './telnyx-secrets.dto';

type TelnyxAccount = AccountContext<TelnyxConfigDto, TelnyxSecretsDto>;

/**
 * A SIP user part that needs no escaping in `sip:<identity>@sip.telnyx.com` (§9): a credential's `sip_username`
 * (`gencred…`), or, when provisioning, the name of the credential to create.
 */
const TELNYX_IDENTITY = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Telnyx sets the lifetime (§4): 24 h per its docs, or less when the credential expires sooner. A longer token (the
 * spec's example lives 28 days) is a valid token, not a bad answer: the pipeline refuses it as lifetime_exceeds_policy.
 */
export const TELNYX_MAX_TTL_SECONDS = 86_400;

/** An endpoint is a Telnyx telephony credential: created here (`provision: true`) or named by `providerOptions.credentialId`. */
@CallingProvider()
@Injectable()
export class TelnyxAdapter implements ProviderAdapter<TelnyxConfigDto, TelnyxSecretsDto> {
  readonly name = 'telnyx';
  readonly configSchema = TelnyxConfigDto;
  readonly secretsSchema = TelnyxSecretsDto;
  readonly endpointOptionsSchema = TelnyxEndpointOptionsDto;
  /** Calls always go to Telnyx's API (or baseUrl); the connection id only says where credentials are created. */
  readonly destinationConfigFields = [];
  readonly tokenKinds: Record<string, TokenKind> = {
    /** A login token carries the credential's rights: it receives and places calls, whatever is asked. */
    access_token: { fixedCapabilities: ['incoming', 'outgoing'] },
  };
  readonly defaultTokenKind = 'access_token';
  readonly maxTtlSeconds = TELNYX_MAX_TTL_SECONDS;

  constructor(private readonly http: ProviderHttpClient) {}

  identityProblem(identity: string): string | undefined {
    return TELNYX_IDENTITY.test(identity)
      ? undefined
      : 'Telnyx identities (a credential\'s sip_username, or the name of one to create) are 1-64 letters, digits, ".", "_" or "-"';
  }

  async mint(request: MintRequest<TelnyxConfigDto, TelnyxSecretsDto>): Promise<MintedToken> {
    const { credentialId } = request.endpointData;
    if (typeof credentialId !== 'string')
      throw providerErrors.provider_config_incomplete({ missing: 'endpoint providerOptions.credentialId' });
    const minted = readLoginToken(await this.api(request.account).createToken(credentialId), request.now);
    return {
      token: minted.token,
      expiresAt: minted.expiresAt,
      providerTokenId: minted.tokenId,
      grants: { credentialId, sipUsername: request.identity },
    };
  }

  async provisionEndpoint(request: { account: TelnyxAccount; identity: string; options: object }): Promise<ProvisionedEndpoint> {
    if ((request.options as Partial<TelnyxEndpointOptionsDto>).credentialId !== undefined) {
      throw invalidField(
        'providerOptions.credentialId',
        'A provisioned endpoint gets a new credential: send provision or credentialId, not both',
      );
    }
    const { connectionId } = request.account.config;
    if (!connectionId) throw providerErrors.provider_config_incomplete({ missing: 'config.connectionId' });
    const credential = this.usable(await this.api(request.account).createCredential(connectionId, request.identity));
    return {
      identity: credential.sipUsername,
      // Tokens are minted for credentialId, which providerOptions may later point elsewhere; createdCredentialId is the
      // one Callpass created and deletes with the endpoint. providerOptions cannot name it, so a tenant's own
      // credential is never deleted.
      endpointData: { credentialId: credential.id, createdCredentialId: credential.id },
    };
  }

  /** A credential the tenant made: its identity is the sip_username Telnyx has for it, never one the tenant states. */
  async resolveEndpoint(request: { account: TelnyxAccount; options: object }): Promise<{ identity: string }> {
    const { credentialId } = request.options as TelnyxEndpointOptionsDto;
    return { identity: this.usable(await this.api(request.account).getCredential(credentialId)).sipUsername };
  }

  async deprovisionEndpoint(request: { account: TelnyxAccount; endpointData: Record<string, unknown> }): Promise<void> {
    const { createdCredentialId } = request.endpointData;
    if (typeof createdCredentialId === 'string') await this.api(request.account).deleteCredential(createdCredentialId);
  }

  /** A sip_username that could not serve as an identity is a broken (or hostile) answer. */
  private usable(credential: TelephonyCredential): TelephonyCredential {
    if (this.identityProblem(credential.sipUsername)) {
      throw providerErrors.provider_bad_response({ provider: 'telnyx', invalid: 'sip_username' });
    }
    return credential;
  }

  private api(account: TelnyxAccount): TelnyxApi {
    return new TelnyxApi(this.http, account);
  }
}
