import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { providerKits } from '../../src/providers/provider-kits';
import { EmulatedAccount } from '../../src/providers/provider-kit';
import { Emulators, startEmulators } from '../../src/sandbox/emulators';
import { PRISMA_ADVISORY_LOCK } from '../../src/database/migrator';
import { ReplicaSet, seedTwilioEndpoint, startReplicaSet } from '../helpers/replica-set';
import { TestDatabase } from '../helpers/test-database';
import { RoundRobinProxy, startRoundRobinProxy } from '../helpers/round-robin-proxy';
import { callJson } from '../helpers/server-process';
import { startTcpProxy, TcpProxy } from '../helpers/tcp-proxy';
import { describeWith } from '../helpers/requirements';

/** How soon a replica must hear of a circuit another one opened, and see Redis again once it is back. */
const NEWS_BOUND_MS = 2000;
const REDIS_RECOVERY_BOUND_MS = 5000;
/** How long three server processes may take to boot as far as the migrations. */
const MIGRATION_WAIT_BOUND_MS = 30_000;
/** Redis slowed down to far beyond its command timeout (500 ms). */
const REDIS_SLOW_LATENCY_MS = 3000;

/** Counts answers by status, e.g. { 201: 10, 429: 90 }. */
function byStatus(answers: { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** Asks `probe` until it says yes, at most for `boundMs`; returns how long it took (or throws). */
async function within(boundMs: number, what: string, probe: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > boundMs) throw new Error(`${what}: not within ${boundMs} ms`);
  }
  const took = performance.now() - started;
  expect(took).toBeLessThan(boundMs);
  return took;
}

/** Set whenever the suite runs (describeWith skips it otherwise). */
const redisServer = process.env.TEST_REDIS_URL!;

/**
 * Three server processes booted together on an empty PostgreSQL and one Redis (reached through a proxy the test can
 * cut), behind a round-robin load balancer. They behave as one service: migrations applied once, one rate-limit
 * budget, one Bandwidth token fetch for all, a circuit opened on one open on all, one SignalWire refresh; and when
 * Redis goes away each carries on alone, then shares again when it is back.
 */
