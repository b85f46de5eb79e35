import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Page } from '../api';
import { DataTable, EmptyState, ErrorNotice } from '../components';

interface ProviderAccount {
  id: string;
  provider: string;
  name: string;
  status: 'active' | 'disabled';
  secrets: Record<string, string>;
  circuit: { state: 'closed' | 'open' | 'half_open'; openUntil: string | null };
  createdAt: string;
}

/** What each provider's `config` and `secrets` hold (docs/api.md has every field). */
const EXAMPLES: Record<string, { config: string; secrets: string }> = {
  twilio: { config: '{"accountSid": "AC…", "apiKeySid": "SK…", "outgoingApplicationSid": "AP…"}', secrets: '{"apiKeySecret": "…"}' },
  plivo: { config: '{"authId": "MA…"}', secrets: '{"authToken": "…"}' },
  signalwire: { config: '{"space": "example", "projectId": "…"}', secrets: '{"apiToken": "…"}' },
  bandwidth: { config: '{"network": "global", "clientId": "…"}', secrets: '{"clientSecret": "…"}' },
  telnyx: { config: '{"connectionId": "…"}', secrets: '{"apiKey": "KEY…"}' },
  vonage: { config: '{"applicationId": "…"}', secrets: '{"privateKey": "(the application private key, PEM)"}' },
};

/** A JSON object typed by hand; a typo is refused here, before anything is sent. */
function parseObject(text: string, field: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ApiError(
    0,
    'invalid_json',
    `${field} must be a JSON object, such as ${field === 'config' ? '{"accountSid": "AC…"}' : '{"apiKeySecret": "…"}'}`,
  );
}

function circuitText(circuit: ProviderAccount['circuit']): string {
  if (circuit.state === 'open') return `open: calls fail at once until ${new Date(circuit.openUntil!).toLocaleTimeString()}`;
  return circuit.state === 'half_open' ? 'half open: the next call is a trial' : 'closed';
}

/** The tenant's provider accounts: added with write-only secrets, renamed, secrets rotated, disabled and enabled, circuits shown. */
export function ProviderAccountsPage() {
  const [accounts, setAccounts] = useState<ProviderAccount[]>();
  const [error, setError] = useState<ApiError>();
  const [editing, setEditing] = useState<ProviderAccount>();
  const [notice, setNotice] = useState('');

  const load = () => api<Page<ProviderAccount>>('GET', '/v1/provider-accounts?limit=100').then((page) => setAccounts(page.data), setError);
  useEffect(() => void load(), []);

  async function act(request: () => Promise<unknown>, done: string): Promise<boolean> {
    setError(undefined);
    setNotice('');
    try {
      await request();
      await load();
      setNotice(done);
      return true;
    } catch (caught) {
      setError(caught as ApiError);
      return false;
    }
  }

  if (error && !accounts) return <ErrorNotice error={error} />;
  if (!accounts) return <p aria-busy="true">Loading…</p>;
  return (
    <>
      {error && <ErrorNotice error={error} />}
      {notice && <p role="status">{notice}</p>}
      {accounts.length === 0 ? (
        <EmptyState title="No provider account yet">
          Add your Twilio, Plivo, SignalWire, Bandwidth, Telnyx or Vonage credentials below: Callpass mints your users' tokens from them,
          and never shows the secrets again.
        </EmptyState>
      ) : (
        <DataTable
          caption="Your provider accounts"
          rows={accounts}
          columns={[
            { header: 'Name', cell: (account) => account.name },
            { header: 'Provider', cell: (account) => account.provider },
            { header: 'Status', cell: (account) => account.status },
            { header: 'Circuit', cell: (account) => circuitText(account.circuit) },
            {
              header: 'Secrets',
              cell: (account) =>
                Object.entries(account.secrets)
                  .map(([field, hint]) => `${field} ${hint}`)
                  .join(', '),
            },
            {
              header: 'Action',
              cell: (account) => (
                <span class="actions">
                  <button
                    type="button"
                    onClick={() =>
                      void act(
                        () =>
                          api('PATCH', `/v1/provider-accounts/${account.id}`, {
                            status: account.status === 'active' ? 'disabled' : 'active',
                          }),
                        `${account.name} is ${account.status === 'active' ? 'disabled' : 'enabled'}.`,
                      )
                    }
                  >
                    {account.status === 'active' ? 'Disable' : 'Enable'} <span class="visually-hidden">{account.name}</span>
                  </button>
                  <button type="button" onClick={() => setEditing(account)}>
                    Edit <span class="visually-hidden">{account.name}</span>
                  </button>
                </span>
              ),
            },
          ]}
        />
      )}
      {editing && (
        <EditAccountForm
          key={editing.id}
          account={editing}
          onSubmit={async (changes) => {
            if (
              await act(
                () => api('PATCH', `/v1/provider-accounts/${editing.id}`, changes),
                `Saved ${String(changes.name ?? editing.name)}.`,
              )
            )
              setEditing(undefined);
          }}
          onCancel={() => setEditing(undefined)}
          onInvalid={setError}
        />
      )}
      <CreateAccountForm
        onSubmit={(body) => act(() => api('POST', '/v1/provider-accounts', body), `${String(body.name)} is added.`)}
        onInvalid={setError}
      />
    </>
  );
}

