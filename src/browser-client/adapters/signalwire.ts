import { createCredentialProvider, CredentialProvider, CredentialProviderOptions } from '../credential-provider.js';

/** The credential SignalWire's browser SDK takes: the SAT and, where known, its expiry in this page's milliseconds. */
export interface SignalwireCredential {
  token: string;
  expiry_at?: number;
}

/** SignalWire's credential-provider shape (`new SignalWire(credentials)`). */
export interface SignalwireCredentials {
  authenticate(context?: { fingerprint?: string }): Promise<SignalwireCredential>;
  refresh(): Promise<SignalwireCredential>;
  /** The Callpass provider behind the current session, for events (`refreshed`, `error`). */
  readonly provider: CredentialProvider | undefined;
  dispose(): void;
}

/**
 * SignalWire subscriber tokens for the SDK. When the SDK offers a key fingerprint, the token is bound to the SDK's
 * key pair (client-bound, `sat:refresh`) and the SDK refreshes it itself; otherwise Callpass refreshes it through
 * its refresh route and the SDK's `refresh()` gets the newest one.
 */
export function signalwireCredentials(settings: Omit<CredentialProviderOptions, 'provider' | 'autoRefresh'>): SignalwireCredentials {
  let provider: CredentialProvider | undefined;
  let given: string | undefined;
  const credential = (current: CredentialProvider, token: { token: string; expiresAt: string }): SignalwireCredential => {
    given = token.token;
    return { token: token.token, expiry_at: current.localTime(token.expiresAt) };
  };
  return {
    // Called at connect and again on every reconnect, where the SDK may offer a new key.
    authenticate: async (context) => {
      provider?.dispose();
      const fingerprint = context?.fingerprint;
      const current = createCredentialProvider({
        ...settings,
        provider: 'signalwire',
        ...(fingerprint ? { options: { ...settings.options, fingerprint }, autoRefresh: false } : {}),
      });
      provider = current;
      return credential(current, await current.getToken());
    },
    refresh: async () => {
      const current = provider;
      if (!current) throw new Error('SignalWire asked to refresh before authenticating');
      // The provider may have refreshed already at refreshAfter: hand that one over rather than spend another.
      const refreshedAlready = current.current !== undefined && current.current.token !== given;
      return credential(current, refreshedAlready ? await current.getToken() : await current.refresh());
    },
    get provider() {
      return provider;
    },
    dispose: () => provider?.dispose(),
  };
}
