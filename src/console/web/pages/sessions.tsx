import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Page } from '../api';
import { DataTable, EmptyState, ErrorNotice } from '../components';
import { usePagedList } from '../paged-list';

interface Session {
  id: string;
  userId: string;
  prefix: string;
  capabilities: string[];
  expiresAt: string;
  revokedAt: string | null;
  createdAt: string;
}

interface UserRevocation {
  userId: string;
  sessionsRevoked: number;
  refreshCredentialsDeleted: number;
}

/** Your users' Callpass sessions, by user: each can be revoked, and a user signed out of everything at once. */
export function SessionsPage() {
  const [userId, setUserId] = useState('');
  const [revocation, setRevocation] = useState<UserRevocation>();
  const list = usePagedList((cursor?: string) => {
    const params = new URLSearchParams({ limit: '100' });
    if (userId) params.set('userId', userId);
    if (cursor) params.set('cursor', cursor);
    return api<Page<Session>>('GET', `/v1/sessions?${params.toString()}`);
  });
  useEffect(() => void list.load(), []);

  async function act(request: () => Promise<unknown>) {
    list.setError(undefined);
    try {
      await request();
      await list.load();
    } catch (caught) {
      list.setError(caught as ApiError);
    }
  }

  const revokeUser = () =>
    act(async () => {
      setRevocation(await api<UserRevocation>('POST', `/v1/users/${encodeURIComponent(userId)}/revoke`));
    });

  return (
    <>
      <form
        class="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setRevocation(undefined);
          void list.load();
        }}
      >
        <label for="session-user-id">User id</label>
        <input id="session-user-id" value={userId} onInput={(event) => setUserId((event.target as HTMLInputElement).value)} />
        <button type="submit">Search</button>
        <button type="button" disabled={!userId} onClick={() => void revokeUser()}>
          Sign this user out everywhere
        </button>
      </form>
      {revocation && (
        <p role="status">
          {revocation.userId} is signed out: {revocation.sessionsRevoked} sessions revoked, {revocation.refreshCredentialsDeleted} kept
          refresh credentials deleted, and their identity provider's earlier tokens refused from now on.
        </p>
      )}
      {list.error && <ErrorNotice error={list.error} />}
      {list.rows && list.rows.length === 0 && (
        <EmptyState title={userId ? 'No session for this user' : 'No session yet'}>
          Sessions are what your backend opens for a user with <code>POST /v1/sessions</code> when your users do not sign in with an
          identity provider. A user can still be signed out here: their identity provider's tokens are then refused.
        </EmptyState>
      )}
      {list.rows && list.rows.length > 0 && (
        <DataTable
          caption="Sessions, newest first"
          rows={list.rows}
          columns={[
            { header: 'User id', cell: (session) => session.userId },
            { header: 'Session', cell: (session) => <code>{session.prefix}</code> },
            { header: 'Created', cell: (session) => new Date(session.createdAt).toLocaleString() },
            { header: 'Expires', cell: (session) => new Date(session.expiresAt).toLocaleString() },
            { header: 'State', cell: (session) => (session.revokedAt ? 'revoked' : 'not revoked') },
            {
              header: 'Action',
              cell: (session) =>
                !session.revokedAt && (
                  <button type="button" onClick={() => void act(() => api('DELETE', `/v1/sessions/${session.id}`))}>
                    Revoke <span class="visually-hidden">session {session.prefix}</span>
                  </button>
                ),
            },
          ]}
        />
      )}
      {list.next && (
        <button type="button" class="more" onClick={() => void list.load(list.next!)}>
          Older sessions
        </button>
      )}
    </>
  );
}