describeWith(['postgresql', 'redis'], 'three replicas behind a load balancer', () => {
  let emulators: Emulators;
  let redis: TcpProxy;
  let replicas: ReplicaSet;
  let balancer: RoundRobinProxy;
  let tenant: Awaited<ReturnType<typeof seedTwilioEndpoint>>;
  let metricsKey: string;
  let migrationsWaited = 0;

  beforeAll(async () => {
    emulators = await startEmulators();
    const redisUrl = new URL(redisServer);
    redis = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    replicas = await startReplicaSet(3, {
      env: { REDIS_URL: redis.via(redisServer), ALLOW_PRIVATE_NETWORK_URLS: 'true' },
      emptyDatabase: true,
      whileBooting: holdMigrationsUntilAllWait,
    });
    balancer = await startRoundRobinProxy(replicas.urls);
    tenant = await seedTwilioEndpoint(balancer.url, replicas.adminKey, 'scale-out');
    const created = await callJson(balancer.url, 'POST', '/v1/admin/service-keys', replicas.adminKey, {
      name: 'prometheus',
      scopes: ['metrics:read'],
    });
    metricsKey = created.body.key;
  }, 90_000);
  /** Holds the migrations' lock until all three replicas wait for it: their boots overlap, for certain. */
  async function holdMigrationsUntilAllWait(database: TestDatabase): Promise<void> {
    const connection = database.connect();
    const session = await connection.openSession();
    try {
      await session.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
      migrationsWaited = await within(MIGRATION_WAIT_BOUND_MS, 'three replicas waiting to migrate', async () => {
        const [waiting] = await database.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
          [PRISMA_ADVISORY_LOCK],
        );
        return waiting.count === 3;
      });
      await session.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]);
    } finally {
      await session.release();
      await connection.close();
    }
  }

  afterAll(async () => {
    await balancer?.close();
    await replicas?.stop();
    await redis?.close();
    await emulators?.close();
  });

  let accounts = 0;
  const account = async (emulated: EmulatedAccount) => {
    accounts += 1;
    const created = await callJson(balancer.url, 'POST', '/v1/provider-accounts', tenant.key, {
      name: `account-${accounts}`,
      ...emulated,
    });
    if (created.status !== 201) throw new Error(`account: ${JSON.stringify(created.body)}`);
    return created.body.id;
  };
  const endpoint = async (providerAccountId: string, extra: Record<string, unknown> = {}) => {
    const created = await callJson(balancer.url, 'POST', '/v1/endpoints', tenant.key, {
      providerAccountId,
      userId: `user-${providerAccountId.slice(-6)}`,
      capabilities: ['incoming', 'outgoing'],
      ...extra,
    });
    if (created.status !== 201) throw new Error(`endpoint: ${JSON.stringify(created.body)}`);
    return created.body.id;
  };
  const issueVia = (url: string, key: string, body: Record<string, unknown>) => callJson(url, 'POST', '/v1/tokens', key, body);
  /**
   * A new key of a new tenant, which may take `perMinute` requests a minute: its own, so the set-up's requests (made
   * with the tenant's first key, and counted like any) do not spend its budget.
   */
  const limitedKey = async (slug: string, perMinute: number) => {
    const seeded = await seedTwilioEndpoint(balancer.url, replicas.adminKey, slug);
    await callJson(balancer.url, 'PATCH', `/v1/admin/tenants/${seeded.tenantId}`, replicas.adminKey, {
      settings: { rateLimits: { keyPerMinute: perMinute } },
    });
    const fresh = await callJson(balancer.url, 'POST', `/v1/admin/tenants/${seeded.tenantId}/api-keys`, replicas.adminKey, {
      name: 'limited',
    });
    return { ...seeded, key: (fresh.body as { key: string }).key };
  };
  const metric = async (url: string, line: RegExp) => {
    const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsKey}` } })).text();
    const found = text.split('\n').find((candidate) => line.test(candidate));
    return found ? Number(found.slice(found.lastIndexOf(' ') + 1)) : 0;
  };

  it('applied each migration exactly once, all three having booted together on the empty database', async () => {
    const rows = await replicas.database.query<{ migration_name: string; finished_at: Date | null }>(
      'SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const folders = fs.readdirSync(path.join('prisma', 'migrations')).filter((name) => /^\d{14}_/.test(name));
    console.log(
      `migrations: all 3 replicas waited at the lock together (after ${migrationsWaited.toFixed(0)} ms); ${folders.length} folders, ${rows.length} rows`,
    );
    expect(rows.map((row) => row.migration_name)).toEqual(folders.sort());
    expect(rows.every((row) => row.finished_at !== null)).toBe(true);
  });

  it('share one rate-limit budget: 100 requests at 10 a minute give 10 tokens and 90 × 429, whichever replica answers', async () => {
    const limited = await limitedKey('scale-limits', 10);
    const before = [...balancer.counts];
    // In waves of 10 at once: 100 at once starved these 2 cores long enough (500 ms) for a replica to stop waiting on
    // Redis and count on its own, as it must when Redis is slow, which is not what this test is about.
    const answers: Awaited<ReturnType<typeof issueVia>>[] = [];
    for (let wave = 0; wave < 10; wave += 1) {
      answers.push(
        ...(await Promise.all(Array.from({ length: 10 }, () => issueVia(balancer.url, limited.key, { endpointId: limited.endpointId })))),
      );
    }
    const spread = balancer.counts.map((count, index) => count - before[index]);
    console.log(`rate limits: 100 requests spread ${spread.join('/')} over the replicas: ${JSON.stringify(byStatus(answers))}`);
    expect(byStatus(answers)).toEqual({ 201: 10, 429: 90 });
    expect(spread.every((count) => count > 0)).toBe(true);
  });

  it('fetch one Bandwidth token for all of them: 60 concurrent requests, 1 upstream call', async () => {
    const accountId = await account(providerKits.bandwidth.emulatedAccount(emulators.bandwidth));
    const endpointId = await endpoint(accountId);
    const calls = () => emulators.bandwidth.requestsTo('POST', /oauth2\/token$/).length;
    const before = calls();
    const answers = await Promise.all(Array.from({ length: 60 }, () => issueVia(balancer.url, tenant.key, { endpointId })));
    console.log(`bandwidth: 60 requests through 3 replicas, ${calls() - before} upstream token call(s)`);
    expect(byStatus(answers)).toEqual({ 201: 60 });
    const tokens = new Set(answers.map((answer) => (answer.body as unknown as { token: string }).token));
    expect(tokens.size).toBe(1);
    expect(calls() - before).toBe(1);
    // What the replicas share through Redis is sealed: the token is nowhere in it in clear.
    const redisClient = new Redis(redisServer);
    try {
      const keys = await redisClient.keys(`callpass:shared:bandwidth:${accountId}:*`);
      expect(keys).toHaveLength(1);
      const stored = (await redisClient.get(keys[0]))!;
      expect(stored).toMatch(/^cpenc1\./);
      const [token] = tokens;
      for (const part of token.split('.')) expect(stored).not.toContain(part);
    } finally {
      redisClient.disconnect();
    }
  });

  it('open a circuit on all of them when one finds the provider down: the others call it no more', async () => {
    const accountId = await account(providerKits.plivo.emulatedAccount(emulators.plivo));
    const endpointId = await endpoint(accountId, { identity: 'breaker1', provision: true });
    const [first, second, third] = replicas.urls;
    emulators.plivo.failNext(1000, { kind: 'status', status: 500 });
    try {
      let opened = false;
      for (let attempt = 0; attempt < 20 && !opened; attempt += 1) {
        const answer = await issueVia(first, tenant.key, { endpointId });
        expect(answer.status).toBe(503);
        opened = answer.body.error?.details.reason === 'circuit_open';
      }
      expect(opened).toBe(true);
      const heard = /^callpass_circuits_opened_total\{provider="plivo",where="elsewhere"\}/;
      const newsMs = await within(
        NEWS_BOUND_MS,
        'circuit news',
        async () => (await metric(second, heard)) >= 1 && (await metric(third, heard)) >= 1,
      );
      const callsBefore = emulators.plivo.receivedCount;
      const answers = await Promise.all(
        [second, third].flatMap((url) => Array.from({ length: 5 }, () => issueVia(url, tenant.key, { endpointId }))),
      );
      console.log(
        `circuits: the others heard in ${newsMs.toFixed(0)} ms; 10 requests to them, ${emulators.plivo.receivedCount - callsBefore} upstream calls`,
      );
      expect(answers.map((answer) => [answer.status, answer.body.error?.details.reason])).toEqual(Array(10).fill([503, 'circuit_open']));
      expect(emulators.plivo.receivedCount).toBe(callsBefore);
    } finally {
      emulators.plivo.clearFaults();
    }
  });

  it('refresh a SignalWire token once when three replicas race to: one 201, two 409, one upstream refresh', async () => {
    const signalwire = providerKits.signalwire.emulatedAccount(emulators.signalwire);
    const { addresses, ...signalwireAccount } = signalwire;
    const accountId = await account(signalwireAccount);
    const endpointId = await endpoint(accountId, {
      identity: 'racer@example.com',
      providerOptions: { allowedAddresses: addresses.slice(0, 1) },
    });
    const first = await issueVia(balancer.url, tenant.key, { endpointId });
    expect(first.status).toBe(201);
    const refreshCalls = () => emulators.signalwire.requestsTo('POST', /\/tokens\/refresh$/).length;
    const before = refreshCalls();
    // The winner's refresh is held at the provider until the two others are answered: all three raced for it.
    const held = emulators.signalwire.hold(1);
    let answered = 0;
    let othersAnswered!: () => void;
    const others = new Promise<void>((resolve) => (othersAnswered = resolve));
    const racing = replicas.urls.map((url) =>
      callJson(url, 'POST', `/v1/tokens/${first.body.id}/refresh`, tenant.key).then((answer) => {
        if ((answered += 1) === 2) othersAnswered();
        return answer;
      }),
    );
    await held.arrived();
    await others;
    held.release();
    const answers = await Promise.all(racing);
    console.log(`refresh race: ${JSON.stringify(byStatus(answers))}, ${refreshCalls() - before} upstream refresh(es)`);
    expect(byStatus(answers)).toEqual({ 201: 1, 409: 2 });
    expect(answers.filter((answer) => answer.status === 409).map((answer) => answer.body.error?.code)).toEqual([
      'token_refresh_conflict',
      'token_refresh_conflict',
    ]);
    expect(refreshCalls() - before).toBe(1);
  });

  it('answer in time while Redis is slow: its commands time out, and each replica counts alone meanwhile', async () => {
    const limited = await limitedKey('scale-slow', 10);
    redis.setLatency(REDIS_SLOW_LATENCY_MS);
    let answers;
    try {
      answers = await Promise.all(
        Array.from({ length: 12 }, async () => {
          const started = performance.now();
          const answer = await issueVia(balancer.url, limited.key, { endpointId: limited.endpointId });
          return { status: answer.status, ms: performance.now() - started };
        }),
      );
    } finally {
      redis.restore();
    }
    const slowest = Math.max(...answers.map((answer) => answer.ms));
    console.log(
      `redis slow (+${REDIS_SLOW_LATENCY_MS} ms): 12 requests at 10 a minute: ${JSON.stringify(byStatus(answers))}, slowest ${slowest.toFixed(0)} ms`,
    );
    // Counted by each replica on its own (4 each), and answered before Redis could have.
    expect(byStatus(answers)).toEqual({ 201: 12 });
    expect(slowest).toBeLessThan(REDIS_SLOW_LATENCY_MS);
  });

  it('carry on alone while Redis is away (degraded, per-process limits and fetches), and share again once it is back', async () => {
    redis.cut();
    try {
      const degradedMs = await within(REDIS_RECOVERY_BOUND_MS, 'degraded readiness', async () => {
        const states = await Promise.all(replicas.urls.map((url) => callJson(url, 'GET', '/health/ready', '')));
        return states.every((state) => state.status === 200 && (state.body as unknown as { status: string }).status === 'degraded');
      });
      const limited = await limitedKey('scale-alone', 10);
      const alone = await Promise.all(
        Array.from({ length: 60 }, () => issueVia(balancer.url, limited.key, { endpointId: limited.endpointId })),
      );
      const accountId = await account(providerKits.bandwidth.emulatedAccount(emulators.bandwidth));
      const endpointId = await endpoint(accountId);
      const calls = () => emulators.bandwidth.requestsTo('POST', /oauth2\/token$/).length;
      const before = calls();
      const fetched = await Promise.all(Array.from({ length: 30 }, () => issueVia(balancer.url, tenant.key, { endpointId })));
      const upstream = calls() - before;
      console.log(
        `redis away: degraded after ${degradedMs.toFixed(0)} ms; 60 requests at 10 a minute per process: ${JSON.stringify(byStatus(alone))}; bandwidth: 30 requests, ${upstream} upstream calls`,
      );
      // Each of the three counts on its own: 10 each.
      expect(byStatus(alone)).toEqual({ 201: 30, 429: 30 });
      expect(byStatus(fetched)).toEqual({ 201: 30 });
      expect(upstream).toBeGreaterThanOrEqual(1);
      expect(upstream).toBeLessThanOrEqual(3);
      const fallbacks = await Promise.all(
        replicas.urls.map((url) => metric(url, /^callpass_redis_fallbacks_total\{feature="rate_limits"\}/)),
      );
      expect(fallbacks.every((count) => count > 0)).toBe(true);
    } finally {
      redis.restore();
    }
    const recoveredMs = await within(REDIS_RECOVERY_BOUND_MS, 'Redis back', async () => {
      const states = await Promise.all(replicas.urls.map((url) => callJson(url, 'GET', '/health/ready', '')));
      return states.every((state) => (state.body as unknown as { status: string }).status === 'ok');
    });
    const limited = await limitedKey('scale-back', 10);
    const shared = await Promise.all(
      Array.from({ length: 30 }, () => issueVia(balancer.url, limited.key, { endpointId: limited.endpointId })),
    );
    console.log(
      `redis back: ready again after ${recoveredMs.toFixed(0)} ms; 30 requests at 10 a minute: ${JSON.stringify(byStatus(shared))}`,
    );
    expect(byStatus(shared)).toEqual({ 201: 10, 429: 20 });
  }, 90_000);
});
