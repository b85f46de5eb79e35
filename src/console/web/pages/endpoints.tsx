import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Page } from '../api';
import { DataTable, EmptyState, ErrorNotice } from '../components';

interface Endpoint {
  id: string;
  providerAccountId: string;
  userId: string;
  identity: string;
  capabilities: string[];
  disabled: boolean;
}

/** Your users and the identity each has with its provider, found by user id. */
export function EndpointsPage() {
  const [userId, setUserId] = useState('');
  const [endpoints, setEndpoints] = useState<Endpoint[]>();
  const [error, setError] = useState<ApiError>();

  const search = (user: string) => {
    setError(undefined);
    const query = user ? `&userId=${encodeURIComponent(user)}` : '';
    return api<Page<Endpoint>>('GET', `/v1/endpoints?limit=100${query}`).then((page) => setEndpoints(page.data), setError);
  };
  useEffect(() => void search(''), []);

  return (
    <>
      <form
        class="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          void search(userId);
        }}
      >
        <label for="user-id">User id</label>
        <input id="user-id" value={userId} onInput={(event) => setUserId((event.target as HTMLInputElement).value)} />
        <button type="submit">Search</button>
      </form>
      {error && <ErrorNotice error={error} />}
      {endpoints && endpoints.length === 0 && (
        <EmptyState title={userId ? 'No endpoint for this user' : 'No endpoint yet'}>
          An endpoint binds one of your users to a provider account: create one with <code>POST /v1/endpoints</code>.
        </EmptyState>
      )}
      {endpoints && endpoints.length > 0 && (
        <DataTable
          caption="Endpoints"
          rows={endpoints}
          columns={[
            { header: 'User id', cell: (endpoint) => endpoint.userId },
            { header: 'Identity', cell: (endpoint) => endpoint.identity },
            { header: 'Capabilities', cell: (endpoint) => endpoint.capabilities.join(', ') },
            { header: 'Status', cell: (endpoint) => (endpoint.disabled ? 'disabled' : 'enabled') },
          ]}
        />
      )}
    </>
  );
}
