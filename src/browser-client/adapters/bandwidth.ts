import type { CredentialProvider } from '../credential-provider.js';

/** What the adapter uses of Bandwidth's browser SDK (`BandwidthUA` from `@bandwidth/bw-webrtc-sdk`). */
export interface BandwidthUserAgent {
  setOAuthToken(token: string): void;
}

/**
 * Sets the user's token on the Bandwidth user agent before the app connects it (`init()`), and replaces it with
 * each new one, which the provider fetches ahead of expiry (at `refreshAfter`).
 */
export async function bindBandwidthUA(provider: CredentialProvider, agent: BandwidthUserAgent): Promise<{ detach: () => void }> {
  agent.setOAuthToken((await provider.getToken()).token);
  return { detach: provider.on('refreshed', (token) => agent.setOAuthToken(token.token)) };
}
