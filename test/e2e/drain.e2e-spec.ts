import { performance } from 'node:perf_hooks';
import { chainOf } from '../../src/audit-chain/chain-encoding';
import { SqlSession } from '../../src/database/database-connection';
import { providerKits } from '../../src/providers/provider-kits';
import { Emulators, startEmulators } from '../../src/sandbox/emulators';
import { issuedRows, seedTwilioEndpoint, startReplicaSet } from '../helpers/replica-set';
import { callJson } from '../helpers/server-process';
import { describeWith } from '../helpers/requirements';
import { TestDatabase } from '../helpers/test-database';

type Outcome = { status: number } | { refused: string };

/** How soon after SIGTERM readiness must fail, and the drain end (well inside the 25 s grace period). */
const READINESS_BOUND_MS = 1000;
const DRAIN_BOUND_MS = 5000;

/** A request's fate: an HTTP answer, or never taken (refused or closed before any answer). */
async function attempt(call: () => ReturnType<typeof callJson>): Promise<Outcome> {
  try {
    return { status: (await call()).status };
  } catch (error) {
    return { refused: String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message) };
  }
}

/** Asks `probe` until it says yes, at most for `boundMs`. */
async function until(boundMs: number, what: string, probe: () => Promise<boolean>): Promise<void> {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > boundMs) throw new Error(`${what}: not within ${boundMs} ms`);
  }
}

/** A session of the test's own holding a lock; `waiters` counts the statements of others waiting on it. */
async function holdLock(database: TestDatabase, statement: string, params: unknown[] = []) {
  const connection = database.connectAsOwner();
  const session: SqlSession = await connection.openSession();
  await session.exec('BEGIN');
  await session.query(statement, params);
  const [{ pid }] = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  let released = false;
  return {
    waiters: async () =>
      (
        await database.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
          [pid],
        )
      )[0].count,
    release: async () => {
      if (released) return;
      released = true;
      await session.exec('COMMIT').catch(() => undefined);
      await session.release();
      await connection.close();
    },
  };
}

/**
 * SIGTERM drains a server process: readiness fails and the listener closes at once, requests in flight finish with
 * their audit rows committed, and the process exits 0 well inside the grace period. A second signal, or the end of
 * the grace period, ends it at once.
 */
