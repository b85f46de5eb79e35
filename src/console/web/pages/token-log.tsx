import { useEffect, useState } from 'preact/hooks';
import { api, Page } from '../api';
import { DataTable, EmptyState, ErrorNotice } from '../components';
import { usePagedList } from '../paged-list';

interface TokenIssuance {
  id: string;
  issuedAt: string;
  userId: string | null;
  identity: string | null;
  provider: string | null;
  outcome: 'issued' | 'refused' | 'failed';
  errorCode: string | null;
  origin: string | null;
  clientIp: string | null;
  requestCount: number;
}

const CSV_COLUMNS: (keyof TokenIssuance)[] = [
  'id',
  'issuedAt',
  'userId',
  'identity',
  'provider',
  'outcome',
  'errorCode',
  'origin',
  'clientIp',
  'requestCount',
];

/** Every token issued or refused, newest first, filtered by outcome and user, a page at a time; exported as shown. */
export function TokenLogPage() {
  const [outcome, setOutcome] = useState('');
  const [userId, setUserId] = useState('');
  const log = usePagedList((cursor?: string) => {
    const params = new URLSearchParams({ limit: '100' });
    if (outcome) params.set('outcome', outcome);
    if (userId) params.set('userId', userId);
    if (cursor) params.set('cursor', cursor);
    return api<Page<TokenIssuance>>('GET', `/v1/token-issuances?${params.toString()}`);
  });
  useEffect(() => void log.load(), []);

  return (
    <>
      <form
        class="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          void log.load();
        }}
      >
        <label for="outcome">Outcome</label>
        <select id="outcome" value={outcome} onChange={(event) => setOutcome((event.target as HTMLSelectElement).value)}>
          <option value="">any</option>
          <option value="issued">issued</option>
          <option value="refused">refused</option>
          <option value="failed">failed</option>
        </select>
        <label for="log-user-id">User id</label>
        <input id="log-user-id" value={userId} onInput={(event) => setUserId((event.target as HTMLInputElement).value)} />
        <button type="submit">Filter</button>
        <button type="button" onClick={() => void log.exportAs('ndjson', 'token-log', CSV_COLUMNS)}>
          Export NDJSON
        </button>
        <button type="button" onClick={() => void log.exportAs('csv', 'token-log', CSV_COLUMNS)}>
          Export CSV
        </button>
      </form>
      {log.error && <ErrorNotice error={log.error} />}
      {log.rows && log.rows.length === 0 && (
        <EmptyState title="No token in the log for these filters">
          Every token issued or refused is logged here before it goes out: mint one with <code>POST /v1/tokens</code>.
        </EmptyState>
      )}
      {log.rows && log.rows.length > 0 && (
        <DataTable
          caption="Token log, newest first"
          rows={log.rows}
          columns={[
            { header: 'Time', cell: (row) => new Date(row.issuedAt).toLocaleString() },
            { header: 'User id', cell: (row) => row.userId },
            { header: 'Provider', cell: (row) => row.provider },
            { header: 'Outcome', cell: (row) => row.outcome },
            { header: 'Code', cell: (row) => row.errorCode },
            { header: 'Origin', cell: (row) => row.origin },
          ]}
        />
      )}
      {log.next && (
        <button type="button" class="more" onClick={() => void log.load(log.next!)}>
          Older tokens
        </button>
      )}
    </>
  );
}
