import {
  createCredentialProvider,
  CredentialProvider,
  CredentialProviderEvents,
  CredentialProviderOptions,
} from '../credential-provider.js';

/** The credential SignalWire's browser SDK takes: the SAT and, where known, its expiry in this page's milliseconds. */
export interface SignalwireCredential {
  token: string;
  expiry_at?: number;
}

/** SignalWire's credential-provider shape (`new SignalWire(credentials)`). */
export interface SignalwireCredentials {
  authenticate(context?: { fingerprint?: string }): Promise<SignalwireCredential>;
  /** Absent while the current token is client-bound: the SDK then refreshes it with its own key. */
  readonly refresh: (() => Promise<SignalwireCredential>) | undefined;
  /** The Callpass provider behind the current session. */
  readonly provider: CredentialProvider | undefined;
  /** Listens to the provider of every session, including those of later reconnects. */
  on<E extends keyof CredentialProviderEvents>(event: E, listener: (value: CredentialProviderEvents[E]) => void): void;
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
  let bound = false;
  let given: string | undefined;
  const listeners: ((provider: CredentialProvider) => void)[] = [];
  const credential = (current: CredentialProvider, token: { token: string; expiresAt: string }): SignalwireCredential => {
    given = token.token;
    return { token: token.token, expiry_at: current.localTime(token.expiresAt) };
  };
  const refresh = async () => {
    const current = provider;
    if (!current) throw new Error('SignalWire asked to refresh before authenticating');
    // The provider may have refreshed already at refreshAfter: hand that one over rather than spend another.
    const refreshedAlready = current.current !== undefined && current.current.token !== given;
    return credential(current, refreshedAlready ? await current.getToken() : await current.refresh());
  };
  return {
    // Called at connect and again on every reconnect, where the SDK may offer a new key.
    authenticate: async (context) => {
      provider?.dispose();
      const fingerprint = clientBound ? context?.fingerprint : undefined;
      bound = fingerprint !== undefined;
      const current = createCredentialProvider({
        ...settings,
        provider: 'signalwire',
        ...(fingerprint ? { options: { ...settings.options, fingerprint }, autoRefresh: false } : {}),
      });
      provider = current;
      for (const attach of listeners) attach(current);
      return credential(current, await current.getToken());
    },
    get refresh() {
      return bound ? undefined : refresh;
    },
    get provider() {
      return provider;
    },
    on: (event, listener) => {
      const attach = (current: CredentialProvider) => void current.on(event, listener);
      listeners.push(attach);
      if (provider) attach(provider);
    },
    dispose: () => provider?.dispose(),
  };
}
