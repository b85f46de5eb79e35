import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { FakeClock } from '../../test/helpers/fake-clock';
import { describeWith } from '../../test/helpers/requirements';
import { formatKeyEntry, parseKeyring } from '../crypto/keyring';
import { SecretBox } from '../crypto/secret-box';
import { MetricsService } from '../metrics/metrics';
import { SharedFlightsService, SharedValue } from './shared-flights';

/** A flight of its own for one test: its name, and the Redis keys of its value and of its lock. */
function freshFlight(label: string) {
  const name = `${label}-${randomBytes(8).toString('hex')}`;
  const key = `callpass:shared:${name}`;
  return { name, key, lockKey: `${key}:lock` };
}

describeWith(['redis'], 'SharedFlightsService on real Redis (two replicas)', () => {
  const secretBox = new SecretBox(parseKeyring(formatKeyEntry('shared', randomBytes(32))));
  const metrics = new MetricsService();
  let redisA: Redis;
  let redisB: Redis;

  beforeAll(() => {
    redisA = new Redis(process.env.TEST_REDIS_URL!);
    redisB = new Redis(process.env.TEST_REDIS_URL!);
  });
  afterAll(async () => {
    await redisA?.quit();
    await redisB?.quit();
  });

  it('lets go of its lock when another replica stored the value meanwhile, so the next refetch runs at once', async () => {
    const { name, key, lockKey } = freshFlight('test-stored-meanwhile');
    const clockA = new FakeClock();
    const clockB = new FakeClock();
    const a = new SharedFlightsService(redisA, secretBox, clockA, metrics);
    const usable = (value: SharedValue) => value.expiresAt > clockB.now().getTime();
    const fetchedByA: SharedValue = { value: 'from-a', expiresAt: clockA.now().getTime() + 60_000 };
    // B's connection, with one barrier: B's first attempt at the lock waits until A has fetched, stored and let go
    // (B has already read nothing), so B then takes a free lock and finds the value stored meanwhile.
    let barrierUsed = false;
    const lockAttempts: string[] = [];
    const interceptedB = new Proxy(redisB, {
      get(target, property, receiver) {
        if (property !== 'set') return Reflect.get(target, property, receiver) as unknown;
        return async (...args: unknown[]) => {
          if (args[0] === lockKey) {
            lockAttempts.push(`B:${(await redisA.exists(key)) === 1 ? 'value stored' : 'no value'}`);
            if (!barrierUsed) {
              barrierUsed = true;
              expect(await a.get('test', name, usable, async () => fetchedByA)).toEqual(fetchedByA);
            }
          }
          return (target.set as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
    const b = new SharedFlightsService(interceptedB, secretBox, clockB, metrics);
    let fetchesByB = 0;
    const fetchB = async (): Promise<SharedValue> => {
      fetchesByB += 1;
      return { value: `from-b-${fetchesByB}`, expiresAt: clockB.now().getTime() + 60_000 };
    };
    try {
      expect(await b.get('test', name, usable, fetchB)).toEqual(fetchedByA);
      expect(lockAttempts).toEqual(['B:no value']);
      expect(fetchesByB).toBe(0);
      // B took the lock, found A's value and let go of it: nothing holds the lock now.
      expect(await redisA.exists(lockKey)).toBe(0);

      // Once A's value is no longer usable, B's refetch runs its fetch at once: no waiting on a lock left behind.
      clockB.advance(60_000);
      expect(await b.get('test', name, usable, fetchB)).toEqual({ value: 'from-b-1', expiresAt: clockB.now().getTime() + 60_000 });
      expect(fetchesByB).toBe(1);
      expect(clockB.sleeps).toEqual([]);
      expect(await redisA.exists(lockKey)).toBe(0);
    } finally {
      await redisA.del(key, lockKey);
    }
  });

  it('leaves alone a lock that another replica took after its own ran out, when its fetch ends', async () => {
    const { name, key, lockKey } = freshFlight('test-late-holder');
    const clock = new FakeClock();
    const a = new SharedFlightsService(redisA, secretBox, clock, metrics);
    const fetched: SharedValue = { value: 'from-a', expiresAt: clock.now().getTime() + 60_000 };
    try {
      const got = await a.get(
        'test',
        name,
        (value) => value.expiresAt > clock.now().getTime(),
        async () => {
          // A holds the lock while it fetches; it runs out and another replica takes it, with its own fencing value.
          expect(await redisB.exists(lockKey)).toBe(1);
          await redisB.set(lockKey, 'another-holder', 'PX', 15_000);
          return fetched;
        },
      );
      expect(got).toEqual(fetched);
      // A's release found another's fencing value and deleted nothing.
      expect(await redisB.get(lockKey)).toBe('another-holder');
    } finally {
      await redisA.del(key, lockKey);
    }
  });

  it("passes the fetch's own failure to the caller unchanged, not as a Redis fallback, and lets go of its lock", async () => {
    const { name, key, lockKey } = freshFlight('test-fetch-fails');
    const feature = `test_fetch_fails_${randomBytes(4).toString('hex')}`;
    const fallbacks = async () => (await metrics.redisFallbacks.get()).values.find((value) => value.labels.feature === feature)?.value ?? 0;
    const clock = new FakeClock();
    const a = new SharedFlightsService(redisA, secretBox, clock, metrics);
    const boom = new Error('boom');
    try {
      await expect(
        a.get(
          feature,
          name,
          () => true,
          async () => {
            throw boom;
          },
        ),
      ).rejects.toBe(boom);
      expect(await fallbacks()).toBe(0);
      expect(await redisA.exists(key, lockKey)).toBe(0);
    } finally {
      await redisA.del(key, lockKey);
    }
  });
});
