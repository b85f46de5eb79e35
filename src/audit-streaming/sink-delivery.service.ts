import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { AppConfig } from '../config/app-config';
import { SecretBox } from '../crypto/secret-box';
import { MetricsService } from '../metrics/metrics';
import { AppError } from '../common/errors/app-error';
import { CheckpointSigningService } from './checkpoint-signing.service';
import { retryDelayMs, pauseReason } from './delivery-retries';
import { ClaimedCursor, SinkDeliveriesRepository } from './sink-deliveries.repository';
import { SharedRows } from './shared-rows';
import { sinkTarget } from './sink-destinations';
import { DeliveryResult, SinkBatch } from './sink-adapters/sink-adapter';
import { SinkAdapterRegistry } from './sink-adapters/sink-adapter-registry';

/** Deliveries one replica has under way at most. */
const MAX_IN_FLIGHT = 20;
/**
 * How often to look while deliveries went through in the last poll interval: a sink that caught up with rows still
 * being written (the token log commits in groups) then waits for them this long, not a whole interval.
 */
const BUSY_POLL_MS = 50;

/**
 * Delivers each sink's logs in chain order, at least once: every replica claims due cursors, sends the rows after
 * each (with a signed checkpoint of where the batch ends), and moves the cursor only once the receiver took them.
 * Each delivery runs on its own: a slow receiver holds up its own sink, not the others, and a sink that delivered
 * goes on at once while it is behind. Failures back off (capped, jittered) and pause the sink when the receiver
 * keeps refusing or after 24 h. Polling starts with `poll()`: on a thread of its own (DeliverySchedulerService).
 */
@Injectable()
export class SinkDeliveryService implements OnModuleDestroy {
  private readonly logger = new Logger('AuditStream');
  /** This replica's name on the leases it holds. */
  private readonly owner = randomUUID();
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<boolean>>();
  private claiming = false;
  /** A pump came while claiming: claim again once done, so that a sink that delivered does not wait for the poll. */
  private pumpAgain = false;
  private stopped = false;
  private lastDeliveredAt = 0;

  constructor(
    private readonly deliveries: SinkDeliveriesRepository,
    private readonly adapters: SinkAdapterRegistry,
    private readonly signer: CheckpointSigningService,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Looks for deliveries due every AUDIT_STREAM_POLL_MS (every BUSY_POLL_MS while they go through), and again at once
   * after each one that went through.
   */
  poll(): void {
    const every = this.config.auditStreamPollMs;
    const busy = this.clock.now().getTime() - this.lastDeliveredAt < every;
    this.timer = setTimeout(
      () => {
        this.pump();
        if (!this.stopped) this.poll();
      },
      busy ? Math.min(BUSY_POLL_MS, every) : every,
    ).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.inFlight);
  }

  /**
   * Claims what is due into the free slots and delivers each, resolving with the batches delivered: what the poll
   * runs (without waiting), and what tests run, in step with their clock.
   */
  async deliverDue(): Promise<number> {
    if (this.claiming || this.stopped) return 0;
    this.claiming = true;
    let started: Promise<boolean>[];
    try {
      started = await this.claimAndStart();
    } catch (error) {
      this.logger.warn(`Audit stream claim failed: ${(error as Error).message}`);
      return 0;
    } finally {
      this.claiming = false;
      if (this.pumpAgain) {
        this.pumpAgain = false;
        this.pump();
      }
    }
    return (await Promise.all(started)).filter(Boolean).length;
  }

  /** A poll: delivers what is due, and again as soon as a delivery went through (the sink may be behind). */
  private pump(): void {
    if (this.claiming) this.pumpAgain = true;
    else void this.deliverDue();
  }

