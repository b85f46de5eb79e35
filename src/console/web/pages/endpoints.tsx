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

/**
 * Your users and the identity each has with its provider (derived `u…` identities included), found by user id or by
 * identity: the way from a `client:` name back to your user. Each endpoint can be disabled and enabled again.
 */
export function EndpointsPage() {
  const [by, setBy] = useState<'userId' | 'identity'>('userId');
  const [value, setValue] = useState('');
  const [endpoints, setEndpoints] = useState<Endpoint[]>();
  const [error, setError] = useState<ApiError>();

  const search = () => {
    setError(undefined);
    const query = value ? `&${by}=${encodeURIComponent(value)}` : '';
    return api<Page<Endpoint>>('GET', `/v1/endpoints?limit=100${query}`).then((page) => setEndpoints(page.data), setError);
  };
  useEffect(() => void search(), []);

  async function toggle(endpoint: Endpoint) {
    setError(undefined);
    try {
      await api('PATCH', `/v1/endpoints/${endpoint.id}`, { disabled: !endpoint.disabled });
      await search();
    } catch (caught) {
      setError(caught as ApiError);
    }
  }

  return (
    <>
      <form
        class="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          void search();
        }}
      >
        <label for="endpoint-search-by">Find by</label>
        <select id="endpoint-search-by" value={by} onChange={(event) => setBy((event.target as HTMLSelectElement).value as typeof by)}>
          <option value="userId">user id</option>
          <option value="identity">identity</option>
        </select>
        <label for="endpoint-search" class="visually-hidden">
          {by === 'userId' ? 'User id' : 'Identity'}
        </label>
        <input id="endpoint-search" value={value} onInput={(event) => setValue((event.target as HTMLInputElement).value)} />
        <button type="submit">Search</button>
      </form>
      {error && <ErrorNotice error={error} />}
      {endpoints && endpoints.length === 0 && (
        <EmptyState title={value ? `No endpoint for this ${by === 'userId' ? 'user' : 'identity'}` : 'No endpoint yet'}>
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
            {
              header: 'Action',
              cell: (endpoint) => (
                <button type="button" onClick={() => void toggle(endpoint)}>
                  {endpoint.disabled ? 'Enable' : 'Disable'} <span class="visually-hidden">{endpoint.identity}</span>
                </button>
              ),
            },
          ]}
        />
      )}
    </>
  );
}
