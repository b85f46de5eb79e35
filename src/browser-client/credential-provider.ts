import { CallpassClientError, errorFromResponse } from './errors.js';
import { Emitter } from './emitter.js';
import { browserEnvironment, Environment } from './environment.js';

/** A token as Callpass's browser route answers it (plus the provider's extras). */
export interface CallpassToken {
  id: string;
  provider: string;
  kind: string;
  /** The token for the provider's SDK. */
  token: string;
  identity: string | null;
  expiresAt: string;
  refreshAfter: string;
  serverTime: string;
  capabilities: string[];
  refreshable?: boolean;
  [extra: string]: unknown;
}

export interface CredentialProviderOptions {
  /** Where Callpass is served, e.g. "https://callpass.example.com". */
  baseUrl: string;
  /** The tenant's slug. */
  tenant: string;
  /** The signed-in user's credential: the IdP's JWT or a Callpass session. Called again once after a 401. */
  getCredential: () => string | Promise<string>;
  providerAccountId?: string;
  provider?: string;
  kind?: string;
  capabilities?: string[];
  ttlSeconds?: number;
  options?: Record<string, unknown>;
  /**
   * Whether the provider fetches the next token by itself at `refreshAfter` (default true). Off when the SDK
   * refreshes its own credential (SignalWire's client-bound tokens) and only the first token comes from here.
   */
  autoRefresh?: boolean;
  /** Backoff between retries of network errors and 5xx: full jitter, doubling from `baseMs` up to `maxMs`. */
  retry?: { baseMs?: number; maxMs?: number };
  /** Timers, clock, fetch and page visibility; the browser's by default (tests inject their own). */
  environment?: Partial<Environment>;
}

export interface CredentialProviderEvents {
  /** The first token. */
  token: CallpassToken;
  /** Every token after the first. */
  refreshed: CallpassToken;
  /** A failure: `retrying` says whether the provider keeps trying by itself. */
  error: CallpassClientError;
  /** The current token expired before a new one arrived. */
  expired: CallpassToken;
}

export interface CredentialProvider {
  /** The current token if it is still valid, else the next one. */
  getToken(): Promise<CallpassToken>;
  /** Fetches a new token now (refreshing the current one where the provider allows it). */
  refresh(): Promise<CallpassToken>;
  /** The current token, if any. */
  readonly current: CallpassToken | undefined;
  /** A time the server gave (e.g. a token's `expiresAt`) on this page's clock, in milliseconds like `Date.now()`. */
  localTime(serverTime: string): number;
  on<E extends keyof CredentialProviderEvents>(event: E, listener: (value: CredentialProviderEvents[E]) => void): () => void;
  /** Stops every timer and listener; further calls fail. */
  dispose(): void;
}

const DEFAULT_RETRY = { baseMs: 1000, maxMs: 30_000 };

/**
 * Keeps a fresh Callpass token for the signed-in user: fetched with their credential, replaced at `refreshAfter`
 * (measured on the server's clock, so a skewed browser clock does not matter), retried with jittered backoff on
 * network errors and 5xx, after `Retry-After` on 429, and given up on 401/403 (after asking for the credential
 * once more). Waking from sleep past `refreshAfter` refreshes at once.
 */
