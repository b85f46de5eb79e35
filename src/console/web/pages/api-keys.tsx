import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, ConsoleSession, Page } from '../api';
import { DataTable, EmptyState, ErrorNotice } from '../components';
import { usePagedList } from '../paged-list';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

interface CreatedApiKey extends ApiKey {
  key: string;
}

const when = (date: string | null, otherwise: string) => (date ? new Date(date).toLocaleString() : otherwise);

/** The tenant's API keys: create one (shown once), revoke one after confirming. */
export function ApiKeysPage() {
  const list = usePagedList((cursor?: string) => {
    const params = new URLSearchParams({ limit: '100' });
    if (cursor) params.set('cursor', cursor);
    return api<Page<ApiKey>>('GET', `/v1/api-keys?${params.toString()}`);
  });
  const { rows: keys, next, error, setError } = list;
  const [sessionKeyId, setSessionKeyId] = useState<string>();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey>();
  const [confirming, setConfirming] = useState<ApiKey>();

  useEffect(() => {
    void list.load();
    api<ConsoleSession>('GET', '/v1/console/sessions/current').then((session) => setSessionKeyId(session.keyId), setError);
  }, []);

  async function create(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setCreated(undefined);
    try {
      setCreated(await api<CreatedApiKey>('POST', '/v1/api-keys', { name }));
      setName('');
      await list.load();
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(key: ApiKey) {
    setConfirming(undefined);
    setError(undefined);
    try {
      await api('DELETE', `/v1/api-keys/${key.id}`);
      // The session acted as that key, so it ended with it: the console asks for a key again.
      if (key.id === sessionKeyId) location.reload();
      else await list.load();
    } catch (caught) {
      setError(caught as ApiError);
    }
  }

  return (
    <>
      <form class="search" onSubmit={(event) => void create(event)}>
        <label for="key-name">Key name</label>
        <input
          id="key-name"
          required
          maxLength={100}
          placeholder="production backend"
          value={name}
          onInput={(event) => setName((event.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={busy}>
          Create key
        </button>
      </form>
      {created && <NewKey created={created} onDismiss={() => setCreated(undefined)} />}
      {error && <ErrorNotice error={error} />}
      {error?.code === 'console_reauthentication_required' && <SignInAgain />}
      {confirming && (
        <ConfirmRevoke
          apiKey={confirming}
          signedInWithIt={confirming.id === sessionKeyId}
          onConfirm={() => void revoke(confirming)}
          onCancel={() => setConfirming(undefined)}
        />
      )}
      {keys && keys.length === 0 && (
        <EmptyState title="No API key yet">
          Create one above: your backend sends it as <code>Authorization: Bearer …</code> to mint your users' tokens.
        </EmptyState>
      )}
      {keys && keys.length > 0 && (
        <DataTable
          caption="Your API keys, newest first"
          rows={keys}
          columns={[
            {
              header: 'Name',
              cell: (key) => (
                <>
                  {key.name}
                  {key.id === sessionKeyId && <span class="hint"> (this session's key)</span>}
                </>
              ),
            },
            { header: 'Prefix', cell: (key) => <code>{key.prefix}…</code> },
            { header: 'Created', cell: (key) => when(key.createdAt, '') },
            { header: 'Last used', cell: (key) => when(key.lastUsedAt, 'never') },
            { header: 'Revoked', cell: (key) => when(key.revokedAt, 'no') },
            {
              header: 'Action',
              cell: (key) =>
                !key.revokedAt && (
                  <button type="button" onClick={() => setConfirming(key)}>
                    Revoke <span class="visually-hidden">{key.name}</span>
                  </button>
                ),
            },
          ]}
        />
      )}
      {next && (
        <button type="button" class="more" onClick={() => void list.load(next)}>
          Older keys
        </button>
      )}
    </>
  );
}

/** The one time the key is shown: gone when dismissed or when the page is left. */
function NewKey({ created, onDismiss }: { created: CreatedApiKey; onDismiss: () => void }) {
  return (
    <section class="new-key" aria-labelledby="new-key-title">
      <h2 id="new-key-title">Your new key</h2>
      <label for="new-key">Key "{created.name}"</label>
      <input id="new-key" readOnly value={created.key} onFocus={(event) => (event.target as HTMLInputElement).select()} />
      <p class="hint">Copy it now: Callpass keeps only its hash, so it will not be shown again.</p>
      <button type="button" onClick={onDismiss}>
        I have copied it
      </button>
    </section>
  );
}

function ConfirmRevoke({
  apiKey,
  signedInWithIt,
  onConfirm,
  onCancel,
}: {
  apiKey: ApiKey;
  signedInWithIt: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} aria-labelledby="revoke-title" onClose={onCancel}>
      <h2 id="revoke-title">Revoke the key "{apiKey.name}"?</h2>
      <p>
        Requests made with <code>{apiKey.prefix}…</code> are refused from now on. This cannot be undone.
      </p>
      {signedInWithIt && <p>You signed in with this key: revoking it ends this console session.</p>}
      <div class="actions">
        <button type="button" onClick={onConfirm}>
          Revoke key
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

/** A console session creates keys only just after its sign-in: signing out brings the sign-in back to this page. */
function SignInAgain() {
  const [error, setError] = useState<ApiError>();
  async function signInAgain() {
    try {
      await api('DELETE', '/v1/console/sessions/current');
      location.reload();
    } catch (caught) {
      setError(caught as ApiError);
    }
  }
  return (
    <div class="hint">
      <p>
        Creating a key needs a sign-in from the last 5 minutes, so that a stolen session cannot make a lasting key.{' '}
        <button type="button" onClick={() => void signInAgain()}>
          Sign in again
        </button>
      </p>
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
