import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Page } from '../api';
import { DataTable, EmptyState, ErrorNotice } from '../components';
import { usePagedList } from '../paged-list';

interface AuditEvent {
  id: string;
  occurredAt: string;
  actor: { kind: string; id: string | null };
  action: string;
  target: { type: string; id: string | null };
  outcome: 'success' | 'failure';
  errorCode: string | null;
  details: Record<string, unknown>;
  requestId: string | null;
  clientIp: string | null;
  chain: { seq: string; hash: string } | null;
}

interface ChainVerification {
  intact: boolean;
  verifiedAt: string;
  chains: number;
  rows: number;
  broken?: { log: string; seq: string; rowId: string | null; problem: string };
}

const CSV_COLUMNS: (keyof AuditEvent)[] = [
  'id',
  'occurredAt',
  'action',
  'actor',
  'target',
  'outcome',
  'errorCode',
  'details',
  'clientIp',
  'chain',
];
const LOG_NAMES: Record<string, string> = { audit_events: 'the audit log', token_issuances: 'the token log' };

/** Every change made to the tenant, newest first, filtered by action; the chains' verification on demand. */
export function AuditEventsPage() {
  const [action, setAction] = useState('');
  const log = usePagedList((cursor?: string) => {
    const params = new URLSearchParams({ limit: '100' });
    if (action) params.set('action', action);
    if (cursor) params.set('cursor', cursor);
    return api<Page<AuditEvent>>('GET', `/v1/audit-events?${params.toString()}`);
  });
  useEffect(() => void log.load(), []);

  return (
    <>
      <ChainStatus />
      <form
        class="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          void log.load();
        }}
      >
        <label for="audit-action">Action</label>
        <input
          id="audit-action"
          placeholder="provider_account.updated"
          value={action}
          onInput={(event) => setAction((event.target as HTMLInputElement).value)}
        />
        <button type="submit">Filter</button>
        <button type="button" onClick={() => void log.exportAs('ndjson', 'audit-events', CSV_COLUMNS)}>
          Export NDJSON
        </button>
        <button type="button" onClick={() => void log.exportAs('csv', 'audit-events', CSV_COLUMNS)}>
          Export CSV
        </button>
      </form>
      {log.error && <ErrorNotice error={log.error} />}
      {log.rows && log.rows.length === 0 && (
        <EmptyState title="No audit event for these filters">
          Every change to your accounts, endpoints, keys and settings is recorded here, by whom and from where. Clear the filter, or make a
          change.
        </EmptyState>
      )}
      {log.rows && log.rows.length > 0 && (
        <DataTable
          caption="Audit events, newest first"
          rows={log.rows}
          columns={[
            { header: 'Time', cell: (row) => new Date(row.occurredAt).toLocaleString() },
            { header: 'Action', cell: (row) => row.action },
            { header: 'By', cell: (row) => row.actor.kind },
            { header: 'Target', cell: (row) => `${row.target.type} ${row.target.id ?? ''}` },
            { header: 'Outcome', cell: (row) => (row.errorCode ? `${row.outcome} (${row.errorCode})` : row.outcome) },
            { header: 'Details', cell: (row) => <code>{JSON.stringify(row.details)}</code> },
            { header: 'Position', cell: (row) => row.chain?.seq },
          ]}
        />
      )}
      {log.next && (
        <button type="button" class="more" onClick={() => void log.load(log.next!)}>
          Older events
        </button>
      )}
    </>
  );
}

/** Whether the audit and token logs' hash chains are intact, walked when asked (it reads every row). */
function ChainStatus() {
  const [verification, setVerification] = useState<ChainVerification>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();

  async function verify() {
    setBusy(true);
    setError(undefined);
    try {
      setVerification(await api<ChainVerification>('GET', '/v1/audit/verify'));
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="chain" aria-labelledby="chain-heading">
      <h2 id="chain-heading">Tamper evidence</h2>
      <p role="status">
        {!verification && 'Each row links to the one before it by its hash. Verify to walk both chains (at most once a minute).'}
        {verification?.intact &&
          `Intact: ${verification.rows.toLocaleString()} rows in ${verification.chains} chains checked at ${new Date(verification.verifiedAt).toLocaleTimeString()}.`}
        {verification?.broken &&
          `Broken: ${verification.broken.problem} at position ${verification.broken.seq} of ${LOG_NAMES[verification.broken.log] ?? verification.broken.log}${verification.broken.rowId ? ` (row ${verification.broken.rowId})` : ''}. Tell your operator.`}
      </p>
      {error && <ErrorNotice error={error} />}
      <button type="button" onClick={() => void verify()} disabled={busy}>
        {busy ? 'Verifying…' : 'Verify now'}
      </button>
    </section>
  );
}
