import { useState } from 'preact/hooks';
import { api, ApiError, ConsoleSession } from '../api';
import { ErrorNotice } from '../components';

/** A tenant or admin key in, a session out; the key is not kept by the browser. */
export function SignInPage({ onSignedIn }: { onSignedIn: (session: ConsoleSession) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api<ConsoleSession>('POST', '/v1/console/sessions', { key }));
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <h1>Sign in to the Callpass console</h1>
      <form onSubmit={(event) => void submit(event)}>
        <label for="key">Tenant or admin key</label>
        <input
          id="key"
          type="password"
          autocomplete="off"
          placeholder="cp_tenant_…"
          value={key}
          onInput={(event) => setKey((event.target as HTMLInputElement).value)}
          required
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {error && <ErrorNotice error={error} />}
      <p class="hint">
        The console acts as the key you sign in with, no more. Your session ends after 30 minutes without use, and when you sign out.
      </p>
    </main>
  );
}
