import { Injectable } from '@nestjs/common';
import { ProviderHttpClient } from '../http/provider-http-client';
import { AccountContext, CallingProvider, MintedToken, MintRequest, ProviderAdapter, TokenKind } from '../provider-adapter';
import { providerErrors } from '../providers.errors';
import { SignalwireApi } from './signalwire-api';
import { SignalwireConfigDto } from './signalwire-config.dto';
import { SignalwireEndpointOptionsDto } from './signalwire-endpoint-options.dto';
import { SignalwireSecretsDto } from './signalwire-secrets.dto';
import { GuestTokenOptionsDto, InviteTokenOptionsDto, SubscriberTokenOptionsDto } from './signalwire-token-options.dto';
import { signalwireErrors } from './signalwire.errors';

type SignalwireAccount = AccountContext<SignalwireConfigDto, SignalwireSecretsDto>;

/** A subscriber `reference` is free text (often an e-mail); refuse only control characters and oversize values. */
const SIGNALWIRE_REFERENCE = /^\P{Cc}{1,255}$/u;
/** SignalWire documents 2 h for a refreshed SAT. */
const REFRESHED_SAT_SECONDS = 7200;
/**
 * How long a kept refresh token is offered for refreshing: the SAT's expiry plus 5 minutes. SignalWire's docs
 * give a refreshed pair 2 h / 2 h 5 min but say nothing of a first token's refresh token, so the shorter,
 * safe window is used.
 */
const REFRESH_GRACE_SECONDS = 300;
/** The invite call authenticates with a subscriber SAT; this one lives just long enough to make that call. */
const HELPER_SAT_SECONDS = 60;
/** The browser SDK assumes embed-derived SATs live 1 h (the REST answer does not say). */
const EMBED_SAT_SECONDS = 3600;

/** SignalWire's own maximum is undocumented; Callpass applies the 24 h cap common to the others. */
export const SIGNALWIRE_MAX_TTL_SECONDS = 86_400;

@CallingProvider()
@Injectable()
export class SignalwireAdapter implements ProviderAdapter<SignalwireConfigDto, SignalwireSecretsDto> {
  readonly name = 'signalwire';
  readonly configSchema = SignalwireConfigDto;
  readonly secretsSchema = SignalwireSecretsDto;
  /** The space is the host (`{space}.signalwire.com`) the API token is sent to. */
  readonly destinationConfigFields = ['space'];
  readonly endpointOptionsSchema = SignalwireEndpointOptionsDto;
  readonly tokenKinds: Record<string, TokenKind> = {
    /** Full identity: receives and places calls, so it is minted only if the endpoint allows both. */
    subscriber: {
      optionsSchema: SubscriberTokenOptionsDto,
      fixedCapabilities: ['incoming', 'outgoing'],
      delegableOptions: ['fingerprint'],
    },
    /** Outbound only, to at most 10 allowed addresses. */
    guest: { optionsSchema: GuestTokenOptionsDto, fixedCapabilities: ['outgoing'], endUserOptions: ['allowedAddresses'] },
    /** Outbound to one address. */
    invite: { optionsSchema: InviteTokenOptionsDto, fixedCapabilities: ['outgoing'], endUserOptions: ['addressId'] },
    /** A click-to-call widget's guest SAT, exchanged for the account's c2c token (the public embed route only). */
    embed: { fixedCapabilities: ['outgoing'], accountLevel: true },
  };
  readonly defaultTokenKind = 'subscriber';
  readonly maxTtlSeconds = SIGNALWIRE_MAX_TTL_SECONDS;

  constructor(private readonly http: ProviderHttpClient) {}

  identityProblem(identity: string): string | undefined {
    return SIGNALWIRE_REFERENCE.test(identity) ? undefined : 'SignalWire references are 1-255 characters without control characters';
  }

