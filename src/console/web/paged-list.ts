import { useState } from 'preact/hooks';
import { ApiError, Page } from './api';
import { download } from './download';
import { toCsv, toNdjson } from './export-rows';

/** What one export fetches at most; narrow the filters for more. */
const EXPORT_LIMIT = 10_000;

/**
 * A log read a page at a time (newest first, by cursor), with its refusal if any, and saved as NDJSON or CSV: every
 * page the current filters give, up to EXPORT_LIMIT rows.
 */
export function usePagedList<Row>(fetchPage: (cursor?: string) => Promise<Page<Row>>) {
  const [rows, setRows] = useState<Row[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<ApiError>();

  async function load(cursor?: string) {
    setError(undefined);
    try {
      const page = await fetchPage(cursor);
      setRows((shown) => (cursor ? [...(shown ?? []), ...page.data] : page.data));
      setNext(page.nextCursor);
    } catch (caught) {
      setError(caught as ApiError);
    }
  }

  async function exportAs(format: 'ndjson' | 'csv', name: string, columns: (keyof Row & string)[]) {
    setError(undefined);
    try {
      const all: Row[] = [];
      let cursor: string | undefined;
      do {
        const page = await fetchPage(cursor);
        all.push(...page.data);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && all.length < EXPORT_LIMIT);
      const text = format === 'csv' ? toCsv(all, columns) : toNdjson(all);
      download(`${name}.${format}`, format === 'csv' ? 'text/csv' : 'application/x-ndjson', text);
    } catch (caught) {
      setError(caught as ApiError);
    }
  }

  return { rows, next, error, setError, load, exportAs };
}
