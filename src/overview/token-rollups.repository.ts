import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';

export interface RollupIncrement {
  tenantId: string;
  minute: Date;
  provider: string;
  outcome: string;
  errorCode: string;
  count: number;
  latencyBuckets: number[];
}

export interface CountRow {
  at: Date;
  provider: string;
  outcome: string;
  errorCode: string;
  count: string;
}

export interface LatencyRow {
  at: Date;
  /** 1-based, as SQL numbers array elements. */
  bucket: number;
  count: number;
}

/** Adds increments to the rollups (each key's count and histogram, element by element), and reads them back. */
@Injectable()
export class TokenRollupsRepository {
  constructor(@Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection) {}

  /** In key order, so that replicas adding to the same keys lock them in the same order. */
  async add(increments: RollupIncrement[]): Promise<void> {
    if (increments.length === 0) return;
    const rows = increments
      .map((row) => ({ row, key: keyOfIncrement(row) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ row }) => row);
    await this.db.query(
      `INSERT INTO token_rollups (tenant_id, minute, provider, outcome, error_code, count, latency_buckets)
       SELECT t, m, p, o, e, c, l::int[]
         FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[]) AS u(t, m, p, o, e, c, l)
       ON CONFLICT (tenant_id, minute, provider, outcome, error_code) DO UPDATE SET
         count = token_rollups.count + excluded.count,
         latency_buckets = (SELECT array_agg(a + b ORDER BY i)
                              FROM unnest(token_rollups.latency_buckets, excluded.latency_buckets) WITH ORDINALITY AS x(a, b, i))`,
      [
        rows.map((row) => row.tenantId),
        rows.map((row) => row.minute),
        rows.map((row) => row.provider),
        rows.map((row) => row.outcome),
        rows.map((row) => row.errorCode),
        rows.map((row) => String(row.count)),
        rows.map((row) => `{${row.latencyBuckets.join(',')}}`),
      ],
    );
  }

  /** The tenant's counts from `since` to `until`, summed per `stepSeconds` (from `since`), provider, outcome and code. */
  counts(tenantId: string, since: Date, until: Date, stepSeconds: number): Promise<CountRow[]> {
    return this.db.query<CountRow>(
      `SELECT date_bin(make_interval(secs => $4), minute, $2::timestamptz) AS at, provider, outcome, error_code AS "errorCode",
              sum(count)::text AS count
         FROM token_rollups
        WHERE tenant_id = $1 AND minute >= $2 AND minute < $3
        GROUP BY 1, 2, 3, 4`,
      [tenantId, since, until, stepSeconds],
    );
  }

  /** The latency histogram of the tokens issued, per `stepSeconds`. */
  latencies(tenantId: string, since: Date, until: Date, stepSeconds: number): Promise<LatencyRow[]> {
    return this.db.query<LatencyRow>(
      `SELECT date_bin(make_interval(secs => $4), minute, $2::timestamptz) AS at, x.bucket::int AS bucket, sum(x.n)::int AS count
         FROM token_rollups, unnest(latency_buckets) WITH ORDINALITY AS x(n, bucket)
        WHERE tenant_id = $1 AND minute >= $2 AND minute < $3 AND outcome = 'issued'
        GROUP BY 1, 2`,
      [tenantId, since, until, stepSeconds],
    );
  }
}

/** What a rollup row is the sum for: its tenant, minute (as epoch milliseconds), provider, outcome and code. */
export function keyOf(tenantId: string, minuteMs: number, provider: string, outcome: string, errorCode: string): string {
  return `${tenantId} ${minuteMs} ${provider} ${outcome} ${errorCode}`;
}

export function keyOfIncrement(row: RollupIncrement): string {
  return keyOf(row.tenantId, row.minute.getTime(), row.provider, row.outcome, row.errorCode);
}