function CreateAccountForm({
  onSubmit,
  onInvalid,
}: {
  onSubmit: (body: Record<string, unknown>) => Promise<boolean>;
  onInvalid: (error: ApiError) => void;
}) {
  const [provider, setProvider] = useState('twilio');
  const [name, setName] = useState('');
  const [config, setConfig] = useState('');
  const [secrets, setSecrets] = useState('');

  async function submit() {
    try {
      const body = { provider, name, config: parseObject(config, 'config'), secrets: parseObject(secrets, 'secrets') };
      if (await onSubmit(body)) {
        setName('');
        setConfig('');
        setSecrets('');
      }
    } catch (caught) {
      onInvalid(caught as ApiError);
    }
  }

  return (
    <form
      class="settings"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <fieldset>
        <legend>Add a provider account</legend>
        <label for="account-provider">Provider</label>
        <select id="account-provider" value={provider} onChange={(event) => setProvider((event.target as HTMLSelectElement).value)}>
          {Object.keys(EXAMPLES).map((candidate) => (
            <option key={candidate} value={candidate}>
              {candidate}
            </option>
          ))}
        </select>
        <label for="account-name">Name</label>
        <input id="account-name" value={name} onInput={(event) => setName((event.target as HTMLInputElement).value)} />
        <label for="account-config">Config (JSON)</label>
        <textarea
          id="account-config"
          rows={3}
          spellcheck={false}
          placeholder={EXAMPLES[provider].config}
          value={config}
          onInput={(event) => setConfig((event.target as HTMLTextAreaElement).value)}
        />
        <label for="account-secrets">Secrets (JSON, write-only: never shown again)</label>
        <textarea
          id="account-secrets"
          rows={3}
          spellcheck={false}
          autocomplete="off"
          placeholder={EXAMPLES[provider].secrets}
          value={secrets}
          onInput={(event) => setSecrets((event.target as HTMLTextAreaElement).value)}
        />
        <button type="submit">Add account</button>
      </fieldset>
    </form>
  );
}

/** Renames an account and rotates its secrets: new secrets replace the stored fields they name; none keeps them all. */
function EditAccountForm({
  account,
  onSubmit,
  onCancel,
  onInvalid,
}: {
  account: ProviderAccount;
  onSubmit: (changes: { name?: string; secrets?: Record<string, unknown> }) => Promise<void>;
  onCancel: () => void;
  onInvalid: (error: ApiError) => void;
}) {
  const [name, setName] = useState(account.name);
  const [secrets, setSecrets] = useState('');
  return (
    <form
      class="settings"
      onSubmit={(event) => {
        event.preventDefault();
        try {
          void onSubmit({
            ...(name !== account.name ? { name } : {}),
            ...(secrets.trim() ? { secrets: parseObject(secrets, 'secrets') } : {}),
          });
        } catch (caught) {
          onInvalid(caught as ApiError);
        }
      }}
    >
      <fieldset>
        <legend>Edit {account.name}</legend>
        <label for="edit-name">New name</label>
        <input id="edit-name" value={name} onInput={(event) => setName((event.target as HTMLInputElement).value)} />
        <label for="edit-secrets">New secrets (JSON, write-only; the fields you give replace the stored ones, none keeps them)</label>
        <textarea
          id="edit-secrets"
          rows={3}
          spellcheck={false}
          autocomplete="off"
          placeholder={EXAMPLES[account.provider]?.secrets}
          value={secrets}
          onInput={(event) => setSecrets((event.target as HTMLTextAreaElement).value)}
        />
        <span class="actions">
          <button type="submit">Save changes</button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </span>
      </fieldset>
    </form>
  );
}