  private async claimAndStart(): Promise<Promise<boolean>[]> {
    const free = MAX_IN_FLIGHT - this.inFlight.size;
    if (free <= 0) return [];
    const now = this.clock.now();
    const claimed = await this.deliveries.claimDue(now, this.owner, new Date(now.getTime() + this.config.auditStreamLeaseMs), free);
    // Sinks at the same place in the same chain share the reading and serialising of its rows.
    const pages = new Map<string, Promise<SharedRows>>();
    const pageOf = (cursor: ClaimedCursor) => {
      const key = `${cursor.log} ${cursor.tenant_id} ${cursor.delivered_seq} ${cursor.max_batch_events}`;
      let page = pages.get(key);
      if (!page) {
        page = this.deliveries
          .rowsAfter(cursor.log, cursor.tenant_id, cursor.delivered_seq, cursor.max_batch_events)
          .then((rows) => new SharedRows(cursor.log, cursor.tenant_id, rows));
        pages.set(key, page);
      }
      return page;
    };
    return claimed.map((cursor) => {
      const delivery = pageOf(cursor)
        .then((page) => this.deliverBatch(cursor, page))
        .catch((error: Error) => {
          this.logger.warn(`Audit sink ${cursor.sink_id} delivery failed: ${error.message}`);
          return false;
        });
      this.inFlight.add(delivery);
      void delivery.then((delivered) => {
        this.inFlight.delete(delivery);
        if (delivered && this.timer) {
          this.lastDeliveredAt = this.clock.now().getTime();
          this.pump();
        }
      });
      return delivery;
    });
  }

  private async deliverBatch(cursor: ClaimedCursor, page: SharedRows): Promise<boolean> {
    const { rows } = page;
    const last = rows[rows.length - 1];
    if (!last) return false;
    const events = page.events((row) => cursor.log !== 'token_issuances' || cursor.token_outcomes.includes(row.outcome as string));
    const now = this.clock.now();
    const checkpoint = await this.signer.sign({
      sinkId: cursor.sink_id,
      log: cursor.log,
      tenantId: cursor.tenant_id,
      startSeq: cursor.start_seq,
      startHash: cursor.start_hash,
      fromSeq: rows[0].chain_seq,
      seq: last.chain_seq,
      hash: last.chain_hash,
      links: page.linksDigest,
      signedAt: now.toISOString(),
    });
    const result = await this.send(cursor, {
      messageId: `${cursor.sink_id}:${cursor.log}:${rows[0].chain_seq}-${last.chain_seq}`,
      log: cursor.log,
      firstSeq: rows[0].chain_seq,
      lastSeq: last.chain_seq,
      items: [...events.map(({ event }) => event), checkpoint],
      lines: [...events.map(({ json }) => json), JSON.stringify(checkpoint)],
    });
    const settledAt = this.clock.now();
    if (result.delivered) {
      this.metrics.auditStreamBatches.inc({ outcome: 'delivered', cause: '' });
      this.metrics.auditStreamEvents.inc(rows.length);
      await this.deliveries.delivered(cursor, this.owner, { seq: last.chain_seq, hash: last.chain_hash }, settledAt);
      return true;
    }
    this.metrics.auditStreamBatches.inc({ outcome: 'failed', cause: result.error ?? '' });
    await this.recordFailure(cursor, result, settledAt);
    return false;
  }

  private async send(cursor: ClaimedCursor, batch: SinkBatch): Promise<DeliveryResult> {
    let target;
    try {
      target = sinkTarget(this.secretBox, {
        id: cursor.sink_id,
        tenantId: cursor.tenant_id,
        url: cursor.url,
        config: cursor.config,
        secretCiphertext: cursor.secret_ciphertext,
      });
    } catch (error) {
      if (error instanceof AppError) return { delivered: false, status: null, error: 'sink_unreadable' };
      throw error;
    }
    return this.adapters.of(cursor.kind).deliver(target, batch);
  }

  private async recordFailure(cursor: ClaimedCursor, result: { status: number | null; error: string | null }, now: Date): Promise<void> {
    const attempts = cursor.attempts + 1;
    const failingSince = cursor.failing_since ? new Date(cursor.failing_since) : now;
    const error = result.status === null ? (result.error ?? 'unknown') : `receiver_status ${result.status}`;
    await this.deliveries.failed(
      cursor,
      this.owner,
      { attempts, failingSince, nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)), error },
      now,
    );
    const reason = pauseReason(result.status, attempts, failingSince, now);
    if (reason && (await this.deliveries.pause(cursor.tenant_id, cursor.sink_id, reason))) {
      this.logger.warn(`Audit sink ${cursor.sink_id} paused: ${reason} (${error})`);
      await this.audit.recordEvent(
        undefined,
        'audit_sink.paused',
        { type: 'audit_sink', id: cursor.sink_id, tenantId: cursor.tenant_id },
        { reason, lastError: error, attempts },
      );
    }
  }
}
