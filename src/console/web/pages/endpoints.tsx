import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Page } from '../api';
import { EmptyState, ErrorNotice } from '../components';

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
        <table>
          <caption>Endpoints</caption>
          <thead>
            <tr>
              <th scope="col">User id</th>
              <th scope="col">Identity</th>
              <th scope="col">Capabilities</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.map((endpoint) => (
              <tr key={endpoint.id}>
                <td>{endpoint.userId}</td>
                <td>{endpoint.identity}</td>
                <td>{endpoint.capabilities.join(', ')}</td>
                <td>{endpoint.disabled ? 'disabled' : 'enabled'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
