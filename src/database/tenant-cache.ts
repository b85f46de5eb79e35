import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Clock } from '../common/clock/clock';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics';
import { ChangeFeedService } from './change-feed';

interface Entry<V> {
  value: V;
  /** Undefined for data of no single tenant (admin and service keys). */
  tenantId: string | undefined;
  expiresAt: number;
}

/**
 * Rows the token hot path reads on every request (keys, tenants, issuance targets), kept in memory for at most
 * `CACHE_TTL_SECONDS` and dropped as soon as their tenant's data changes on any replica (see ChangeFeedService). A value
 * loaded while a change happened is not kept: it may predate the change.
 */
export class TenantCache<V> {
  private readonly entries: LRUCache<string, Entry<V>>;
  private generation = 0;

  constructor(
    max: number,
    private readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly feed: ChangeFeedService,
    private readonly counted: (result: 'hit' | 'miss') => void = () => undefined,
  ) {
    // lru-cache's own clock only purges what has expired (decrypted secrets included); freshness is decided by ours.
    this.entries = new LRUCache({ max, ...(ttlMs > 0 ? { ttl: ttlMs, ttlAutopurge: true } : {}) });
    feed.onChange((tenantId) => this.invalidate(tenantId));
  }

  /**
   * The value for `key` from memory while fresh, else from `load` (absent values are never kept). `expiresAt` (ms
   * since the epoch) shortens how long a value may be kept, for values with a life of their own.
   */
  async get(
    key: string,
    load: () => Promise<V | undefined>,
    tenantOf: (value: V) => string | undefined,
    expiresAt?: (value: V) => number,
  ): Promise<V | undefined> {
    const now = this.clock.now().getTime();
    const cached = this.fresh(key, now);
    if (cached) return cached.value;
    const generation = this.generation;
    const value = await load();
    if (value !== undefined && generation === this.generation) this.keep(key, value, tenantOf(value), now, expiresAt?.(value));
    return value;
  }

  /** The same for a value computed on the spot from data the caller already holds (nothing can change meanwhile). */
  remember(key: string, tenantId: string, compute: () => V): V {
    const now = this.clock.now().getTime();
    const cached = this.fresh(key, now);
    if (cached) return cached.value;
    const value = compute();
    this.keep(key, value, tenantId, now);
    return value;
  }

  /** The entry for `key` while it may be served (counted as a hit), else undefined (a miss). */
  private fresh(key: string, now: number): Entry<V> | undefined {
    const entry = this.entries.get(key);
    const fresh = entry && entry.expiresAt > now && this.feed.reliable ? entry : undefined;
    this.counted(fresh ? 'hit' : 'miss');
    return fresh;
  }

  private keep(key: string, value: V, tenantId: string | undefined, now: number, expiresAt = Infinity): void {
    const until = Math.min(now + this.ttlMs, expiresAt);
    if (until > now && this.feed.reliable) this.entries.set(key, { value, tenantId: tenantId?.toLowerCase(), expiresAt: until });
  }

  private invalidate(tenantId: string | undefined): void {
    this.generation += 1;
    if (tenantId === undefined) return this.entries.clear();
    for (const [key, entry] of this.entries.entries()) if (entry.tenantId === tenantId) this.entries.delete(key);
  }
}

/** Makes the hot path's caches, each bounded and tied to the change feed. */
@Injectable()
export class TenantCachesService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly feed: ChangeFeedService,
    private readonly metrics: MetricsService,
  ) {}

  /** `name` labels its hits and misses in the metrics. */
  create<V>(name: string, max: number): TenantCache<V> {
    return new TenantCache<V>(max, this.config.cacheTtlMs, this.clock, this.feed, (result) =>
      this.metrics.cacheLookups.inc({ cache: name, result }),
    );
  }
}
