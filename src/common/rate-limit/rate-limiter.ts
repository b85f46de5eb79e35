import { Clock } from '../clock/clock';

export interface RateLimitVerdict {
  allowed: boolean;
  /** When the caller may try again, if refused. */
  retryAfterSeconds: number;
}

/** Counts requests per key in fixed windows. One process's memory for now; a shared store can replace it. */
export abstract class RateLimiter {
  abstract consume(key: string, limit: number, windowMs: number): RateLimitVerdict;
}

/** At most this many keys are held; beyond it the oldest tenth is dropped, so a spray of keys cannot grow memory. */
const MAX_KEYS = 100_000;

export class InMemoryRateLimiter extends RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly clock: Clock) {
    super();
  }

  consume(key: string, limit: number, windowMs: number): RateLimitVerdict {
    const now = this.clock.now().getTime();
    const start = now - (now % windowMs);
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      if (this.windows.size >= MAX_KEYS) this.evictOldest();
      window = { start, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { allowed: window.count <= limit, retryAfterSeconds: Math.ceil((start + windowMs - now) / 1000) };
  }

  /** Maps iterate in insertion order: the first keys are the longest-standing ones. */
  private evictOldest(): void {
    let remaining = Math.ceil(MAX_KEYS / 10);
    for (const key of this.windows.keys()) {
      if (remaining-- === 0) break;
      this.windows.delete(key);
    }
  }
}
