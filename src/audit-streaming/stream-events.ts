import { createHash } from 'node:crypto';
import { AUDIT_EVENT_CONTENT_COLUMNS } from '../audit/audit-events.repository';
import { ChainLog } from '../audit-chain/chain-encoding';
import { TOKEN_LOG_CONTENT_COLUMNS } from '../token-log/token-issuance-log';

/** The columns a row's chain link covers, per log, in the order the hash takes them (docs/audit-streaming.md). */
export const STREAM_CONTENT_COLUMNS: Record<ChainLog, readonly string[]> = {
  token_issuances: TOKEN_LOG_CONTENT_COLUMNS,
  audit_events: AUDIT_EVENT_CONTENT_COLUMNS,
};

/**
 * One row of a tenant's log as sinks receive it: its place in the chain and its content, column by column. `content`
 * is null (and `elided` true) for a row the sink's filters leave out: its link still comes, so the chain stays whole.
 */
export interface StreamEvent {
  type: 'event';
  /** `<log>:<tenant id>:<seq>`, the same on every delivery of the row: receivers drop repeats by it. */
  id: string;
  log: ChainLog;
  tenantId: string;
  seq: string;
  prev: string;
  hash: string;
  elided?: true;
  content: Record<string, unknown> | null;
}

/**
 * What a checkpoint vouches for: the chain, from where the sink started (`startSeq`, `startHash`) to `seq`, ends with
 * `hash`; and the links of its batch, `fromSeq` to `seq`, are those `links` digests (see batchLinksDigest), so that
 * an event sent as its link alone cannot be replaced by a forged one.
 */
export interface CheckpointClaim {
  sinkId: string;
  log: ChainLog;
  tenantId: string;
  startSeq: string;
  startHash: string;
  fromSeq: string;
  seq: string;
  hash: string;
  links: string;
  signedAt: string;
}

/** A claim in clear, and `jws`: the same claim signed (compact JWS, EdDSA) with the operator's checkpoint key. */
export interface StreamCheckpoint extends CheckpointClaim {
  type: 'checkpoint';
  jws: string;
}

export type StreamItem = StreamEvent | StreamCheckpoint;

/** SHA-256 (hex) of a batch's links: the first event's `prev`, then each event's `seq` and `hash`, one per line. */
export function batchLinksDigest(events: Pick<StreamEvent, 'seq' | 'prev' | 'hash'>[]): string {
  const lines = [events[0]?.prev ?? '', ...events.map((event) => `${event.seq} ${event.hash}`)];
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

export function streamEventId(log: ChainLog, tenantId: string, seq: bigint | string): string {
  return `${log}:${tenantId}:${seq}`;
}

/** A log row as read for a sink: its content columns, then its chain columns. */
export type LogRow = Record<string, unknown> & { chain_seq: string; chain_prev: string; chain_hash: string };

export function streamEventOf(log: ChainLog, tenantId: string, row: LogRow, sendContent: boolean): StreamEvent {
  const event: StreamEvent = {
    type: 'event',
    id: streamEventId(log, tenantId, row.chain_seq),
    log,
    tenantId,
    seq: row.chain_seq,
    prev: row.chain_prev,
    hash: row.chain_hash,
    content: sendContent ? Object.fromEntries(STREAM_CONTENT_COLUMNS[log].map((column) => [column, row[column] ?? null])) : null,
  };
  if (!sendContent) event.elided = true;
  return event;
}
