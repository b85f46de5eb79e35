import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Page } from '../api';
import { DataTable, EmptyState, ErrorNotice } from '../components';

interface ProviderAccount {
  id: string;
  provider: string;
  name: string;
  status: 'active' | 'disabled';
  createdAt: string;
}

/** The tenant's provider accounts; each can be disabled (its tokens stop) and enabled again. */
export function ProviderAccountsPage() {
  const [accounts, setAccounts] = useState<ProviderAccount[]>();
  const [error, setError] = useState<ApiError>();

  const load = () => api<Page<ProviderAccount>>('GET', '/v1/provider-accounts?limit=100').then((page) => setAccounts(page.data), setError);
  useEffect(() => void load(), []);

  async function toggle(account: ProviderAccount) {
    setError(undefined);
    try {
      await api('PATCH', `/v1/provider-accounts/${account.id}`, { status: account.status === 'active' ? 'disabled' : 'active' });
      await load();
    } catch (caught) {
      setError(caught as ApiError);
    }
  }

  if (error && !accounts) return <ErrorNotice error={error} />;
  if (!accounts) return <p aria-busy="true">Loading…</p>;
  if (accounts.length === 0) {
    return (
      <EmptyState title="No provider account yet">
        Add your Twilio, Plivo, SignalWire, Bandwidth, Telnyx or Vonage credentials with <code>POST /v1/provider-accounts</code>: Callpass
        mints your users' tokens from them.
      </EmptyState>
    );
  }
  return (
    <>
      {error && <ErrorNotice error={error} />}
      <DataTable
        caption="Your provider accounts"
        rows={accounts}
        columns={[
          { header: 'Name', cell: (account) => account.name },
          { header: 'Provider', cell: (account) => account.provider },
          { header: 'Status', cell: (account) => account.status },
          { header: 'Created', cell: (account) => new Date(account.createdAt).toLocaleString() },
          {
            header: 'Action',
            cell: (account) => (
              <button type="button" onClick={() => void toggle(account)}>
                {account.status === 'active' ? 'Disable' : 'Enable'} <span class="visually-hidden">{account.name}</span>
              </button>
            ),
          },
        ]}
      />
    </>
  );
}