export function createCredentialProvider(options: CredentialProviderOptions): CredentialProvider {
  const env: Environment = { ...browserEnvironment(), ...options.environment };
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const autoRefresh = options.autoRefresh ?? true;
  const events = new Emitter<CredentialProviderEvents>();
  const route = `${options.baseUrl.replace(/\/+$/, '')}/v1/client/${encodeURIComponent(options.tenant)}/tokens`;
  let current: CallpassToken | undefined;
  /** Local times (env.now()) at which to refresh and at which the current token expires. */
  let refreshAt = 0;
  let expiresAt = 0;
  /** This page's clock minus the server's, measured when the current token arrived. */
  let clockOffset = 0;
  let inFlight: Promise<CallpassToken> | undefined;
  let refreshTimer: unknown;
  let expiryTimer: unknown;
  let disposed = false;
  let credential: string | undefined;

  const body = () =>
    JSON.stringify({
      providerAccountId: options.providerAccountId,
      provider: options.provider,
      kind: options.kind,
      capabilities: options.capabilities,
      ttlSeconds: options.ttlSeconds,
      options: options.options,
    });

  async function call(url: string, payload: string | undefined, freshCredential: boolean): Promise<Response> {
    if (freshCredential || credential === undefined) credential = await options.getCredential();
    return env.fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      body: payload ?? '{}',
    });
  }

  /** One token from Callpass: a 401 gets one more try with a fresh credential. */
  async function request(): Promise<CallpassToken> {
    const refreshing = current?.refreshable === true && env.now() < expiresAt;
    const url = refreshing ? `${route}/${encodeURIComponent(current!.id)}/refresh` : route;
    const payload = refreshing ? undefined : body();
    let response = await call(url, payload, false);
    if (response.status === 401) response = await call(url, payload, true);
    // A refresh chain that ended (revoked, expired, refreshed elsewhere) is replaced by a new token.
    if (refreshing && response.status === 404) response = await call(route, body(), false);
    if (!response.ok) throw await errorFromResponse(response);
    return (await response.json()) as CallpassToken;
  }

  function accept(token: CallpassToken, receivedAt: number): CallpassToken {
    const first = current === undefined;
    current = token;
    clockOffset = receivedAt - Date.parse(token.serverTime);
    refreshAt = Math.max(receivedAt, localTime(token.refreshAfter));
    expiresAt = Math.max(receivedAt, localTime(token.expiresAt));
    if (autoRefresh) schedule(refreshAt - env.now(), () => void refresh().catch(() => undefined));
    env.clearTimer(expiryTimer);
    expiryTimer = env.setTimer(() => {
      if (current === token) events.emit('expired', token);
    }, expiresAt - env.now());
    events.emit(first ? 'token' : 'refreshed', token);
    return token;
  }

  function localTime(serverTime: string): number {
    return Date.parse(serverTime) + clockOffset;
  }

  function schedule(delayMs: number, run: () => void): void {
    env.clearTimer(refreshTimer);
    refreshTimer = env.setTimer(run, Math.max(0, delayMs));
  }

  /** Fetches until it succeeds or meets an error retrying cannot fix. */
  async function fetchWithRetries(): Promise<CallpassToken> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const token = await request();
        if (disposed) throw new CallpassClientError('disposed', 'The credential provider was disposed', { retrying: false });
        return accept(token, env.now());
      } catch (caught) {
        const error = caught instanceof CallpassClientError ? caught : CallpassClientError.network(caught);
        if (disposed || !error.retrying) {
          events.emit('error', error);
          throw error;
        }
        events.emit('error', error);
        const backoff = error.retryAfterMs ?? env.random() * Math.min(retry.maxMs, retry.baseMs * 2 ** attempt);
        await new Promise<void>((resolve) => schedule(backoff, resolve));
        if (disposed) throw new CallpassClientError('disposed', 'The credential provider was disposed', { retrying: false });
      }
    }
  }

  function refresh(): Promise<CallpassToken> {
    if (disposed) return Promise.reject(new CallpassClientError('disposed', 'The credential provider was disposed', { retrying: false }));
    inFlight ??= fetchWithRetries().finally(() => (inFlight = undefined));
    return inFlight;
  }

  const stopWatchingWake = env.onWake(() => {
    if (autoRefresh && current && env.now() >= refreshAt) void refresh().catch(() => undefined);
  });

  return {
    getToken: () => (current && env.now() < expiresAt ? Promise.resolve(current) : refresh()),
    refresh,
    get current() {
      return current;
    },
    localTime,
    on: (event, listener) => events.on(event, listener),
    dispose: () => {
      disposed = true;
      env.clearTimer(refreshTimer);
      env.clearTimer(expiryTimer);
      stopWatchingWake();
      events.clear();
    },
  };
}
