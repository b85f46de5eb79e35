import type { CredentialProvider } from '../credential-provider.js';

/** What the adapter uses of Telnyx's `TelnyxRTC` (`@telnyx/webrtc` 2.25.17 or later). */
export interface TelnyxClient {
  /** What the client logs in with on `connect()` and on each reconnect. */
  options: { login_token?: string };
  readonly connected: boolean;
  login(params: { creds: { login_token: string } }): Promise<void>;
}

export interface TelnyxBinding<C extends TelnyxClient> {
  client: C;
  /** Stops feeding the client (the app still owns, connects and disconnects it). */
  detach: () => void;
}

/**
 * Creates the app's `TelnyxRTC` with the user's first token (`login_token`, used by `connect()`), and hands it every
 * new one: logged in with on the open socket (`login({ creds: { login_token } })`), and kept for the next connect
 * or reconnect, since the SDK's `login` does nothing while the socket is closed.
 */
export async function bindTelnyxClient<C extends TelnyxClient>(
  provider: CredentialProvider,
  create: (token: string) => C,
): Promise<TelnyxBinding<C>> {
  const client = create((await provider.getToken()).token);
  const detach = provider.on('refreshed', ({ token }) => {
    client.options.login_token = token;
    // A failed re-login is the SDK's to report (telnyx.error); the token stays for its next attempt.
    if (client.connected) void client.login({ creds: { login_token: token } }).catch(() => undefined);
  });
  return { client, detach };
}
