import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock/clock';
import { uuidv7 } from '../common/ids';
import { TokenIssuanceLogService } from './token-issuance-log';

/** A refused request whose caller did not authenticate: counted, not written one by one. */
export interface CountedRefusal {
  /** Known when the route names the tenant, or when a revoked or expired key was presented. */
  tenantId?: string;
  actorKind: string;
  actorId?: string;
  /** The client's address (an IPv4 address or an IPv6 /64), so that a flood shows where it comes from. */
  clientIp?: string;
  errorCode: string;
}

const WINDOW_MS = 60_000;
const FLUSH_EVERY_MS = 10_000;
/** Distinct counters per window with a client; twice as many without one (see count). */
const MAX_COUNTERS = 10_000;

/**
 * Refusals of callers that did not authenticate (bad, revoked or expired keys; anonymous callers over a limit) are
 * counted per minute, per tenant, actor, client and code, and written as one token-log row per counter with its
 * `requestCount`. An unauthenticated flood therefore writes a bounded number of rows: at most one per counter per
 * minute, and the counters themselves are bounded.
 */
@Injectable()
export class RefusalTallyService implements OnModuleInit, OnModuleDestroy {
  private counters = new Map<string, { refusal: CountedRefusal; windowStart: number; count: number }>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly log: TokenIssuanceLogService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush({ all: true });
  }

  count(refusal: CountedRefusal): void {
    const now = this.clock.now().getTime();
    const windowStart = now - (now % WINDOW_MS);
    let key = counterKey(refusal, windowStart);
    // Past MAX_COUNTERS a new counter gives up its client, past twice that its tenant and actor too: a flood from
    // many addresses cannot take the tenant off the refusals of the tenant's own callers.
    if (refusal.clientIp && !this.counters.has(key) && this.counters.size >= MAX_COUNTERS) {
      refusal = { ...refusal, clientIp: undefined };
      key = counterKey(refusal, windowStart);
    }
    if (!this.counters.has(key) && this.counters.size >= 2 * MAX_COUNTERS) {
      refusal = { actorKind: refusal.actorKind, errorCode: refusal.errorCode };
      key = counterKey(refusal, windowStart);
    }
    const counter = this.counters.get(key) ?? { refusal, windowStart, count: 0 };
    counter.count += 1;
    this.counters.set(key, counter);
  }

  /** Writes the counters of windows that have ended (or all of them), one row each. */
  async flush(options: { all?: boolean } = {}): Promise<void> {
    const now = this.clock.now().getTime();
    const due = [...this.counters].filter(([, counter]) => options.all || counter.windowStart + WINDOW_MS <= now);
    for (const [key] of due) this.counters.delete(key);
    await this.log.appendCounts(
      due.map(([, { refusal, windowStart, count }]) => ({
        id: uuidv7(windowStart),
        tenantId: refusal.tenantId,
        actorKind: refusal.actorKind,
        actorId: refusal.actorId,
        clientIp: refusal.clientIp,
        issuedAt: new Date(windowStart),
        outcome: 'refused',
        errorCode: refusal.errorCode,
        requestCount: count,
      })),
    );
  }
}

function counterKey(refusal: CountedRefusal, windowStart: number): string {
  return [windowStart, refusal.tenantId ?? '', refusal.actorKind, refusal.actorId ?? '', refusal.clientIp ?? '', refusal.errorCode].join(
    '|',
  );
}
