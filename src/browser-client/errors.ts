/** Why the credential provider could not get a token, in terms an app can act on. */
export class CallpassClientError extends Error {
  override readonly name = 'CallpassClientError';
  /** Callpass's error code (e.g. "end_user_token_expired"), or "network_error". */
  readonly code: string;
  /** The HTTP status, when Callpass answered. */
  readonly status?: number;
  /** Whether the provider keeps trying by itself (network errors, 5xx, 429); if not, the app must act (sign in again). */
  readonly retrying: boolean;
  /** How long Callpass asked to wait (429 Retry-After). */
  readonly retryAfterMs?: number;

  constructor(code: string, message: string, details: { status?: number; retrying: boolean; retryAfterMs?: number }) {
    super(message);
    this.code = code;
    this.status = details.status;
    this.retrying = details.retrying;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** The same failure, no longer retried after `tries` in a row. */
  givenUp(tries: number): CallpassClientError {
    return new CallpassClientError(this.code, `${this.message} (${tries} tries in a row; no more)`, {
      status: this.status,
      retrying: false,
    });
  }

  static network(cause: unknown): CallpassClientError {
    return new CallpassClientError('network_error', `Callpass could not be reached: ${String((cause as Error)?.message ?? cause)}`, {
      retrying: true,
    });
  }
}

/** Callpass's `{ error: { code, message } }` answer as an error; 5xx and 429 are retried, the rest are not. */
export async function errorFromResponse(response: Response): Promise<CallpassClientError> {
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  const retryAfter = Number(response.headers.get('retry-after'));
  const retrying = response.status >= 500 || response.status === 429;
  return new CallpassClientError(
    body?.error?.code ?? `http_${response.status}`,
    body?.error?.message ?? `Callpass answered ${response.status}`,
    {
      status: response.status,
      retrying,
      retryAfterMs: response.status === 429 && retryAfter > 0 ? retryAfter * 1000 : undefined,
    },
  );
}
