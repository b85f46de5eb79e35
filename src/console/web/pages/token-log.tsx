import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Page } from '../api';
import { DataTable, EmptyState, ErrorNotice } from '../components';
import { download } from '../download';
import { toCsv, toNdjson } from '../export-rows';

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
/** What one export fetches at most; narrow the filters for more. */
const EXPORT_LIMIT = 10_000;

/** Every token issued or refused, newest first, filtered by outcome and user, a page at a time; exported as shown. */
export function TokenLogPage() {
  const [outcome, setOutcome] = useState('');
  const [userId, setUserId] = useState('');
  const [rows, setRows] = useState<TokenIssuance[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<ApiError>();

  const query = (cursor?: string) => {
    const params = new URLSearchParams({ limit: '100' });
    if (outcome) params.set('outcome', outcome);
    if (userId) params.set('userId', userId);
    if (cursor) params.set('cursor', cursor);
    return api<Page<TokenIssuance>>('GET', `/v1/token-issuances?${params.toString()}`);
  };
  const load = async (cursor?: string) => {
    setError(undefined);
    try {
      const page = await query(cursor);
      setRows((shown) => (cursor ? [...(shown ?? []), ...page.data] : page.data));
      setNext(page.nextCursor);
    } catch (caught) {
      setError(caught as ApiError);
    }
  };
  useEffect(() => void load(), []);

  async function exportAs(format: 'ndjson' | 'csv') {
    setError(undefined);
    try {
      const all: TokenIssuance[] = [];
      let cursor: string | undefined;
      do {
        const page = await query(cursor);
        all.push(...page.data);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && all.length < EXPORT_LIMIT);
      const text = format === 'csv' ? toCsv(all, CSV_COLUMNS) : toNdjson(all);
      download(`token-log.${format}`, format === 'csv' ? 'text/csv' : 'application/x-ndjson', text);
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
          void load();
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
        <button type="button" onClick={() => void exportAs('ndjson')}>
          Export NDJSON
        </button>
        <button type="button" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
      </form>
      {error && <ErrorNotice error={error} />}
      {rows && rows.length === 0 && (
        <EmptyState title="No token in the log for these filters">
          Every token issued or refused is logged here before it goes out: mint one with <code>POST /v1/tokens</code>.
        </EmptyState>
      )}
      {rows && rows.length > 0 && (
        <DataTable
          caption="Token log, newest first"
          rows={rows}
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
      {next && (
        <button type="button" class="more" onClick={() => void load(next)}>
          Older tokens
        </button>
      )}
    </>
  );
}
