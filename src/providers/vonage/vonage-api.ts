import { ProviderHttpClient, ProviderResponse } from '../http/provider-http-client';
import { rejected, requireString } from '../http/provider-responses';
import { AccountContext } from '../provider-adapter';
import { VonageConfigDto } from './vonage-config.dto';
import { VonageSecretsDto } from './vonage-secrets.dto';

/** The Users API host for every region (vonage.md §4); an account's baseUrl replaces it. */
export const VONAGE_API = 'https://api.nexmo.com';
/** The Conversation API's code for a user name already taken in the application (§5). */
const DUPLICATE_NAME = 'user:error:duplicate-name';

type VonageAccount = AccountContext<VonageConfigDto, VonageSecretsDto>;

/** An RFC 7807 problem body (§5); Conversation errors add a string `code`. */
interface Problem {
  type?: unknown;
  title?: unknown;
  detail?: unknown;
  code?: unknown;
}

/** Vonage's Users API for one application: `{base}/v1/users`, `Authorization: Bearer <admin JWT>`, JSON. */
export class VonageApi {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly account: VonageAccount,
    private readonly adminToken: string,
  ) {}

  /**
   * Creates the user `name`, or finds it if the name is taken (§7): a create whose answer was lost, or a user made
   * outside Callpass. `created` says which, so that only a user Callpass created is deleted with its endpoint.
   */
  async createUser(name: string): Promise<{ id: string; created: boolean }> {
    // Not retried: a retry of a create that did reach Vonage would meet its own user, and adopt it as someone else's.
    const response = await this.call('POST', '/v1/users', { name }, false);
    if (response.status < 300) return { id: requireString('vonage', response.body, 'id'), created: true };
    // The duplicate's status is unconfirmed (§5): samples test 409 and 400.
    const code = (response.body as Problem | undefined)?.code;
    if (response.status === 409 || (response.status === 400 && code === DUPLICATE_NAME)) {
      const id = await this.findUserId(name);
      if (id) return { id, created: false };
    }
    throw refusal(response);
  }

  /** The id of the user named exactly `name`, if there is one. */
  private async findUserId(name: string): Promise<string | undefined> {
    const response = await this.call('GET', `/v1/users?${new URLSearchParams({ name, page_size: '100' }).toString()}`, undefined, true);
    if (response.status >= 300) throw refusal(response);
    const users = (response.body as { _embedded?: { users?: unknown } } | undefined)?._embedded?.users;
    const user = Array.isArray(users) ? (users as { name?: unknown }[]).find((candidate) => candidate?.name === name) : undefined;
    return user ? requireString('vonage', user, 'id') : undefined;
  }

  /** A user already gone (404) counts as deleted. */
  async deleteUser(id: string): Promise<void> {
    const response = await this.call('DELETE', `/v1/users/${encodeURIComponent(id)}`, undefined, true);
    if (response.status >= 400 && response.status !== 404) throw refusal(response);
  }

  private call(method: 'GET' | 'POST' | 'DELETE', path: string, json: unknown, idempotent: boolean): Promise<ProviderResponse> {
    const base = (this.account.baseUrl ?? VONAGE_API).replace(/\/$/, '');
    return this.http.send({
      provider: 'vonage',
      account: this.account,
      method,
      url: `${base}${path}`,
      headers: { authorization: `Bearer ${this.adminToken}` },
      json,
      idempotent,
    });
  }
}

/** A problem body as error details: the Conversation `code`, else the anchor of `type`; title and detail as the message. */
function refusal(response: ProviderResponse) {
  const problem = (response.body ?? {}) as Problem;
  const anchor =
    typeof problem.type === 'string' && problem.type.includes('#') ? problem.type.slice(problem.type.indexOf('#') + 1) : undefined;
  const message = [problem.title, problem.detail].filter((part) => typeof part === 'string' && part).join(': ');
  return rejected('vonage', response, { code: problem.code ?? anchor, message: message || undefined });
}
