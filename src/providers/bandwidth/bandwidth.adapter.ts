import { Injectable } from '@nestjs/common';
import { SharedFlightsService } from '../../redis/shared-flights';
import { ProviderHttpClient } from '../http/provider-http-client';
import { rejected, requireString } from '../http/provider-responses';
import { decodeJwt } from '../jwt';
import { CallingProvider, MintedToken, MintRequest, ProviderAdapter, TokenKind } from '../provider-adapter';
import { providerErrors } from '../providers.errors';
import { BandwidthConfigDto } from './bandwidth-config.dto';
import { BandwidthSecretsDto } from './bandwidth-secrets.dto';
import { BandwidthTokenCache, CachedToken } from './bandwidth-token-cache';

/** Bandwidth's two identity servers (bandwidth.md §1, §2); an account's baseUrl replaces the host. */
const TOKEN_HOSTS = { global: 'https://id.voxbone.com', us: 'https://api.bandwidth.com' } as const;
const TOKEN_PATH = '/api/v1/oauth2/token';
/** Bandwidth's labels are informational: the token belongs to the credential, not to a user. */
const BANDWIDTH_LABEL = /^[\x21-\x7e]{1,128}$/;

/** Bandwidth sets the lifetime itself; longer than a day would be a broken answer. */
export const BANDWIDTH_MAX_TTL_SECONDS = 86_400;

@CallingProvider()
@Injectable()
export class BandwidthAdapter implements ProviderAdapter<BandwidthConfigDto, BandwidthSecretsDto> {
  readonly name = 'bandwidth';
  readonly configSchema = BandwidthConfigDto;
  readonly secretsSchema = BandwidthSecretsDto;
  /** The network picks the identity server the client secret is sent to. */
  readonly destinationConfigFields = ['network'];
  readonly tokenKinds: Record<string, TokenKind> = {
    /**
     * The OAuth token carries the credential's roles and lives as long as Bandwidth says (600 s on Global); the
     * pipeline refuses it if that exceeds the policy's ceiling.
     */
    access_token: { fixedCapabilities: ['incoming', 'outgoing'] },
  };
  readonly defaultTokenKind = 'access_token';
  readonly maxTtlSeconds = BANDWIDTH_MAX_TTL_SECONDS;
  private readonly cache: BandwidthTokenCache;

  constructor(
    private readonly http: ProviderHttpClient,
    shared: SharedFlightsService,
  ) {
    this.cache = new BandwidthTokenCache(shared);
  }

  identityProblem(identity: string): string | undefined {
    return BANDWIDTH_LABEL.test(identity) ? undefined : 'Bandwidth identities are 1-128 printable characters';
  }

  async mint(request: MintRequest<BandwidthConfigDto, BandwidthSecretsDto>): Promise<MintedToken> {
    const cached = await this.cache.get(request.account, request.now, () => this.fetchToken(request));
    return {
      token: cached.token,
      expiresAt: cached.expiresAt,
      providerTokenId: cached.tokenId,
      grants: { network: request.account.config.network },
      extras: { tokenType: 'Bearer', network: request.account.config.network },
    };
  }

  forgetAccount(accountId: string): void {
    this.cache.forget(accountId);
  }

  /** The client-credentials grant: repeatable, so retried like any idempotent call. */
  private async fetchToken(request: MintRequest<BandwidthConfigDto, BandwidthSecretsDto>): Promise<CachedToken> {
    const { config, secrets, baseUrl } = request.account;
    const host = (baseUrl ?? TOKEN_HOSTS[config.network]).replace(/\/$/, '');
    const response = await this.http.send({
      provider: 'bandwidth',
      account: request.account,
      method: 'POST',
      url: `${host}${TOKEN_PATH}`,
      headers: { authorization: `Basic ${Buffer.from(`${config.clientId}:${secrets.clientSecret}`).toString('base64')}` },
      form: { grant_type: 'client_credentials', ...(config.network === 'global' ? { scope: 'voice.webrtc' } : {}) },
      idempotent: true,
    });
    if (response.status !== 200) {
      const body = response.body as { error?: unknown; error_description?: unknown } | undefined;
      throw rejected('bandwidth', response, { code: body?.error, message: body?.error_description ?? body?.error });
    }
    const token = requireString('bandwidth', response.body, 'access_token');
    const body = response.body as { access_token_id?: unknown; expires_in?: unknown };
    const lifetime = body.expires_in;
    if (typeof lifetime !== 'number' || !(lifetime > 0 && lifetime <= BANDWIDTH_MAX_TTL_SECONDS)) {
      throw providerErrors.provider_bad_response({ provider: 'bandwidth', invalid: 'expires_in' });
    }
    const jti = decodeJwt(token)?.payload.jti;
    return {
      token,
      tokenId: typeof body.access_token_id === 'string' ? body.access_token_id : typeof jti === 'string' ? jti : undefined,
      expiresAt: new Date(request.now.getTime() + lifetime * 1000),
    };
  }
}
