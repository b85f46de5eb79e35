import { isUuid } from '../../common/ids';
import { ProviderHttpClient, ProviderResponse } from '../http/provider-http-client';
import { ProviderAnswer, rejected, requireString } from '../http/provider-responses';
import { AccountContext } from '../provider-adapter';
import { providerErrors } from '../providers.errors';
import { TelnyxConfigDto } from './telnyx-config.dto';
import { TelnyxSecretsDto } from './telnyx-secrets.dto';

const TELNYX_API = 'https://api.telnyx.com';

type TelnyxAccount = AccountContext<TelnyxConfigDto, TelnyxSecretsDto>;

/** A telephony credential: the generated SIP identity login tokens are minted for (telnyx.md §2, §9). */
export interface TelephonyCredential {
  id: string;
  sipUsername: string;
}

/** Telnyx's v2 REST API for one account (telnyx.md §1): `{base}/v2/…`, Bearer API key, JSON bodies. */
export class TelnyxApi {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly account: TelnyxAccount,
  ) {}

  /**
   * POST /v2/telephony_credentials (§2). Not repeatable: a repeat that did arrive creates a second credential (§10),
   * so it is only repeated when it certainly did not. The name is Callpass's identity, so duplicates can be found
   * (`filter[name]`). No tag: one tag holds at most 1000 credentials.
   */
  async createCredential(connectionId: string, name: string): Promise<TelephonyCredential> {
    const response = await this.call('POST', '/v2/telephony_credentials', {
      json: { connection_id: connectionId, name },
      idempotent: false,
    });
    const data = (response.body as { data?: unknown } | undefined)?.data;
    const id = requireString('telnyx', data, 'id');
    if (!isUuid(id)) throw providerErrors.provider_bad_response({ provider: 'telnyx', invalid: 'id' });
    return { id, sipUsername: requireString('telnyx', data, 'sip_username') };
  }

  /** GET /v2/telephony_credentials/{id} (§6): a credential of this account, e.g. one the tenant created itself. */
  async getCredential(id: string): Promise<TelephonyCredential> {
    const response = await this.call('GET', credentialPath(id), { idempotent: true });
    const data = (response.body as { data?: unknown } | undefined)?.data;
    return { id, sipUsername: requireString('telnyx', data, 'sip_username') };
  }

  /** DELETE /v2/telephony_credentials/{id} (§6): revokes the credential's voice access. One already gone (404) counts as deleted. */
  async deleteCredential(id: string): Promise<void> {
    await this.call('DELETE', credentialPath(id), { idempotent: true, tolerated: [404] });
  }

  /** POST /v2/telephony_credentials/{id}/token (§3): 201 with the bare JWT as text/plain. Consumes nothing: repeatable. */
  async createToken(credentialId: string): Promise<string> {
    const response = await this.call('POST', `${credentialPath(credentialId)}/token`, { accept: 'text/plain', idempotent: true });
    return response.text;
  }

  private async call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { json?: unknown; accept?: string; idempotent: boolean; tolerated?: number[] },
  ): Promise<ProviderResponse> {
    const base = (this.account.baseUrl ?? TELNYX_API).replace(/\/$/, '');
    const response = await this.http.send({
      provider: 'telnyx',
      account: this.account,
      method,
      url: `${base}${path}`,
      headers: { authorization: `Bearer ${this.account.secrets.apiKey}`, ...(options.accept ? { accept: options.accept } : {}) },
      json: options.json,
      idempotent: options.idempotent,
      // Telnyx's 429 says when its window resets in this header, in seconds (§7).
      rateLimitResetHeader: 'x-ratelimit-reset',
    });
    if (response.status >= 400 && !options.tolerated?.includes(response.status))
      throw rejected('telnyx', response, errorAnswer(response.body));
    return response;
  }
}

function credentialPath(id: string): string {
  return `/v2/telephony_credentials/${encodeURIComponent(id)}`;
}

/**
 * Telnyx's error envelope (§7): `errors` is a list of `{code, title, detail, source: {pointer}}`, but on some answers an
 * object of field → message (§6: `{"errors":{"status":"can't update credentials in expired status"}}`).
 */
function errorAnswer(body: unknown): ProviderAnswer {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (Array.isArray(errors)) {
    const first = (errors[0] ?? {}) as { code?: unknown; title?: unknown; detail?: unknown; source?: { pointer?: unknown } | null };
    return { code: first.code, message: first.detail ?? first.title, attribute: first.source?.pointer };
  }
  if (typeof errors === 'object' && errors !== null) {
    const [field, message] = Object.entries(errors as Record<string, unknown>)[0] ?? [];
    return { message, attribute: field };
  }
  return {};
}
