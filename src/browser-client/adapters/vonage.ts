import type { CallpassToken, CredentialProvider } from '../credential-provider.js';
import { CallpassClientError } from '../errors.js';

/** What the adapter uses of the Vonage Client SDK's `VonageClient` (`@vonage/client-sdk` 2.x). */
export interface VonageClient {
  createSession(token: string, sessionId?: string | null): Promise<string>;
  refreshSession(token: string): Promise<unknown>;
}

/** What `new VonageClient(…)` needs to reach the user's region: Callpass's token answer names it (`us`, `eu`, `ap`). */
export interface VonageClientSettings {
  region: 'US' | 'EU' | 'AP';
}

export interface VonageBinding<C extends VonageClient> {
  client: C;
  /** The session's id, to resume it (`createSession(token, sessionId)`) within 15 minutes. */
  sessionId: string;
  detach: () => void;
}

/**
 * Creates the app's `VonageClient` for the region of the user's account, opens a session with the first token, and
 * hands the session every new token with `refreshSession` before the one it holds expires (a reconnect after `exp`
 * fails and ends the session).
 */
export async function bindVonageClient<C extends VonageClient>(
  provider: CredentialProvider,
  create: (settings: VonageClientSettings, token: CallpassToken) => C,
): Promise<VonageBinding<C>> {
  const first = await provider.getToken();
  const client = create({ region: regionOf(first) }, first);
  let sessionId: string;
  try {
    sessionId = await client.createSession(first.token);
  } catch (cause) {
    throw new CallpassClientError('sdk_session_failed', `The Vonage SDK opened no session: ${String((cause as Error)?.message ?? cause)}`, {
      retrying: false,
    });
  }
  // A failed refresh leaves the session on its current token: the SDK reports its end (sessionError).
  const detach = provider.on('refreshed', ({ token }) => void client.refreshSession(token).catch(() => undefined));
  return { client, sessionId, detach };
}

function regionOf(token: CallpassToken): VonageClientSettings['region'] {
  const region = typeof token.region === 'string' ? token.region.toUpperCase() : 'US';
  return region === 'EU' || region === 'AP' ? region : 'US';
}
