import { ChainLog } from '../../audit-chain/chain-encoding';
import { TransportCause } from '../../outbound/transport-cause';
import { SinkSecrets } from '../sink-secrets';
import { StreamItem } from '../stream-events';

export const SINK_KINDS = ['webhook', 'syslog', 'object_storage'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

/** A sink as its adapter needs it: where, its settings, and its opened secrets. */
export interface SinkTarget {
  id: string;
  tenantId: string;
  url: string;
  config: Record<string, unknown>;
  secrets: SinkSecrets;
}

/** One delivery: a run of one log's events in chain order, then the checkpoint of where it ends. */
export interface SinkBatch {
  /** The same for every attempt at the same run of events. */
  messageId: string;
  log: ChainLog;
  firstSeq: string;
  lastSeq: string;
  items: StreamItem[];
  /** Each item as JSON, in the same order (made once for all the sinks that send it). */
  lines: string[];
}

/** How a delivery went: delivered when the receiver took it; otherwise its status, or why it could not be reached. */
export interface DeliveryResult {
  delivered: boolean;
  status: number | null;
  error: 'receiver_status' | 'not_https' | 'sink_unreadable' | TransportCause | null;
}

export const DELIVERED: DeliveryResult = { delivered: true, status: null, error: null };

/** How one kind of sink receives: the batches, and the test message sent when it is created or asked for. */
export interface SinkAdapter {
  deliver(target: SinkTarget, batch: SinkBatch): Promise<DeliveryResult>;
  test(target: SinkTarget): Promise<DeliveryResult>;
}

/** The test message: no event of any chain (verify-export skips it). */
export function testMessage(target: SinkTarget, now: Date) {
  return { type: 'callpass.audit.test' as const, timestamp: now.toISOString(), data: { sinkId: target.id, tenantId: target.tenantId } };
}
