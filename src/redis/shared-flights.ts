import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { Clock } from '../common/clock/clock';
import { SecretBox } from '../crypto/secret-box';
import { MetricsService } from '../metrics/metrics';
import { REDIS_CLIENT } from './redis-client';

/** A value worth sharing between replicas (a provider token), with when it stops being any use. */
export interface SharedValue {
  value: string;
  expiresAt: number;
}

/** How long one replica may hold the right to fetch; beyond it, waiters assume it died and fetch themselves. */
const LOCK_MS = 15_000;
/** How often a waiting replica looks for the value the lock's holder is fetching. */
const POLL_MS = 25;
/** Deletes the lock only if it is still ours (the fencing value matches): a late holder cannot free another's. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Redis failed; the caller does the work within its own process instead. */
export class SharedFlightUnavailable extends Error {}

/**
 * One fetch for every replica: a value is read from Redis if a replica stored one still usable; otherwise the
 * replica that takes the lock (a fencing value, with a lifetime) fetches it and stores it, and the others wait for
 * it. Values are encrypted with the keyring before they reach Redis, bound to their name, so Redis never holds a
 * provider token in clear and an entry copied under another name fails to open. Without REDIS_URL, or when Redis
 * fails, `get` throws SharedFlightUnavailable (counted and logged) and callers keep to their own process.
 */
@Injectable()
export class SharedFlightsService {
  private readonly logger = new Logger('SharedFlights');

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | undefined,
    private readonly secretBox: SecretBox,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  get enabled(): boolean {
    return this.redis !== undefined;
  }

  /** `feature` names the caller in metrics and logs; `name` must change whenever what the value depends on changes. */
  async get(
    feature: string,
    name: string,
    usable: (value: SharedValue) => boolean,
    fetch: () => Promise<SharedValue>,
  ): Promise<SharedValue> {
    const redis = this.redis;
    if (!redis) throw new SharedFlightUnavailable('no Redis');
    const key = `callpass:shared:${name}`;
    const storedAndUsable = async () => {
      const stored = await this.read(redis, key);
      if (!stored || !usable(stored)) return undefined;
      this.metrics.cacheLookups.inc({ cache: `${feature}_shared`, result: 'hit' });
      return stored;
    };
    try {
      const deadline = this.clock.now().getTime() + LOCK_MS;
      for (;;) {
        const stored = await storedAndUsable();
        if (stored) return stored;
        const fence = randomBytes(16).toString('hex');
        if ((await redis.set(`${key}:lock`, fence, 'PX', LOCK_MS, 'NX')) === 'OK') {
          // The previous holder may have stored the value and let go between the read above and this lock.
          const storedMeanwhile = await storedAndUsable();
          if (storedMeanwhile) {
            await this.release(redis, key, fence);
            return storedMeanwhile;
          }
          this.metrics.cacheLookups.inc({ cache: `${feature}_shared`, result: 'miss' });
          return await this.fetchAndStore(redis, key, fence, fetch);
        }
        if (this.clock.now().getTime() >= deadline) break;
        await this.clock.sleep(POLL_MS);
      }
    } catch (error) {
      if (error instanceof FetchFailed) throw error.cause;
      this.metrics.redisFallbacks.inc({ feature });
      this.logger.warn(`Redis failed (${(error as Error).message}); ${feature} fetched within this process`);
      throw new SharedFlightUnavailable((error as Error).message);
    }
    // The holder outlived its lock without storing anything: it is gone, and this replica fetches on its own.
    return fetch();
  }

  private async fetchAndStore(redis: Redis, key: string, fence: string, fetch: () => Promise<SharedValue>): Promise<SharedValue> {
    try {
      const value = await fetch().catch((error: unknown) => {
        throw new FetchFailed(error);
      });
      const lifetime = value.expiresAt - this.clock.now().getTime();
      if (lifetime > 0) {
        const sealed = this.secretBox.encrypt(JSON.stringify(value), `callpass:shared:${key}`);
        await redis.set(key, sealed, 'PX', lifetime).catch(() => undefined);
      }
      return value;
    } finally {
      await this.release(redis, key, fence);
    }
  }

  private async release(redis: Redis, key: string, fence: string): Promise<void> {
    await redis.eval(RELEASE, 1, `${key}:lock`, fence).catch(() => undefined);
  }

  private async read(redis: Redis, key: string): Promise<SharedValue | undefined> {
    const sealed = await redis.get(key);
    if (!sealed) return undefined;
    try {
      return JSON.parse(this.secretBox.decrypt(sealed, `callpass:shared:${key}`)) as SharedValue;
    } catch {
      // Not ours to open (moved, tampered with, or sealed under a key this replica lacks): fetch anew.
      return undefined;
    }
  }
}

/** The fetch's own failure, told apart from Redis's so that it reaches the caller unchanged. */
class FetchFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('fetch failed');
  }
}
