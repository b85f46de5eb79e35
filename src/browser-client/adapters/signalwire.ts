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

export interface SignalwireSettings extends Omit<CredentialProviderOptions, 'provider' | 'autoRefresh'> {
  /**
   * Bind tokens to the key pair the SDK offers (its fingerprint), and let the SDK refresh them at SignalWire by
   * itself. Off by default: those refreshes bypass Callpass (no revocation, no token log), so the account's policy
   * must also list `fingerprint` in `endUserOptions`.
   */
  clientBound?: boolean;
}

/**
 * SignalWire subscriber tokens for the SDK. By default Callpass refreshes them through its refresh route and the
 * SDK's `refresh()` gets the newest one; with `clientBound`, they are bound to the SDK's key pair (`sat:refresh`).
 */
export function signalwireCredentials({ clientBound, ...settings }: SignalwireSettings): SignalwireCredentials {
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
      const fingerprint = clientBound ? context?.fingerprint : undefined;
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
