import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { FakeClock } from '../../../test/helpers/fake-clock';
import { describeWith } from '../../../test/helpers/requirements';
import { formatKeyEntry, parseKeyring } from '../../crypto/keyring';
import { SecretBox } from '../../crypto/secret-box';
import { MetricsService } from '../../metrics/metrics';
import { SharedFlightsService } from '../../redis/shared-flights';
import { BandwidthTokenCache, CachedToken } from './bandwidth-token-cache';

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, seconds));
const account = { id: 'acc', updatedAt: at(0) };

describe('BandwidthTokenCache', () => {
  it('shares one fetch among concurrent misses', async () => {
    const cache = new BandwidthTokenCache();
    let fetches = 0;
    let release!: (token: CachedToken) => void;
    const fetch = () => {
      fetches += 1;
      return new Promise<CachedToken>((resolve) => (release = resolve));
    };
    const waiting = Array.from({ length: 50 }, () => cache.get(account, at(0), fetch));
    release({ token: 't1', expiresAt: at(600) });
    expect(new Set((await Promise.all(waiting)).map((entry) => entry.token))).toEqual(new Set(['t1']));
    expect(fetches).toBe(1);
  });

  it('refreshes 30 s ahead of expiry, and after the account changes', async () => {
    const cache = new BandwidthTokenCache();
    let n = 0;
    const fetch = async () => ({ token: `t${++n}`, expiresAt: at(600) });
    expect((await cache.get(account, at(0), fetch)).token).toBe('t1');
    expect((await cache.get(account, at(569), fetch)).token).toBe('t1');
    expect((await cache.get(account, at(571), fetch)).token).toBe('t2');
    expect((await cache.get({ id: 'acc', updatedAt: at(1) }, at(571), fetch)).token).toBe('t3');
  });

  it('falls back to the cached token while it has 10 s left, then fails', async () => {
    const cache = new BandwidthTokenCache();
    await cache.get(account, at(0), async () => ({ token: 't1', expiresAt: at(600) }));
    const failing = () => Promise.reject(new Error('down'));
    expect((await cache.get(account, at(580), failing)).token).toBe('t1');
    await expect(cache.get(account, at(591), failing)).rejects.toThrow('down');
  });

  it('forgets an account on request, and holds a bounded number, dropping the least recently used', async () => {
    const cache = new BandwidthTokenCache(undefined, 2);
    let n = 0;
    const fetch = async () => ({ token: `t${++n}`, expiresAt: at(600) });
    const other = (id: string) => ({ id, updatedAt: at(0) });
    await cache.get(account, at(0), fetch);
    cache.forget(account.id);
    expect((await cache.get(account, at(1), fetch)).token).toBe('t2');
    await cache.get(other('b'), at(1), fetch);
    expect((await cache.get(account, at(1), fetch)).token).toBe('t2');
    await cache.get(other('c'), at(1), fetch);
    expect((await cache.get(account, at(1), fetch)).token).toBe('t2');
    expect((await cache.get(other('b'), at(1), fetch)).token).toBe('t5');
  });

  it('does not keep a token fetched for an account forgotten meanwhile', async () => {
    const cache = new BandwidthTokenCache();
    let release!: (token: CachedToken) => void;
    const pending = cache.get(account, at(0), () => new Promise<CachedToken>((resolve) => (release = resolve)));
    cache.forget(account.id);
    release({ token: 'stale', expiresAt: at(600) });
    expect((await pending).token).toBe('stale');
    expect((await cache.get(account, at(1), async () => ({ token: 'fresh', expiresAt: at(600) }))).token).toBe('fresh');
  });
});

describeWith(['redis'], 'BandwidthTokenCache shared through real Redis (two replicas)', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(process.env.TEST_REDIS_URL!);
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it('refreshes 30 s ahead of expiry a token another replica stored, rather than reuse it', async () => {
    const shared = { id: `acc-${randomBytes(8).toString('hex')}`, updatedAt: at(0) };
    const key = `callpass:shared:bandwidth:${shared.id}:${shared.updatedAt.getTime()}`;
    const clock = new FakeClock(at(0));
    const flights = new SharedFlightsService(
      redis,
      new SecretBox(parseKeyring(formatKeyEntry('shared', randomBytes(32)))),
      clock,
      new MetricsService(),
    );
    const replica1 = new BandwidthTokenCache(flights);
    const replica2 = new BandwidthTokenCache(flights);
    let n = 0;
    const fetch = async () => ({ token: `t${++n}`, expiresAt: at(3600) });
    try {
      expect((await replica1.get(shared, at(0), fetch)).token).toBe('t1');
      expect(await redis.exists(key)).toBe(1);
      // 20 s left of t1, stored in Redis: within the refresh-ahead margin, so replica 2 fetches anew.
      clock.set(at(3580));
      expect(await replica2.get(shared, at(3580), fetch)).toEqual({ token: 't2', tokenId: undefined, expiresAt: at(3600) });
      expect(n).toBe(2);
    } finally {
      await redis.del(key, `${key}:lock`);
    }
  });
});
