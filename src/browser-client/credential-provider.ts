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
  /**
   * The signed-in user's credential: the IdP's JWT or a Callpass session. Asked for on every request (and once more
   * after a 401), so a different user signing in gets their own tokens; still, dispose the provider on sign-out.
   */
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
  /** The current token until its refreshAfter, else the next one. */
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
 * Tries while Callpass cannot fetch the tenant's identity-provider keys: a bad JWKS URL or an untrusted certificate
 * does not heal by itself, so the app is told instead of the provider retrying forever.
 */
const KEYS_UNAVAILABLE_TRIES = 3;
const MIN_REFRESH_DELAY_MS = 5_000;
const WATCH_INTERVAL_MS = 10_000;
/** How late a watch tick may come before the page is taken to have slept (busy pages and throttled tabs are late too). */
const SLEPT_AFTER_MS = 20_000;

/**
 * Keeps a fresh Callpass token for the signed-in user: fetched with their credential, replaced at `refreshAfter`
 * (measured on the server's clock, so a skewed browser clock does not matter), retried on network errors, 5xx and
 * 429 with capped, jittered, growing backoff never shorter than a `Retry-After`, and given up on 401/403 (after
 * asking for the credential once more). Waking from sleep past `refreshAfter` refreshes at once.
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
  let watchTimer: unknown;
  /** Ends a retry's wait early when the provider is disposed. */
  let abandonWait: (() => void) | undefined;
  let disposed = false;

  const body = () =>
    JSON.stringify({
      providerAccountId: options.providerAccountId,
      provider: options.provider,
      kind: options.kind,
      capabilities: options.capabilities,
      ttlSeconds: options.ttlSeconds,
      options: options.options,
    });

  /** Asked for on every request: whoever is signed in now is who the token is for. */
  async function credential(): Promise<string> {
    try {
      return await options.getCredential();
    } catch (cause) {
      throw new CallpassClientError('credential_unavailable', `The app gave no credential: ${String((cause as Error)?.message ?? cause)}`, {
        retrying: false,
      });
    }
  }

  /** One POST; a 401 gets one more try with the credential asked for again. */
  async function call(url: string, payload: string): Promise<Response> {
    const send = async () =>
      env.fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${await credential()}`, 'content-type': 'application/json' },
        body: payload,
      });
    const response = await send();
    return response.status === 401 ? send() : response;
  }

  async function request(): Promise<CallpassToken> {
    const refreshing = current?.refreshable === true && env.now() < expiresAt;
    let response = refreshing ? await call(`${route}/${encodeURIComponent(current!.id)}/refresh`, '{}') : await call(route, body());
    // A refresh chain that cannot go on (ended, refreshed elsewhere, refused by a tightened policy) is replaced by a
    // new token; only the credential's refusals and limits stand.
    if (refreshing && response.status >= 400 && response.status < 500 && ![401, 403, 429].includes(response.status))
      response = await call(route, body());
    if (!response.ok) throw await errorFromResponse(response);
    return (await response.json()) as CallpassToken;
  }

  function accept(token: CallpassToken, receivedAt: number): CallpassToken {
    const offset = receivedAt - Date.parse(token.serverTime);
    const expires = Date.parse(token.expiresAt) + offset;
    const refreshAfter = Date.parse(token.refreshAfter) + offset;
    if (!Number.isFinite(expires) || !Number.isFinite(refreshAfter))
      throw new CallpassClientError('bad_response', 'Callpass answered a token without valid times', { retrying: true });
    const first = current === undefined;
    current = token;
    clockOffset = offset;
    expiresAt = Math.max(receivedAt, expires);
    // Never sooner than half the time left (at most 5 s), so a token with no time to spare cannot cause a storm;
    // and up to 10% early, so the users of one shared token (Bandwidth's) do not all come back in the same second.
    const earliest = receivedAt + Math.min(MIN_REFRESH_DELAY_MS, (expiresAt - receivedAt) / 2);
    const planned = Math.max(earliest, refreshAfter);
    refreshAt = planned - env.random() * 0.1 * (planned - earliest);
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

  const disposedError = () => new CallpassClientError('disposed', 'The credential provider was disposed', { retrying: false });

  /** Fetches until it succeeds or meets an error retrying cannot fix. */
  async function fetchWithRetries(): Promise<CallpassToken> {
    let keysUnavailable = 0;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const token = await request();
        if (disposed) throw disposedError();
        return accept(token, env.now());
      } catch (caught) {
        let error = caught instanceof CallpassClientError ? caught : CallpassClientError.network(caught);
        keysUnavailable = error.code === 'end_user_keys_unavailable' ? keysUnavailable + 1 : 0;
        if (keysUnavailable === KEYS_UNAVAILABLE_TRIES) error = error.givenUp(KEYS_UNAVAILABLE_TRIES);
        // Never sooner than Callpass asked (Retry-After), and backing off further while the failure lasts; past a
        // Retry-After, jittered too, so that the pages it was given to do not all come back in the same instant.
        const backoff = env.random() * Math.min(retry.maxMs, retry.baseMs * 2 ** attempt);
        const afterAsked = error.retryAfterMs === undefined ? 0 : error.retryAfterMs + env.random() * retry.baseMs;
        if (error.retrying) error = error.retriedIn(Math.max(afterAsked, backoff));
        if (!disposed) events.emit('error', error);
        if (disposed || !error.retrying) throw error;
        const delayMs = error.retryInMs!;
        await new Promise<void>((resolve, reject) => {
          abandonWait = () => reject(disposedError());
          schedule(delayMs, resolve);
        });
      }
    }
  }

  function refresh(): Promise<CallpassToken> {
    if (disposed) return Promise.reject(disposedError());
    inFlight ??= fetchWithRetries().finally(() => (inFlight = undefined));
    return inFlight;
  }

  function refreshIfOverdue(): void {
    if (autoRefresh && current && env.now() >= refreshAt) void refresh().catch(() => undefined);
  }
  const stopWatchingWake = env.onWake(refreshIfOverdue);
  /**
   * A tick every few seconds that notices when it comes late: timers stand still while a computer sleeps or a
   * browser freezes a tab, and no page event says so. Waking then refreshes at once instead of when the refresh
   * timer, as late as the sleep was long, finally fires.
   */
  function watchForSleep(): void {
    const due = env.now() + WATCH_INTERVAL_MS;
    watchTimer = env.setTimer(() => {
      if (env.now() - due > SLEPT_AFTER_MS) refreshIfOverdue();
      if (!disposed) watchForSleep();
    }, WATCH_INTERVAL_MS);
  }
  if (autoRefresh) watchForSleep();

  return {
    // Past refreshAfter a token still works, but not for long enough to start a call with: fetch the next one.
    getToken: () => (current && env.now() < refreshAt ? Promise.resolve(current) : refresh()),
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
      env.clearTimer(watchTimer);
      abandonWait?.();
      stopWatchingWake();
      events.clear();
    },
  };
}
