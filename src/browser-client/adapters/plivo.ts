import type { CredentialProvider } from '../credential-provider.js';
import { CallpassClientError } from '../errors.js';

/** What the adapter uses of the Plivo Browser SDK's client (`new Plivo(options).client`, SDK 2.2.16 or later). */
export interface PlivoClient {
  loginWithAccessToken(token: string): boolean;
  on(event: 'onConnectionChange', listener: (change: { state: string; reason?: string }) => void): unknown;
  removeListener(event: 'onConnectionChange', listener: (change: { state: string; reason?: string }) => void): unknown;
}

/**
 * Logs the Plivo client in with the user's token, logs in again with every new token, and after a reconnect (which
 * needs a fresh login) fetches a fresh token and logs in with it.
 */
export async function bindPlivoClient(provider: CredentialProvider, client: PlivoClient): Promise<{ detach: () => void }> {
  const login = (token: string) => {
    if (!client.loginWithAccessToken(token))
      throw new CallpassClientError('sdk_refused_token', 'The Plivo SDK refused the access token', { retrying: false });
  };
  login((await provider.getToken()).token);
  const stopFeeding = provider.on('refreshed', (token) => login(token.token));
  // The SDK drops and re-registers on each of our logins ("Relogin"); any other drop needs a fresh login on return.
  let dropped = false;
  const onConnectionChange = ({ state, reason }: { state: string; reason?: string }) => {
    if (state === 'disconnected') dropped = reason !== 'Relogin';
    if (state !== 'connected' || !dropped) return;
    dropped = false;
    void provider.refresh().catch(() => undefined);
  };
  client.on('onConnectionChange', onConnectionChange);
  return {
    detach: () => {
      stopFeeding();
      client.removeListener('onConnectionChange', onConnectionChange);
    },
  };
}