  async mint(request: MintRequest<SignalwireConfigDto, SignalwireSecretsDto>): Promise<MintedToken> {
    const api = new SignalwireApi(this.http, request.account);
    const now = Math.floor(request.now.getTime() / 1000);
    const expiresAt = new Date((now + request.ttlSeconds) * 1000);
    const expireAt = now + request.ttlSeconds;

    if (request.kind === 'embed') return this.exchangeEmbedToken(request.account, request.now);
    if (request.kind === 'guest') {
      const addresses = this.permittedAddresses(request.endpointData, (request.options as GuestTokenOptionsDto).allowedAddresses);
      const token = await api.guestToken(addresses, expireAt);
      return { token, expiresAt, grants: { allowedAddresses: addresses }, extras: { allowedAddresses: addresses } };
    }
    if (request.kind === 'invite') {
      const { addressId } = request.options as InviteTokenOptionsDto;
      this.permittedAddresses(request.endpointData, [addressId]);
      const helper = await api.subscriberToken({ reference: request.identity, expire_at: now + HELPER_SAT_SECONDS });
      const token = await api.inviteToken(helper.token, addressId, expireAt);
      return { token, expiresAt, grants: { addressId }, extras: { addressId } };
    }

    if (request.kind !== 'subscriber') throw new Error(`SignalWire adapter asked for unknown kind ${request.kind}`);
    const { fingerprint } = request.options as SubscriberTokenOptionsDto;
    // A refreshed SAT lives 2 h, so refreshing is offered only where the policy allows 2 h tokens.
    const refreshable = !fingerprint && request.maxTtlSeconds >= REFRESHED_SAT_SECONDS;
    const subscriber = await api.subscriberToken({
      reference: request.identity,
      expire_at: expireAt,
      ...(request.account.config.applicationId ? { application_id: request.account.config.applicationId } : {}),
      // Client-bound: the browser proves its key and refreshes by itself, so no refresh token is kept here.
      ...(fingerprint ? { fingerprint, scope: 'sat:refresh' } : {}),
    });
    return {
      token: subscriber.token,
      expiresAt,
      grants: { reference: request.identity, clientBound: Boolean(fingerprint) },
      extras: { subscriberId: subscriber.subscriberId, refreshable },
      refresh: refreshable
        ? { secret: subscriber.refreshToken, expiresAt: new Date(expiresAt.getTime() + REFRESH_GRACE_SECONDS * 1000) }
        : undefined,
    };
  }

  async refresh(request: { account: SignalwireAccount; now: Date; maxTtlSeconds: number; refreshSecret: string }): Promise<MintedToken> {
    // Checked before the refresh token is spent: the policy may have been tightened since it was kept.
    if (request.maxTtlSeconds < REFRESHED_SAT_SECONDS) {
      throw providerErrors.lifetime_exceeds_policy({ providerLifetimeSeconds: REFRESHED_SAT_SECONDS, maxSeconds: request.maxTtlSeconds });
    }
    const refreshed = await new SignalwireApi(this.http, request.account).refresh(request.refreshSecret);
    const expiresAt = new Date(request.now.getTime() + REFRESHED_SAT_SECONDS * 1000);
    return {
      token: refreshed.token,
      expiresAt,
      grants: { refreshed: true },
      extras: { refreshable: true },
      refresh: { secret: refreshed.refreshToken, expiresAt: new Date(expiresAt.getTime() + REFRESH_GRACE_SECONDS * 1000) },
    };
  }

  /** Exchanges the account's click-to-call token for a guest SAT; SignalWire sets its lifetime. */
  private async exchangeEmbedToken(account: SignalwireAccount, now: Date): Promise<MintedToken> {
    const { clickToCallToken } = account.secrets;
    if (!clickToCallToken) throw signalwireErrors.embed_not_found();
    const token = await new SignalwireApi(this.http, account).embedToken(clickToCallToken);
    return { token, expiresAt: new Date(now.getTime() + EMBED_SAT_SECONDS * 1000), grants: { embed: true } };
  }

  /** The addresses a guest or invite token may reach: the requested ones, all within the endpoint's list. */
  private permittedAddresses(endpointData: Record<string, unknown>, requested: string[] | undefined): string[] {
    const allowed = (endpointData as SignalwireEndpointOptionsDto).allowedAddresses;
    if (!allowed?.length) throw providerErrors.provider_config_incomplete({ missing: 'endpoint providerOptions.allowedAddresses' });
    const addresses = requested ?? allowed;
    const refused = addresses.filter((address) => !allowed.includes(address));
    if (refused.length) throw signalwireErrors.address_not_allowed({ refused });
    return addresses;
  }
}
