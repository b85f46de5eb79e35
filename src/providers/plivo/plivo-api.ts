import { randomBytes } from 'node:crypto';
import { ProviderHttpClient, ProviderResponse } from '../http/provider-http-client';
import { rejected, requireString } from '../http/provider-responses';
import { AccountContext } from '../provider-adapter';
import { PlivoConfigDto } from './plivo-config.dto';
import { PlivoSecretsDto } from './plivo-secrets.dto';

export const PLIVO_API = 'https://api.plivo.com';

type PlivoAccount = AccountContext<PlivoConfigDto, PlivoSecretsDto>;

/** Plivo's REST API for one account: `{base}/v1/Account/{auth_id}/…/`, Basic auth_id:auth_token, JSON bodies. */
export class PlivoApi {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly account: PlivoAccount,
  ) {}

  /** POST JWT/Token/: Plivo signs browser tokens itself (locally signed ones are rejected). Repeatable. */
  async createToken(body: Record<string, unknown>): Promise<string> {
    const response = await this.call('POST', 'JWT/Token/', body, true);
    return requireString('plivo', response.body, 'token');
  }

  /** POST Endpoint/: Plivo appends 12 digits to the username and returns the name to log in (and mint) with. */
  async createEndpoint(username: string, alias: string, appId?: string): Promise<{ username: string; endpointId: string }> {
    // JWT logins never use the SIP password, but Plivo requires one: a random one, kept nowhere.
    const password = randomBytes(18).toString('base64url');
    const response = await this.call('POST', 'Endpoint/', { username, password, alias, ...(appId ? { app_id: appId } : {}) }, false);
    const body = stringified(response.body);
    return { username: requireString('plivo', body, 'username'), endpointId: requireString('plivo', body, 'endpoint_id') };
  }

  /** An endpoint already gone (404) counts as deleted. */
  async deleteEndpoint(endpointId: string): Promise<void> {
    await this.call('DELETE', `Endpoint/${encodeURIComponent(endpointId)}/`, undefined, true, [404]);
  }

  async createApplication(name: string, answerUrl: string): Promise<string> {
    const response = await this.call('POST', 'Application/', { app_name: name, answer_url: answerUrl }, false);
    return requireString('plivo', stringified(response.body), 'app_id');
  }

  private async call(
    method: 'POST' | 'DELETE',
    path: string,
    json: unknown,
    idempotent: boolean,
    tolerated: number[] = [],
  ): Promise<ProviderResponse> {
    const { authId } = this.account.config;
    const base = (this.account.baseUrl ?? PLIVO_API).replace(/\/$/, '');
    const response = await this.http.send({
      provider: 'plivo',
      account: this.account,
      method,
      url: `${base}/v1/Account/${encodeURIComponent(authId)}/${path}`,
      headers: { authorization: `Basic ${Buffer.from(`${authId}:${this.account.secrets.authToken}`).toString('base64')}` },
      json,
      idempotent,
    });
    if (response.status >= 400 && !tolerated.includes(response.status)) {
      throw rejected('plivo', response, { message: (response.body as { error?: unknown } | undefined)?.error });
    }
    return response;
  }
}

/** Plivo's ids are numeric strings in its docs; accept them as numbers too. */
function stringified(body: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).map(([key, value]) => [key, typeof value === 'number' ? String(value) : value]),
  );
}
