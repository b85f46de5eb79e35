import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { bucketOf, emptyHistogram } from './latency-histogram';
import { keyOf, keyOfIncrement, RollupIncrement, TokenRollupsRepository } from './token-rollups.repository';

/** How often a replica adds what it counted to the rollups. */
const FLUSH_EVERY_MS = 5000;

/**
 * Counts each token issued or refused into its tenant's minute (in memory, on the hot path: one map update), and adds
 * the counts to the rollups every few seconds in one statement. A replica that crashes loses at most those seconds of
 * the charts; the token log, written before any token goes out, stays the record.
 */
@Injectable()
export class TokenRollupsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TokenRollups');
  private pending = new Map<string, RollupIncrement>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly rollups: TokenRollupsRepository,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Nothing is counted with the console off (CONSOLE_ENABLED=false): the overview is the console's. */
  count(tenantId: string, at: Date, provider: string, outcome: string, errorCode: string, milliseconds: number): void {
    if (!this.config.consoleEnabled) return;
    const minuteMs = Math.floor(at.getTime() / 60_000) * 60_000;
    const key = keyOf(tenantId, minuteMs, provider, outcome, errorCode);
    let increment = this.pending.get(key);
    if (!increment) {
      const minute = new Date(minuteMs);
      increment = { tenantId, minute, provider, outcome, errorCode, count: 0, latencyBuckets: emptyHistogram() };
      this.pending.set(key, increment);
    }
    increment.count += 1;
    increment.latencyBuckets[bucketOf(milliseconds)] += 1;
  }

  /** Adds what was counted since the last flush; kept for the next one if the database refuses. */
  async flush(): Promise<void> {
    const increments = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.rollups.add(increments);
    } catch (error) {
      this.logger.warn(`Could not add ${increments.length} rollup row(s); trying again: ${(error as Error).message}`);
      for (const increment of increments) this.putBack(increment);
    }
  }

  private putBack(increment: RollupIncrement): void {
    const key = keyOfIncrement(increment);
    const newer = this.pending.get(key);
    if (!newer) return void this.pending.set(key, increment);
    newer.count += increment.count;
    increment.latencyBuckets.forEach((count, index) => (newer.latencyBuckets[index] += count));
  }
}
