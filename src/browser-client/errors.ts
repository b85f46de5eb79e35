/** What a CallpassClientError says besides its code and message. */
interface ErrorFacts {
  status?: number;
  retrying: boolean;
  retryAfterMs?: number;
  retryInMs?: number;
  details?: Record<string, unknown>;
}

/** Why the credential provider could not get a token, in terms an app can act on. */
export class CallpassClientError extends Error {
  override readonly name = 'CallpassClientError';
  /** Callpass's error code (e.g. "end_user_token_expired"), or "network_error". */
  readonly code: string;
  /** The HTTP status, when Callpass answered. */
  readonly status?: number;
  /** Whether the provider keeps trying by itself (network errors, 5xx, 429); if not, the app must act (sign in again). */
  readonly retrying: boolean;
  /** How long Callpass asked to wait (`Retry-After` of a 429, or of a 502-504 when the provider said). */
  readonly retryAfterMs?: number;
  /** While `retrying`: in how long the provider tries again (to show "retrying in N s"). */
  readonly retryInMs?: number;
  /**
   * Callpass's `details` (e.g. `provider_unavailable`'s `reason`: `rate_limited` when the provider is throttling the
   * account rather than down).
   */
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, facts: ErrorFacts) {
    super(message);
    this.code = code;
    this.status = facts.status;
    this.retrying = facts.retrying;
    this.retryAfterMs = facts.retryAfterMs;
    this.retryInMs = facts.retryInMs;
    this.details = facts.details ?? {};
  }

  /** The same failure, to be tried again in `delayMs`. */
  retriedIn(delayMs: number): CallpassClientError {
    const { status, retrying, retryAfterMs, details } = this;
    return new CallpassClientError(this.code, this.message, { status, retrying, retryAfterMs, details, retryInMs: delayMs });
  }

  /** The same failure, no longer retried after `tries` in a row. */
  givenUp(tries: number): CallpassClientError {
    const { status, details } = this;
    return new CallpassClientError(this.code, `${this.message} (${tries} tries in a row; no more)`, { status, details, retrying: false });
  }

  static network(cause: unknown): CallpassClientError {
    return new CallpassClientError('network_error', `Callpass could not be reached: ${String((cause as Error)?.message ?? cause)}`, {
      retrying: true,
    });
  }
}

/** 5xx answers that retrying cannot mend: the tenant's stored provider credentials are refused. */
const LASTING_FAILURES = ['provider_auth_failed'];

/**
 * Callpass's `{ error: { code, message, details } }` answer as an error; 5xx (but refused provider credentials) and
 * 429 are retried, the rest are not.
 * The wait asked for is `Retry-After` (delta seconds), or else the body's `details.retryAfterSeconds`.
 */
export async function errorFromResponse(response: Response): Promise<CallpassClientError> {
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined;
  const code = body?.error?.code ?? `http_${response.status}`;
  const details = body?.error?.details ?? {};
  const retrying = (response.status >= 500 && !LASTING_FAILURES.includes(code)) || response.status === 429;
  const retryAfter = Number(response.headers.get('retry-after') ?? details.retryAfterSeconds);
  return new CallpassClientError(code, body?.error?.message ?? `Callpass answered ${response.status}`, {
    status: response.status,
    retrying,
    retryAfterMs: retrying && retryAfter > 0 ? retryAfter * 1000 : undefined,
    details,
  });
}
