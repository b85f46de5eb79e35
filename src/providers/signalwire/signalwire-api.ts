import { ProviderHttpClient, ProviderResponse } from '../http/provider-http-client';
import { rejected, requireString } from '../http/provider-responses';
import { AccountContext } from '../provider-adapter';
import { SignalwireConfigDto } from './signalwire-config.dto';
import { SignalwireSecretsDto } from './signalwire-secrets.dto';

/** The embed exchange's own host (TypeSpec `@server` and the browser SDK's default). */
const SIGNALWIRE_EMBEDS_HOST = 'https://embeds.signalwire.com';

type SignalwireAccount = AccountContext<SignalwireConfigDto, SignalwireSecretsDto>;

/** SignalWire's Fabric token API for one project (`https://{space}.signalwire.com`, Basic project_id:api_token). */
export class SignalwireApi {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly account: SignalwireAccount,
  ) {}

  /** Same reference ⇒ same subscriber, so this is repeatable. Answers 200 with a SAT and a refresh token. */
  async subscriberToken(body: Record<string, unknown>): Promise<{ subscriberId: string; token: string; refreshToken: string }> {
    const response = await this.call('/api/fabric/subscribers/tokens', body, { basic: true, idempotent: true });
    return {
      subscriberId: requireString('signalwire', response.body, 'subscriber_id'),
      token: requireString('signalwire', response.body, 'token'),
      refreshToken: requireString('signalwire', response.body, 'refresh_token'),
    };
  }

  async guestToken(allowedAddresses: string[], expireAt: number): Promise<string> {
    const response = await this.call(
      '/api/fabric/guests/tokens',
      { allowed_addresses: allowedAddresses, expire_at: expireAt },
      { basic: true, idempotent: true },
    );
    return requireString('signalwire', response.body, 'token');
  }

  /** Invites are created by a subscriber, so this authenticates with that subscriber's SAT. Note `expires_at`. */
  async inviteToken(subscriberSat: string, addressId: string, expiresAt: number): Promise<string> {
    const response = await this.call(
      '/api/fabric/subscriber/invites',
      { address_id: addressId, expires_at: expiresAt },
      { bearer: subscriberSat, idempotent: true },
    );
    return requireString('signalwire', response.body, 'token');
  }

  /** Consumes the refresh token, so it is never retried: a retry could present a token already used. */
  async refresh(refreshToken: string): Promise<{ token: string; refreshToken: string }> {
    const response = await this.call(
      '/api/fabric/subscribers/tokens/refresh',
      { refresh_token: refreshToken },
      { basic: true, idempotent: false, secrets: [refreshToken] },
    );
    return {
      token: requireString('signalwire', response.body, 'token'),
      refreshToken: requireString('signalwire', response.body, 'refresh_token'),
    };
  }

  /** The public click-to-call exchange: no authentication, only the c2c token. */
  async embedToken(clickToCallToken: string): Promise<string> {
    const response = await this.call(
      '/api/fabric/embeds/tokens',
      { token: clickToCallToken },
      { idempotent: true, host: this.account.baseUrl ?? SIGNALWIRE_EMBEDS_HOST },
    );
    return requireString('signalwire', response.body, 'token');
  }

  private async call(
    path: string,
    json: unknown,
    options: { basic?: boolean; bearer?: string; idempotent: boolean; host?: string; secrets?: string[] },
  ): Promise<ProviderResponse> {
    const { config, secrets, baseUrl } = this.account;
    const host = (options.host ?? baseUrl ?? `https://${config.space}.signalwire.com`).replace(/\/$/, '');
    const authorization = options.bearer
      ? `Bearer ${options.bearer}`
      : options.basic
        ? `Basic ${Buffer.from(`${config.projectId}:${secrets.apiToken}`).toString('base64')}`
        : undefined;
    const response = await this.http.send({
      provider: 'signalwire',
      account: this.account,
      secrets: [...(options.bearer ? [options.bearer] : []), ...(options.secrets ?? [])],
      method: 'POST',
      url: `${host}${path}`,
      headers: authorization ? { authorization } : {},
      json,
      idempotent: options.idempotent,
    });
    if (response.status >= 400) {
      const body = (response.body ?? {}) as { errors?: unknown; error?: unknown };
      const first = (Array.isArray(body.errors) ? body.errors[0] : undefined) as
        { code?: unknown; message?: unknown; attribute?: unknown } | undefined;
      throw rejected('signalwire', response, { code: first?.code, message: first?.message ?? body.error, attribute: first?.attribute });
    }
    return response;
  }
}
