import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { ChainLink, chainOf } from '../audit-chain/chain-encoding';
import { ChainHead, linkAfter, linkRows } from '../audit-chain/chain-heads';
import { DATABASE_CONNECTION, DatabaseConnection, SqlRunner } from '../database/database-connection';
import { HOT_PATH } from '../database/hot-path-statements';
import { isDatabaseUnavailable } from '../database/prisma-errors';
import { MetricsService } from '../metrics/metrics';
import { TransactionClient } from '../database/prisma.service';
import { IssuanceOutcome, Prisma } from '../generated/prisma/client';
import { tokenLogErrors } from './token-log.errors';

export interface TokenIssuanceRecord {
  id: string;
  /** Unknown only for refusals of callers that named no tenant. */
  tenantId?: string;
  providerAccountId?: string;
  endpointId?: string;
  userId?: string;
  identity?: string;
  actorKind: string;
  actorId?: string;
  provider?: string;
  tokenKind?: string;
  grants?: Prisma.InputJsonObject;
  ttlSeconds?: number;
  issuedAt: Date;
  expiresAt?: Date;
  /** The provider's token id, or a hash of the token. Never the token. */
  tokenFingerprint?: string;
  requestId?: string;
  clientIp?: string;
  origin?: string;
  outcome: IssuanceOutcome;
  errorCode?: string;
  /** How many refused requests the row stands for, when they are counted rather than written one by one. */
  requestCount?: number;
}

interface Pending {
  record: TokenIssuanceRecord;
  committed: () => void;
  failed: (error: unknown) => void;
}

/** Rows per INSERT; a burst larger than this is written in several statements. */
const MAX_BATCH = 500;

/**
 * Appends rows to the token log, each linked into its tenant's hash chain. Concurrent appends are grouped into one
 * transaction (lock the chain heads, one multi-row INSERT, move the heads, one commit instead of one per request),
 * run directly on the connection as this is the hot path, and each caller's promise settles only when its row is
 * committed or known to have failed. A failed batch fails every caller in it: fail closed.
 */
@Injectable()
export class TokenIssuanceLogService {
  private readonly logger = new Logger('TokenIssuanceLog');
  private pending: Pending[] = [];
  private flushing = false;
  /** Where each chain this process wrote last ended, as far as it knows (another writer may have moved it since). */
  private readonly knownHeads = new Map<string, ChainHead>();
  /** Errors whose refusal is already in the log, so the token routes' filter does not record them twice. */
  private readonly recorded = new WeakSet<object>();

  constructor(
    @Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection,
    private readonly metrics: MetricsService,
  ) {}

  /** Fail closed: resolves once the row is committed, else throws `audit_unavailable` and the token must not go out. */
  async appendIssued(record: TokenIssuanceRecord): Promise<void> {
    try {
      await this.append(record);
    } catch {
      throw tokenLogErrors.audit_unavailable();
    }
  }

  /**
   * Records a request refused (4xx) or failed (5xx). Never throws: recording the refusal must not hide its error.
   * Nothing is written when the error is the log's own failure.
   */
  async appendRefusal(record: TokenIssuanceRecord, error: unknown): Promise<void> {
    if (error instanceof Object) this.recorded.add(error);
    if (error instanceof AppError && error.code === 'audit_unavailable') return;
    await this.append({ ...record, ...refusalOutcome(error) }).catch(() => undefined);
  }

  /** Whether `appendRefusal` already recorded this error. */
  hasRecorded(error: unknown): boolean {
    return error instanceof Object && this.recorded.has(error);
  }

  /** Appends counted refusals (see RefusalTallyService); never throws. */
  async appendCounts(records: TokenIssuanceRecord[]): Promise<void> {
    await Promise.all(records.map((record) => this.append(record).catch(() => undefined)));
  }

