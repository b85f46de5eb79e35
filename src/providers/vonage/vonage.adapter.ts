import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
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
import { VonageApi } from './vonage-api';
import { VonageConfigDto } from './vonage-config.dto';
import { VonageSecretsDto } from './vonage-secrets.dto';
import { VonageSigningKeys } from './vonage-signing-keys';
import { adminToken, CLIENT_ACL_PATHS, clientToken } from './vonage-tokens';

type VonageAccount = AccountContext<VonageConfigDto, VonageSecretsDto>;

/**
 * Vonage user names: their charset and length are unconfirmed (vonage.md §4), so only characters that pass unchanged
 * through a JWT `sub`, a query string and a call's `app` endpoint are allowed. `@`, `:` and spaces, which broke
 * other providers' identities, are out.
 */
const VONAGE_USER_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Vonage accepts a token until 24 h after its `iat`, whatever its `exp` says (§2). */
export const VONAGE_MAX_TTL_SECONDS = 86_400;

/**
 * Vonage tokens are signed here with the application's private key, with no call to Vonage: issuing keeps working
 * when Vonage is unreachable. Only provisioning a user (the token's `sub`) calls the Users API.
 */
@CallingProvider()
@Injectable()
export class VonageAdapter implements ProviderAdapter<VonageConfigDto, VonageSecretsDto> {
  readonly name = 'vonage';
  readonly configSchema = VonageConfigDto;
  readonly secretsSchema = VonageSecretsDto;
  /** The key signs locally, and the Users API is one host for every region: the secrets go nowhere else. */
  readonly destinationConfigFields = [];
  readonly tokenKinds: Record<string, TokenKind> = {
    /** The ACL cannot tell placing calls from receiving them (§2), so the token conveys both. */
    access_token: { fixedCapabilities: ['incoming', 'outgoing'] },
  };
  readonly defaultTokenKind = 'access_token';
  readonly maxTtlSeconds = VONAGE_MAX_TTL_SECONDS;
  /** What Vonage itself grants a token without `exp`, and its CLI's default (§2). */
  readonly defaultTtlSeconds = 900;
  private readonly keys = new VonageSigningKeys();

  constructor(
    private readonly http: ProviderHttpClient,
    private readonly clock: Clock,
  ) {}

  identityProblem(identity: string): string | undefined {
    return VONAGE_USER_NAME.test(identity)
      ? undefined
      : 'Vonage user names here are 1-100 letters, digits, dots, dashes or underscores (Vonage documents no rule)';
  }

  async mint(request: MintRequest<VonageConfigDto, VonageSecretsDto>): Promise<MintedToken> {
    const { applicationId, region = 'us' } = request.account.config;
    const issuedAt = Math.floor(request.now.getTime() / 1000);
    const token = clientToken({
      applicationId,
      userName: request.identity,
      tokenId: request.tokenId,
      issuedAt,
      ttlSeconds: request.ttlSeconds,
      key: this.keys.keyFor(request.account),
    });
    return {
      token,
      expiresAt: new Date((issuedAt + request.ttlSeconds) * 1000),
      grants: { applicationId, acl: [...CLIENT_ACL_PATHS] },
      // What the browser SDK needs besides the token: `new VonageClient({ region })` (§6).
      extras: { applicationId, region },
    };
  }

  /** Creates the Vonage user named after the identity, or adopts the one that already has the name. */
  async provisionEndpoint(request: { account: VonageAccount; identity: string }): Promise<ProvisionedEndpoint> {
    const user = await this.api(request.account).createUser(request.identity);
    return { identity: request.identity, endpointData: { vonageUserId: user.id, vonageUserCreated: user.created } };
  }

  /**
   * Deletes the user if Callpass created it. An adopted user stays: it may serve another endpoint (the same identity
   * refused as taken) or the tenant's own use.
   */
  async deprovisionEndpoint(request: { account: VonageAccount; endpointData: Record<string, unknown> }): Promise<void> {
    const { vonageUserId, vonageUserCreated } = request.endpointData;
    if (typeof vonageUserId === 'string' && vonageUserCreated === true) await this.api(request.account).deleteUser(vonageUserId);
  }

  forgetAccount(accountId: string): void {
    this.keys.forget(accountId);
  }

  private api(account: VonageAccount): VonageApi {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    return new VonageApi(this.http, account, adminToken(account.config.applicationId, issuedAt, this.keys.keyFor(account)));
  }
}
