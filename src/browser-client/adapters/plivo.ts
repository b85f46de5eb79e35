import type { CredentialProvider } from '../credential-provider.js';
import { CallpassClientError } from '../errors.js';

type ConnectionChange = { state: string; reason?: string };
/** After these, a token the SDK would not take can be logged in with. */
const SETTLED_EVENTS = ['onLogin', 'onCallTerminated', 'onCallFailed', 'onIncomingCallCanceled', 'onIncomingCallIgnored'] as const;
type SettledEvent = (typeof SETTLED_EVENTS)[number];

/** What the adapter uses of the Plivo Browser SDK's client (`new Plivo(options).client`, SDK 2.2.16 or later). */
export interface PlivoClient {
  loginWithAccessToken(token: string): boolean;
  /** Connecting (a socket being opened): the SDK answers a login `true` then and keeps its old token. */
  isConnecting?(): boolean;
  /** Registering, likewise; the SDK has no method of its own for it. */
  phone?: { isRegistering?(): boolean } | null;
  on(event: 'onConnectionChange', listener: (change: ConnectionChange) => void): unknown;
  on(event: 'onLoginFailed' | SettledEvent, listener: (reason?: unknown) => void): unknown;
  removeListener(event: 'onConnectionChange', listener: (change: ConnectionChange) => void): unknown;
  removeListener(event: 'onLoginFailed' | SettledEvent, listener: (reason?: unknown) => void): unknown;
}

/**
 * Why a new token did not reach the SDK at once: it was `connecting` or registering, or `in_call` (the SDK refuses to
 * log in during a call), and is logged in with the latest token when that ends; or the SDK `refused` it outright.
 */
export type PlivoTokenWait = 'connecting' | 'in_call' | 'refused';

export interface PlivoBindingOptions {
  /** Told each time a new token could not go in at once (the current one still holds until it expires). */
  onTokenNotTaken?: (reason: PlivoTokenWait) => void;
}

/**
 * Logs the Plivo client in with the user's token, logs in again with every new token, and after a reconnect (which
 * needs a fresh login) fetches a fresh token and logs in with it. A token the SDK cannot take now (while it connects
 * or registers, or during a call) is not lost: the latest one goes in once that is over, and the app is told.
 */
export async function bindPlivoClient(
  provider: CredentialProvider,
  client: PlivoClient,
  options: PlivoBindingOptions = {},
): Promise<{ detach: () => void }> {
  const firstToken = (await provider.getToken()).token;
  let lastLoginFailure = '';
  let waiting = false;
  const onLoginFailed = (reason?: unknown) => (lastLoginFailure = typeof reason === 'string' ? reason : '');
  client.on('onLoginFailed', onLoginFailed);

  /** Whether the SDK took the token; otherwise why not. */
  const login = (token: string): PlivoTokenWait | undefined => {
    if (client.isConnecting?.() || client.phone?.isRegistering?.()) return 'connecting';
    lastLoginFailure = '';
    if (client.loginWithAccessToken(token)) return undefined;
    return /ongoing call/i.test(lastLoginFailure) ? 'in_call' : 'refused';
  };
  const offer = (token: string) => {
    const notTaken = login(token);
    waiting = notTaken === 'connecting' || notTaken === 'in_call';
    if (notTaken) options.onTokenNotTaken?.(notTaken);
  };

  const first = login(firstToken);
  if (first === 'refused' || first === 'in_call') {
    client.removeListener('onLoginFailed', onLoginFailed);
    throw new CallpassClientError('sdk_refused_token', 'The Plivo SDK refused the access token', { retrying: false });
  }
  waiting = first === 'connecting';
  const stopFeeding = provider.on('refreshed', (token) => offer(token.token));
  const offerLatest = () => {
    if (waiting && provider.current) offer(provider.current.token);
  };
  // The SDK drops and re-registers on each of our logins ("Relogin"); any other drop needs a fresh login on return.
  let dropped = false;
  const onConnectionChange = ({ state, reason }: ConnectionChange) => {
    if (state === 'disconnected') dropped = reason !== 'Relogin';
    if (state !== 'connected') return;
    if (!dropped) return offerLatest();
    dropped = false;
    waiting = false;
    void provider.refresh().catch(() => undefined);
  };
  client.on('onConnectionChange', onConnectionChange);
  for (const event of SETTLED_EVENTS) client.on(event, offerLatest);
  return {
    detach: () => {
      stopFeeding();
      client.removeListener('onConnectionChange', onConnectionChange);
      client.removeListener('onLoginFailed', onLoginFailed);
      for (const event of SETTLED_EVENTS) client.removeListener(event, offerLatest);
    },
  };
}
