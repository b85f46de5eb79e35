import { Inject, Injectable } from '@nestjs/common';
import { ChainLog } from '../audit-chain/chain-encoding';
import { DATABASE_CONNECTION, DatabaseConnection } from '../database/database-connection';
import { AuditStreamState } from '../metrics/metrics';
import { LogRow, STREAM_CONTENT_COLUMNS } from './stream-events';

/**
 * The row after a cursor (`c`) in its log, the oldest its sink has not received: joined as `t` (token log) or `a`
 * (audit log), its time `NEXT_UNDELIVERED_AT` (null when the sink has received all).
 */
export const NEXT_UNDELIVERED_ROW = `LEFT JOIN token_issuances t ON c.log = 'token_issuances' AND t.chain_id = c.tenant_id AND t.chain_seq = c.delivered_seq + 1
         LEFT JOIN audit_events a ON c.log = 'audit_events' AND a.chain_id = c.tenant_id AND a.chain_seq = c.delivered_seq + 1`;
export const NEXT_UNDELIVERED_AT = 'coalesce(t.issued_at, a.occurred_at)';

/** A cursor this replica holds the lease of, with what delivering to its sink needs. */
export interface ClaimedCursor {
  sink_id: string;
  tenant_id: string;
  log: ChainLog;
  start_seq: string;
  start_hash: string;
  delivered_seq: string;
  attempts: number;
  failing_since: Date | null;
  kind: string;
  url: string;
  config: unknown;
  token_outcomes: string[];
  max_batch_events: number;
  secret_ciphertext: string;
}

export interface FailedAttempt {
  attempts: number;
  failingSince: Date;
  nextAttemptAt: Date;
  error: string;
}

/**
 * The delivery worker's statements, across tenants: cursors are claimed with FOR UPDATE SKIP LOCKED and a lease
 * (so replicas share the sinks and one that dies mid-batch only delays its cursors until the lease lapses), and
 * every later write of a cursor holds only while the lease is still this replica's.
 */
@Injectable()
export class SinkDeliveriesRepository {
  constructor(@Inject(DATABASE_CONNECTION) private readonly db: DatabaseConnection) {}

  /** Cursors due, of sinks not paused, whose chain has rows past them: leased to `owner` until `leaseUntil`. */
  claimDue(now: Date, owner: string, leaseUntil: Date, limit: number): Promise<ClaimedCursor[]> {
    return this.db.query<ClaimedCursor>(
      `WITH due AS (
         SELECT c.sink_id, c.log FROM audit_sink_cursors c
           JOIN audit_sinks s ON s.id = c.sink_id
           JOIN chain_heads h ON h.log = c.log AND h.chain_id = c.tenant_id
          WHERE NOT s.paused AND c.next_attempt_at <= $1 AND (c.lease_until IS NULL OR c.lease_until <= $1) AND h.seq > c.delivered_seq
          ORDER BY c.next_attempt_at LIMIT $4
          FOR UPDATE OF c SKIP LOCKED)
       UPDATE audit_sink_cursors c SET lease_owner = $2, lease_until = $3
         FROM due, audit_sinks s
        WHERE c.sink_id = due.sink_id AND c.log = due.log AND s.id = c.sink_id
       RETURNING c.sink_id, c.tenant_id, c.log, c.start_seq::text AS start_seq, c.start_hash, c.delivered_seq::text AS delivered_seq,
         c.attempts, c.failing_since, s.kind, s.url, s.config, s.token_outcomes, s.max_batch_events, s.secret_ciphertext`,
      [now, owner, leaseUntil, limit],
    );
  }

  /** The tenant's rows of `log` after `afterSeq`, in chain order. */
  rowsAfter(log: ChainLog, tenantId: string, afterSeq: string, limit: number): Promise<LogRow[]> {
    return this.db.query<LogRow>(
      // Ordered by the column, not by the text alias that shares its name.
      `SELECT ${STREAM_CONTENT_COLUMNS[log].join(', ')}, r.chain_seq::text AS chain_seq, chain_prev, chain_hash FROM ${log} r
        WHERE chain_id = $1 AND r.chain_seq > $2 ORDER BY r.chain_seq LIMIT $3`,
      [tenantId, afterSeq, limit],
    );
  }

  /** Moves the cursor forward (never back) and gives up the lease; false if the lease was lost meanwhile. */
  async delivered(cursor: ClaimedCursor, owner: string, through: { seq: string; hash: string }, now: Date): Promise<boolean> {
    const moved = await this.db.query(
      `UPDATE audit_sink_cursors SET delivered_seq = $3, delivered_hash = $4, delivered_at = $5, attempts = 0, failing_since = NULL,
              next_attempt_at = $5, lease_owner = NULL, lease_until = NULL
        WHERE sink_id = $1 AND log = $2 AND lease_owner = $6 AND delivered_seq < $3
        RETURNING 1`,
      [cursor.sink_id, cursor.log, through.seq, through.hash, now, owner],
    );
    return moved.length === 1;
  }

  async failed(cursor: ClaimedCursor, owner: string, attempt: FailedAttempt, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE audit_sink_cursors SET attempts = $3, failing_since = $4, next_attempt_at = $5, last_error = $6, last_error_at = $7,
              lease_owner = NULL, lease_until = NULL
        WHERE sink_id = $1 AND log = $2 AND lease_owner = $8`,
      [cursor.sink_id, cursor.log, attempt.attempts, attempt.failingSince, attempt.nextAttemptAt, attempt.error, now, owner],
    );
  }

  /** Pauses the sink; true only for the call that paused it (the one that audits it). */
  async pause(tenantId: string, sinkId: string, reason: string): Promise<boolean> {
    const paused = await this.db.query(
      `UPDATE audit_sinks SET paused = true, paused_reason = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND NOT paused RETURNING 1`,
      [tenantId, sinkId, reason],
    );
    return paused.length === 1;
  }

  /** Backlog and lag over every sink, for /metrics. */
  async state(now: Date): Promise<AuditStreamState> {
    const [row] = await this.db.query<{ backlog: string; oldest: Date | null; paused: number }>(
      `SELECT coalesce(sum(h.seq - c.delivered_seq), 0)::text AS backlog,
              min(${NEXT_UNDELIVERED_AT}) AS oldest,
              (SELECT count(*)::int FROM audit_sinks WHERE paused) AS paused
         FROM audit_sink_cursors c
         JOIN chain_heads h ON h.log = c.log AND h.chain_id = c.tenant_id AND h.seq > c.delivered_seq
         ${NEXT_UNDELIVERED_ROW}`,
      [],
    );
    const oldest = row.oldest ? new Date(row.oldest) : null;
    return {
      backlog: Number(row.backlog),
      lagSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
      paused: row.paused,
    };
  }
}
