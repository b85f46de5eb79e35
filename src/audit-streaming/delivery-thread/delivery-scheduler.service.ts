import { once } from 'node:events';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../metrics/metrics';
import { SinkDeliveriesRepository } from '../sink-deliveries.repository';
import { SinkDeliveryService } from '../sink-delivery.service';
import { DeliveryCounters, DeliveryCountersRelay } from './delivery-counters';

const RESTART_DELAY_MS = 1000;

/**
 * Where this replica delivers audit streams. On PostgreSQL, on a thread of its own: reading, serialising, signing and
 * sending batches then never takes turns with minting on the event loop that serves requests. On the embedded
 * database, which only this thread can open, here. Not at all with AUDIT_STREAM_POLL_MS=0, nor in a process that
 * serves nothing (a CLI command): the server starts it once it listens.
 */
@Injectable()
export class DeliverySchedulerService implements OnModuleDestroy {
  private readonly logger = new Logger('AuditStream');
  private readonly counters: DeliveryCountersRelay;
  private thread?: Worker;
  private stopping = false;

  constructor(
    deliveries: SinkDeliveriesRepository,
    clock: Clock,
    metrics: MetricsService,
    private readonly delivery: SinkDeliveryService,
    private readonly config: AppConfig,
  ) {
    metrics.readAuditStreamWith(() => deliveries.state(clock.now()));
    this.counters = new DeliveryCountersRelay(metrics);
  }

  start(): void {
    if (this.config.auditStreamPollMs <= 0) return;
    if (this.config.databaseUrl) this.startThread();
    else this.delivery.poll();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    const thread = this.thread;
    if (!thread) return;
    const exited = once(thread, 'exit');
    thread.postMessage('stop');
    await exited;
  }

  private startThread(): void {
    // Compiled, the thread runs delivery-thread.js; from source (tests, `npm run start:dev`), the .ts through the
    // same loader, which a worker inherits with the process's flags.
    const entry = path.join(__dirname, `delivery-thread${path.extname(__filename)}`);
    const thread = new Worker(entry);
    this.counters.restart();
    thread.on('message', (counters: DeliveryCounters) => this.counters.add(counters));
    thread.on('error', (error) => this.logger.error(`The audit stream delivery thread failed: ${error.message}`));
    thread.on('exit', (code) => {
      this.thread = undefined;
      if (this.stopping) return;
      this.logger.error(`The audit stream delivery thread stopped (exit code ${code}); starting it again`);
      setTimeout(() => this.stopping || this.startThread(), RESTART_DELAY_MS).unref();
    });
    this.thread = thread;
  }
}
