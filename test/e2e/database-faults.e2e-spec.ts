import { performance } from 'node:perf_hooks';
import { issuedRows, ReplicaSet, seedTwilioEndpoint, startReplicaSet } from '../helpers/replica-set';
import { callJson } from '../helpers/server-process';
import { startTcpProxy, TcpProxy } from '../helpers/tcp-proxy';
import { describeWith } from '../helpers/requirements';

/** An outage must answer fast; a hang is a failure. */
const ANSWER_BOUND_MS = 2000;
/** How soon after the database returns the service must work again, without a restart. */
const RECOVERY_BOUND_MS = 5000;
/** The server's statement timeout here; the slow database answers later than that. */
const STATEMENT_TIMEOUT_MS = 1000;
const SLOW_DATABASE_LATENCY_MS = 3000;
/** Sooner than one round trip to the slow database: the timeouts answered, not the database. */
const SLOW_ANSWER_BOUND_MS = 2 * SLOW_DATABASE_LATENCY_MS;

/**
 * A server process reaches PostgreSQL through a loopback proxy the test controls, which breaks the connection the
 * way a network or a failing database does. No token may leave without its audit row committed, and the service
 * comes back by itself.
 */
describeWith(['postgresql'], 'database faults', () => {
  let proxy: TcpProxy;
  let replicas: ReplicaSet;
  let url: string;

  beforeAll(async () => {
    const server = new URL(process.env.TEST_DATABASE_URL!);
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    replicas = await startReplicaSet(1, {
      reach: (databaseUrl) => proxy.via(databaseUrl),
      env: { DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS), DATABASE_CONNECT_TIMEOUT_MS: '1000' },
    });
    [url] = replicas.urls;
  }, 60_000);
  afterAll(async () => {
    await replicas?.stop();
    await proxy?.close();
  });

  it('a connection dropped while the token log batch goes out fails every request in it: 503, no token, the chain whole', async () => {
    const t = await seedTwilioEndpoint(url, replicas.adminKey, 'fault-batch');
    expect((await callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId })).status).toBe(201);
    const before = await issuedRows(replicas, t.tenantId);

    // Every connection that sends the token log's INSERT (by its prepared statement's name or its text) dies there.
    proxy.trap('token_issuances', 'callpass_token_log');
    let answers;
    try {
      answers = await Promise.all(
        Array.from({ length: 20 }, () => callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId })),
      );
    } finally {
      proxy.restore();
    }
    console.log(
      `batch cut ${proxy.trapped} time(s): ${answers.length} requests, ${answers.filter((a) => a.status === 503).length} answered 503`,
    );
    expect(proxy.trapped).toBeGreaterThan(0);
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.body.error?.code).toBe('audit_unavailable');
      expect(JSON.stringify(answer.body)).not.toMatch(/eyJ/);
    }
    expect(await issuedRows(replicas, t.tenantId)).toBe(before);

    expect((await callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId })).status).toBe(201);
    const verification = await callJson(url, 'GET', `/v1/admin/audit/verify?tenantId=${t.tenantId}`, replicas.adminKey);
    expect(verification.body).toMatchObject({ intact: true });
  });

  it('PostgreSQL unreachable: every request answers 503 within 2 s, and the service recovers by itself within 5 s', async () => {
    const t = await seedTwilioEndpoint(url, replicas.adminKey, 'fault-outage');
    expect((await callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId })).status).toBe(201);
    const before = await issuedRows(replicas, t.tenantId);

    proxy.cut();
    let during;
    try {
      during = await Promise.all([
        ...Array.from({ length: 10 }, () => timed(() => callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId }))),
        timed(() => callJson(url, 'GET', '/v1/endpoints', t.key)),
        timed(() => callJson(url, 'POST', '/v1/sessions', t.key, { userId: 'u1' })),
      ]);
    } finally {
      proxy.restore();
    }
    const slowest = Math.max(...during.map((call) => call.ms));
    console.log(`outage: ${during.length} requests, all answered in at most ${slowest.toFixed(0)} ms`);
    for (const { answer } of during) {
      expect(answer.status).toBe(503);
      expect(['audit_unavailable', 'database_unavailable']).toContain(answer.body.error?.code);
      expect(JSON.stringify(answer.body)).not.toMatch(/eyJ|cp_sess_/);
    }
    expect(slowest).toBeLessThan(ANSWER_BOUND_MS);
    expect(await issuedRows(replicas, t.tenantId)).toBe(before);

    await expectRecovery(t);
  });

  it('PostgreSQL cut in the middle of load: every request answered, no 201 without its row, and back by itself', async () => {
    const t = await seedTwilioEndpoint(url, replicas.adminKey, 'fault-midload');
    const before = await issuedRows(replicas, t.tenantId);
    const counts = { tried: 0, issued: 0, unavailable: 0, other: 0 };
    let phase: 'before' | 'cut' | 'after' = 'before';
    let cutAt = 0;
    let restoredAt = 0;
    let firstIssuedAfter = 0;
    const worker = async () => {
      while (counts.issued < 300 && counts.tried < 2000) {
        counts.tried += 1;
        const answer = await callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId });
        if (answer.status === 201) counts.issued += 1;
        else if (answer.status === 503) counts.unavailable += 1;
        else counts.other += 1;
        if (phase === 'before' && counts.issued >= 100) {
          phase = 'cut';
          cutAt = counts.tried;
          proxy.cut();
        } else if (phase === 'cut' && counts.tried - cutAt >= 50) {
          phase = 'after';
          restoredAt = performance.now();
          proxy.restore();
        } else if (phase === 'after' && answer.status === 201 && !firstIssuedAfter) {
          firstIssuedAfter = performance.now();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, worker));
    } finally {
      proxy.restore();
    }
    const recoveredMs = firstIssuedAfter - restoredAt;
    console.log(`database cut mid-load: ${JSON.stringify(counts)}; back ${recoveredMs.toFixed(0)} ms after the database returned`);
    expect(counts.other).toBe(0);
    expect(counts.unavailable).toBeGreaterThan(0);
    expect(counts.issued + counts.unavailable).toBe(counts.tried);
    expect(await issuedRows(replicas, t.tenantId)).toBe(before + counts.issued);
    expect(recoveredMs).toBeLessThan(RECOVERY_BOUND_MS);
    const verification = await callJson(url, 'GET', `/v1/admin/audit/verify?tenantId=${t.tenantId}`, replicas.adminKey);
    expect(verification.body).toMatchObject({ intact: true });
  });

  it('PostgreSQL slow: requests time out with 503 instead of piling up, and the pool recovers once it is fast again', async () => {
    const t = await seedTwilioEndpoint(url, replicas.adminKey, 'fault-slow');
    expect((await callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId })).status).toBe(201);

    proxy.setLatency(SLOW_DATABASE_LATENCY_MS);
    let during;
    try {
      during = await Promise.all([
        ...Array.from({ length: 20 }, () => timed(() => callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId }))),
        timed(() => callJson(url, 'GET', '/v1/endpoints', t.key)),
      ]);
    } finally {
      proxy.restore();
    }
    const slowest = Math.max(...during.map((call) => call.ms));
    console.log(
      `slow database (+${SLOW_DATABASE_LATENCY_MS} ms): ${during.length} requests, all answered in at most ${slowest.toFixed(0)} ms`,
    );
    for (const { answer } of during) {
      expect(answer.status).toBe(503);
      expect(['audit_unavailable', 'database_unavailable']).toContain(answer.body.error?.code);
    }
    expect(slowest).toBeLessThan(SLOW_ANSWER_BOUND_MS);
    await expectRecovery(t);
  });

  async function timed(call: () => ReturnType<typeof callJson>) {
    const started = performance.now();
    const answer = await call();
    return { answer, ms: performance.now() - started };
  }

  /** Requests one after another until one succeeds (each counted), within the bound. */
  async function expectRecovery(t: Awaited<ReturnType<typeof seedTwilioEndpoint>>) {
    const returned = performance.now();
    let attempts = 0;
    let status = 0;
    while (status !== 201 && performance.now() - returned < RECOVERY_BOUND_MS) {
      attempts += 1;
      status = (await callJson(url, 'POST', '/v1/tokens', t.key, { endpointId: t.endpointId })).status;
    }
    const recoveredMs = performance.now() - returned;
    console.log(`recovered ${recoveredMs.toFixed(0)} ms after the database returned, on attempt ${attempts}`);
    expect(status).toBe(201);
    expect(recoveredMs).toBeLessThan(RECOVERY_BOUND_MS);
    expect((await callJson(url, 'GET', '/v1/endpoints', t.key)).status).toBe(200);
  }
});
