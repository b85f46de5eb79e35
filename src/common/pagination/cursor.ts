import { commonErrors } from '../errors/common.errors';
import { isUuid } from '../ids';

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Position after the last row of a page: rows are ordered by (at desc, id desc). */
export interface CursorPosition {
  at: Date;
  id: string;
}

export const DEFAULT_PAGE_SIZE = 50;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const date = new Date(String(at));
    // Only dates this service wrote: ISO 8601 that round-trips, in years PostgreSQL's timestamptz accepts.
    const written =
      !Number.isNaN(date.getTime()) && date.toISOString() === at && date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999;
    if (typeof id === 'string' && isUuid(id) && written) return { at: date, id };
  } catch {
    // fall through: any undecodable cursor is the client's error
  }
  throw commonErrors.invalid_cursor();
}

/** Prisma `where` fragment for rows strictly after the cursor in (at desc, id desc) order. */
export function afterCursor<K extends string>(field: K, position: CursorPosition | undefined) {
  if (!position) return {};
  return {
    OR: [{ [field]: { lt: position.at } }, { [field]: position.at, id: { lt: position.id } }],
  } as Record<string, unknown>;
}

/** Fetch `limit + 1` rows, then call this: it trims the extra row and derives the next cursor. */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, at: (row: R) => Date, present: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    data: pageRows.map(present),
    nextCursor: hasMore && last ? encodeCursor({ at: at(last), id: last.id }) : null,
  };
}

/** A list filter's optional ISO date (validated by the query DTO) as a Date. */
export function optionalDate(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}
