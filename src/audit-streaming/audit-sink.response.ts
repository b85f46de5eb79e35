import { AuditSinkCursor } from '../generated/prisma/client';
import { AuditSinkWithCursors, DeliveryState } from './audit-sinks.repository';
import { DeliveryResult } from './sink-adapters/sink-adapter';

/** How far a sink has received one of its logs. */
export class AuditSinkLogStatus {
  /** `token_issuances` or `audit_events`. */
  log: string;
  /** The chain position the sink started after (a decimal string, as chain positions are). */
  startSeq: string;
  /** The last position delivered. */
  deliveredSeq: string;
  /** Rows written and not yet delivered. */
  backlog: string;
  /** How long the oldest of them has waited, in seconds (0 when none waits). */
  lagSeconds: number;
  deliveredAt: Date | null;
  /** Failed attempts since the last delivery. */
  attempts: number;
  nextAttemptAt: Date;
  /** Why the last attempt failed: `receiver_status 503`, `timeout`, `connect`, `forbidden_address`, … */
  lastError: string | null;
  lastErrorAt: Date | null;

  static from(cursor: AuditSinkCursor, state: DeliveryState, now: Date): AuditSinkLogStatus {
    const backlog = (state.heads.get(cursor.log) ?? 0n) - cursor.deliveredSeq;
    const oldest = state.oldestUndelivered.get(`${cursor.sinkId} ${cursor.log}`);
    return {
      log: cursor.log,
      startSeq: cursor.startSeq.toString(),
      deliveredSeq: cursor.deliveredSeq.toString(),
      backlog: (backlog > 0n ? backlog : 0n).toString(),
      lagSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
      deliveredAt: cursor.deliveredAt,
      attempts: cursor.attempts,
      nextAttemptAt: cursor.nextAttemptAt,
      lastError: cursor.lastError,
      lastErrorAt: cursor.lastErrorAt,
    };
  }
}

export class AuditSinkResponse {
  id: string;
  name: string;
  /** `webhook`, `syslog` or `object_storage`. */
  kind: string;
  url: string;
  /** An object store's region; no secret (credentials are write-only). */
  config: Record<string, unknown>;
  logs: string[];
  /** Token log outcomes sent whole; the others come as chain links alone. */
  tokenOutcomes: string[];
  maxBatchEvents: number;
  paused: boolean;
  /** Why deliveries stopped: `by_request`, `receiver_refused` (a 4xx other than 408/429, repeatedly) or `retries_exhausted` (24 h of failures). */
  pausedReason: string | null;
  delivery: AuditSinkLogStatus[];
  createdAt: Date;
  updatedAt: Date;

  static from(sink: AuditSinkWithCursors, state: DeliveryState, now: Date): AuditSinkResponse {
    return {
      id: sink.id,
      name: sink.name,
      kind: sink.kind,
      url: sink.url,
      config: sink.config as Record<string, unknown>,
      logs: sink.logs,
      tokenOutcomes: sink.tokenOutcomes,
      maxBatchEvents: sink.maxBatchEvents,
      paused: sink.paused,
      pausedReason: sink.pausedReason,
      delivery: sink.cursors.map((cursor) => AuditSinkLogStatus.from(cursor, state, now)),
      createdAt: sink.createdAt,
      updatedAt: sink.updatedAt,
    };
  }
}

/** The test message sent when a sink is created, moved, or a test asked for. */
export class AuditSinkTestResult {
  delivered: boolean;
  /** The receiver's HTTP status, when it answered. */
  status: number | null;
  /** `receiver_status` (it answered, not 2xx), or why it could not be reached. */
  error: string | null;

  static from(result: DeliveryResult): AuditSinkTestResult {
    return { delivered: result.delivered, status: result.status, error: result.error };
  }
}

export class CreatedAuditSinkResponse extends AuditSinkResponse {
  /** A webhook's signing secret (`whsec_…`), shown this once. */
  secret?: string;
  test: AuditSinkTestResult;
}

export class RotatedAuditSinkSecretResponse {
  /** The new signing secret, shown this once. */
  secret: string;
  /** Until when the secret before it signs too (null: not at all). */
  previousSecretValidUntil: Date | null;
}