describeWith(['postgresql'], 'graceful shutdown', () => {
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startEmulators();
  });
  afterAll(() => emulators?.close());

  /** One replica with a Plivo endpoint, whose tokens need a call to the emulator (so they can be held in flight). */
  async function replicaWithPlivo(env: Record<string, string> = {}) {
    const replicas = await startReplicaSet(1, { env: { ALLOW_PRIVATE_NETWORK_URLS: 'true', ...env } });
    const [url] = replicas.urls;
    const t = await seedTwilioEndpoint(url, replicas.adminKey, 'drain');
    const plivo = await callJson(url, 'POST', '/v1/provider-accounts', t.key, {
      name: 'plivo',
      ...providerKits.plivo.emulatedAccount(emulators.plivo),
    });
    const endpoint = await callJson(url, 'POST', '/v1/endpoints', t.key, {
      providerAccountId: plivo.body.id,
      userId: 'held',
      provision: true,
      capabilities: ['incoming', 'outgoing'],
    });
    if (plivo.status !== 201 || endpoint.status !== 201) throw new Error(`setup failed: ${JSON.stringify([plivo.body, endpoint.body])}`);
    return { replicas, url, t, plivoEndpointId: endpoint.body.id };
  }

  it('under load: requests in flight finish with their rows, nothing taken gets a 5xx, and the process exits 0', async () => {
    const { replicas, url, t, plivoEndpointId } = await replicaWithPlivo();
    const [server] = replicas.servers;
    try {
      const before = await issuedRows(replicas, t.tenantId);
      const held = emulators.plivo.hold(5);
      const inFlight = Array.from({ length: 5 }, () =>
        attempt(() => callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: plivoEndpointId })),
      );
      // Load on the side: Twilio tokens from 10 workers, until the listener refuses them (at most 500 each).
      let stopLoad = false;
      let answeredSoFar = 0;
      let loadRunning!: () => void;
      const warmedUp = new Promise<void>((resolve) => (loadRunning = resolve));
      const load = Array.from({ length: 10 }, async () => {
        const outcomes: Outcome[] = [];
        while (!stopLoad && outcomes.length < 500) {
          const outcome = await attempt(() => callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId }));
          outcomes.push(outcome);
          if ((answeredSoFar += 1) === 200) loadRunning();
          if ('refused' in outcome) break;
        }
        return outcomes;
      });
      await Promise.all([held.arrived(), warmedUp]);

      const signalled = performance.now();
      server.signal('SIGTERM');
      // The signal arrives when it arrives: readiness is asked until it fails, which must be at once.
      let ready: Outcome = { status: 200 };
      while ('status' in ready && ready.status === 200 && performance.now() - signalled < READINESS_BOUND_MS) {
        ready = await attempt(() => callJson(url, 'GET', '/health/ready', ''));
      }
      const notReadyMs = performance.now() - signalled;
      expect(ready).not.toEqual({ status: 200 });
      expect(notReadyMs).toBeLessThan(READINESS_BOUND_MS);
      held.release();
      const held5 = await Promise.all(inFlight);
      const ended = await server.exited;
      const drainedMs = performance.now() - signalled;
      stopLoad = true;
      const loadOutcomes = (await Promise.all(load)).flat();

      const answered = loadOutcomes.filter((outcome): outcome is { status: number } => 'status' in outcome);
      const refused = loadOutcomes.length - answered.length;
      console.log(
        `drain: not ready ${notReadyMs.toFixed(0)} ms after SIGTERM; ${held5.length} held requests; ${loadOutcomes.length} under load (${answered.length} answered, ${refused} never taken); exit ${ended.code} after ${drainedMs.toFixed(0)} ms`,
      );
      expect(held5).toEqual(Array(5).fill({ status: 201 }));
      expect(answered.every((outcome) => outcome.status === 201)).toBe(true);
      expect(ended).toEqual({ code: 0, signal: null });
      expect(drainedMs).toBeLessThan(DRAIN_BOUND_MS);
      // Every 201 has its committed row.
      expect(await issuedRows(replicas, t.tenantId)).toBe(before + 5 + answered.length);
      expect(server.output.join('\n')).toContain('Drained; exiting');
    } finally {
      await replicas.stop();
    }
  }, 90_000);

  it('requests held inside database statements finish with their answers and committed rows, and only then does the process end', async () => {
    // Statements may wait as long as the test holds them (the default 5 s would cancel them on a slow machine).
    const replicas = await startReplicaSet(1, { env: { DATABASE_STATEMENT_TIMEOUT_MS: '60000' } });
    const [url] = replicas.urls;
    const [server] = replicas.servers;
    const holds: Awaited<ReturnType<typeof holdLock>>[] = [];
    try {
      const t = await seedTwilioEndpoint(url, replicas.adminKey, 'held-in-db');
      // The first token makes the tenant's chain head (and caches the key, and this endpoint's target).
      expect((await callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId })).status).toBe(201);
      // A second endpoint, never looked up yet: its token must read the endpoints table.
      const [{ account }] = await replicas.database.query<{ account: string }>(
        'SELECT provider_account_id AS account FROM endpoints WHERE id = $1',
        [t.endpointId],
      );
      const fresh = await callJson(url, 'POST', '/v1/endpoints', t.key, {
        providerAccountId: account,
        userId: 'u2',
        capabilities: ['incoming', 'outgoing'],
      });
      expect(fresh.status).toBe(201);
      const before = await issuedRows(replicas, t.tenantId);

      // One request held in its audit write: the tenant's chain head is locked, so the token log's statement waits.
      const head = await holdLock(
        replicas.database,
        `SELECT 1 FROM chain_heads WHERE log = 'token_issuances' AND chain_id = $1 FOR UPDATE`,
        [chainOf(t.tenantId)],
      );
      holds.push(head);
      const inAuditWrite = callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId });
      await until(10_000, 'a token waiting on the chain head', async () => (await head.waiters()) === 1);
      // Another held in a read: the endpoints table is locked, so the lookup of the fresh endpoint waits.
      const endpoints = await holdLock(replicas.database, 'LOCK TABLE endpoints IN ACCESS EXCLUSIVE MODE');
      holds.push(endpoints);
      const inLookup = callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: fresh.body.id });
      await until(10_000, 'a token waiting on the endpoints table', async () => (await endpoints.waiters()) === 1);

      const events: string[] = [];
      const noted = <T>(name: string, promise: Promise<T>) => promise.finally(() => events.push(name));
      const answers = Promise.all([noted('lookup answered', inLookup), noted('audit write answered', inAuditWrite)]);
      const exited = noted('exited', server.exited);
      server.signal('SIGTERM');
      await server.printed(/Draining/);
      // Draining: not ready, and the listener takes no new connection; the two requests are still in the database.
      await until(10_000, 'readiness failing', async () => {
        const ready = await attempt(() => callJson(url, 'GET', '/health/ready', ''));
        return !('status' in ready && ready.status === 200);
      });
      expect([await head.waiters(), await endpoints.waiters(), events]).toEqual([1, 1, []]);

      // The read goes on, then its row waits behind the held audit write (the token log has one writer at a time).
      await endpoints.release();
      await head.release();
      const [lookup, auditWrite] = await answers;
      expect(await exited).toEqual({ code: 0, signal: null });
      expect([lookup.status, auditWrite.status]).toEqual([201, 201]);
      expect(events.at(-1)).toBe('exited');
      // Both rows committed before the process ended (a transaction still open then is rolled back with its connection),
      // so the pool was closed only after the statements it held had finished, and the lookup's row had its own.
      const requestIds = [lookup, auditWrite].map((answer) => answer.headers.get('x-request-id'));
      const rows = await replicas.database.query<{ request_id: string }>(
        `SELECT request_id FROM token_issuances WHERE tenant_id = $1 AND outcome = 'issued' AND request_id = ANY($2)`,
        [t.tenantId, requestIds],
      );
      expect(rows.map((row) => row.request_id).sort()).toEqual([...requestIds].sort());
      expect(await issuedRows(replicas, t.tenantId)).toBe(before + 2);
      expect(server.output.join('\n')).toContain('Drained; exiting');
    } finally {
      for (const hold of holds) await hold.release();
      await replicas.stop();
    }
  }, 90_000);

  it('a second signal exits at once, and so does the end of the grace period', async () => {
    // A grace period far longer than the test: only the second signal can end the process in time.
    const { replicas, url, t, plivoEndpointId } = await replicaWithPlivo({ SHUTDOWN_GRACE_SECONDS: '600' });
    const [server] = replicas.servers;
    const held = emulators.plivo.hold(1);
    try {
      const stuck = attempt(() => callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: plivoEndpointId }));
      await held.arrived();
      server.signal('SIGTERM');
      await server.printed(/Draining/);
      server.signal('SIGTERM');
      expect(await server.exited).toEqual({ code: 1, signal: null });
      expect(await server.printed(/Second signal/)).toBeTruthy();
      expect(await stuck).toEqual({ refused: expect.any(String) });
    } finally {
      held.release();
      await replicas.stop();
    }

    const second = await replicaWithPlivo({ SHUTDOWN_GRACE_SECONDS: '1' });
    const late = emulators.plivo.hold(1);
    try {
      const stuck = attempt(() => callJson(second.url, 'POST', '/v1/tokens', second.t.key, { endpointId: second.plivoEndpointId }));
      await late.arrived();
      second.replicas.servers[0].signal('SIGTERM');
      expect(await second.replicas.servers[0].exited).toEqual({ code: 1, signal: null });
      expect(second.replicas.servers[0].output.join('\n')).toContain('grace period ended');
      expect(await stuck).toEqual({ refused: expect.any(String) });
    } finally {
      late.release();
      await second.replicas.stop();
    }
  }, 90_000);
});