  private append(record: TokenIssuanceRecord): Promise<void> {
    return new Promise((committed, failed) => {
      this.pending.push({ record, committed, failed });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Inside a caller's transaction (a refresh rotates its credential in the same commit). */
  async appendWithin(tx: TransactionClient, record: TokenIssuanceRecord): Promise<void> {
    await writeChained((sql, params) => tx.$queryRawUnsafe(sql, ...params), [record]);
  }

  /**
   * One writer at a time: rows that arrive while a batch is being written wait for the next one, so batches grow
   * with the load instead of many small transactions queueing on the same chain heads.
   */
  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      const startedAt = performance.now();
      try {
        await this.writeBatch(batch.map((entry) => entry.record));
        this.metrics.tokenLogBatchRows.observe(batch.length);
        this.metrics.tokenLogCommitSeconds.observe(MetricsService.since(startedAt));
        for (const entry of batch) entry.committed();
      } catch (error) {
        // One row the database refuses must not fail its neighbours: each goes again on its own. Not when the
        // database is out of reach or too slow: that would only multiply the waiting.
        if (batch.length > 1 && !isDatabaseUnavailable(error)) await Promise.all(batch.map((entry) => this.writeAlone(entry)));
        else this.fail(batch, error);
      }
    }
    this.flushing = false;
  }

  private async writeAlone(entry: Pending): Promise<void> {
    try {
      await this.writeBatch([entry.record]);
      entry.committed();
    } catch (error) {
      this.fail([entry], error);
    }
  }

  private fail(entries: Pending[], error: unknown): void {
    this.logger.error(`Could not record ${entries.length} token issuance(s): ${(error as Error).message}`);
    this.metrics.tokenLogFailedRows.inc(entries.length);
    for (const entry of entries) entry.failed(error);
  }

  /**
   * A batch of one chain whose head this process knows goes in one statement: the head moves only from where it was
   * seen, and the rows go in only if it did. Otherwise (several chains, an unknown head, or another writer moved it)
   * a transaction locks the heads first.
   */
  private async writeBatch(records: TokenIssuanceRecord[]): Promise<void> {
    const chainId = chainOf(records[0].tenantId);
    const known = records.every((record) => chainOf(record.tenantId) === chainId) ? this.knownHeads.get(chainId) : undefined;
    if (known && (await this.advance(chainId, known, records))) return;
    const heads = await this.db.transaction((run) => writeChained(run, records));
    for (const [chain, head] of heads) this.knownHeads.set(chain, head);
  }

  private async advance(chainId: string, from: ChainHead, records: TokenIssuanceRecord[]): Promise<boolean> {
    const rows = records.map((record) => ({ chainId, content: tokenLogContent(record) }));
    const { links, heads } = linkAfter(new Map([[chainId, from]]), rows);
    const to = heads.get(chainId)!;
    const [{ written }] = await this.db.query<{ written: number }>(
      ADVANCE_AND_INSERT.text,
      ['token_issuances', chainId, from.seq.toString(), from.hash, to.seq.toString(), to.hash, ...columnArrays(records, links)],
      ADVANCE_AND_INSERT.name,
    );
    if (written === records.length) {
      this.knownHeads.set(chainId, to);
      return true;
    }
    this.knownHeads.delete(chainId);
    return false;
  }
}

/** The rows and the chain heads they move, written by one statement inside the caller's transaction; the new heads. */
async function writeChained(run: SqlRunner, records: TokenIssuanceRecord[]): Promise<Map<string, ChainHead>> {
  const { links, heads, moveHeads } = await linkRows(
    run,
    'token_issuances',
    records.map((record) => ({ chainId: chainOf(record.tenantId), content: tokenLogContent(record) })),
  );
  await run(moveHeadsAndInsert(moveHeads.sql, moveHeads.params.length), [...moveHeads.params, ...columnArrays(records, links)]);
  return heads;
}

/**
 * Each column with its type and its value: one list, so that the INSERT, its values and the content the chain hashes
 * (in this order, see TOKEN_LOG_CONTENT_COLUMNS) cannot drift apart.
 */
const COLUMNS: [column: string, type: string, value: (record: TokenIssuanceRecord) => unknown][] = [
  ['id', 'uuid', (r) => r.id.toLowerCase()],
  ['tenant_id', 'uuid', (r) => r.tenantId?.toLowerCase()],
  ['provider_account_id', 'uuid', (r) => r.providerAccountId?.toLowerCase()],
  ['endpoint_id', 'uuid', (r) => r.endpointId?.toLowerCase()],
  ['user_id', 'text', (r) => r.userId],
  ['identity', 'text', (r) => r.identity],
  ['actor_kind', 'text', (r) => r.actorKind],
  ['actor_id', 'text', (r) => r.actorId],
  ['provider', 'text', (r) => r.provider],
  ['token_kind', 'text', (r) => r.tokenKind],
  ['grants', 'jsonb', (r) => r.grants],
  ['ttl_seconds', 'int', (r) => r.ttlSeconds],
  ['issued_at', 'timestamptz', (r) => r.issuedAt],
  ['expires_at', 'timestamptz', (r) => r.expiresAt],
  ['token_fingerprint', 'text', (r) => r.tokenFingerprint],
  ['request_id', 'text', (r) => r.requestId],
  ['client_ip', 'text', (r) => r.clientIp],
  ['origin', 'text', (r) => r.origin],
  ['outcome', '"IssuanceOutcome"', (r) => r.outcome],
  ['error_code', 'text', (r) => r.errorCode],
  ['request_count', 'int', (r) => r.requestCount ?? 1],
];

const CHAIN_COLUMNS: [column: string, type: string][] = [
  ['chain_id', 'uuid'],
  ['chain_seq', 'bigint'],
  ['chain_prev', 'text'],
  ['chain_hash', 'text'],
];

/** The columns whose values a token log row's chain link covers, in order. */
export const TOKEN_LOG_CONTENT_COLUMNS = COLUMNS.map(([column]) => column);

export function tokenLogContent(record: TokenIssuanceRecord): unknown[] {
  return COLUMNS.map(([, , value]) => value(record) ?? null);
}

/**
 * `INSERT … SELECT FROM unnest(…)` with one array parameter per column, numbered after the first `offset`: the same
 * text for every batch size, so that it is parsed and planned once (as a prepared statement) instead of per batch.
 */
function insertRows(offset: number, condition = ''): string {
  const all = [...COLUMNS, ...CHAIN_COLUMNS];
  // Every array goes as text[] and is cast in SQL: PGlite cannot serialise arrays of an enum (or of every type) itself.
  const arrays = all.map(([, type], index) => `$${offset + index + 1}::text[]::${type}[]`);
  return `INSERT INTO token_issuances (${all.map(([column]) => column).join(', ')})
    SELECT * FROM unnest(${arrays.join(', ')}) ${condition}`;
}

/** Moves one chain's head from where this process last saw it and inserts the rows only if it did. */
const ADVANCE_AND_INSERT = {
  name: 'callpass_token_log_advance',
  text: `WITH moved AS (${HOT_PATH.advanceChainHead.text}),
    inserted AS (${insertRows(6, 'WHERE EXISTS (SELECT 1 FROM moved)')} RETURNING 1)
    SELECT count(*)::int AS written FROM inserted`,
};

function moveHeadsAndInsert(moveHeadsSql: string, offset: number): string {
  return `WITH moved AS (${moveHeadsSql}) ${insertRows(offset)}`;
}

/** The chained rows as one array per column, in the INSERT's column order. */
function columnArrays(records: TokenIssuanceRecord[], links: ChainLink[]): (string | null)[][] {
  const arrays: (string | null)[][] = COLUMNS.map(([column, , value]) =>
    records.map((record) => (column === 'grants' ? jsonParam(record.grants) : asParam(value(record)))),
  );
  arrays.push(
    links.map((link) => link.chainId),
    links.map((link) => link.seq.toString()),
    links.map((link) => link.prev),
    links.map((link) => link.hash),
  );
  return arrays;
}

/** Array elements go as text: dates in ISO form (every driver, PGlite and Prisma's included, reads them alike). */
function asParam(value: unknown): string | null {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : null;
}

/** How a refusal (4xx) or failure (5xx) is recorded. */
export function refusalOutcome(error: unknown): { outcome: IssuanceOutcome; errorCode: string } {
  const status = error instanceof AppError ? error.status : 500;
  return { outcome: status >= 500 ? 'failed' : 'refused', errorCode: error instanceof AppError ? error.code : 'internal_error' };
}

function jsonParam(value: Prisma.InputJsonObject | undefined): string | null {
  return value === undefined ? null : JSON.stringify(value);
}
