import { providerKits } from '../../src/providers/provider-kits';
import { MetricsService } from '../../src/metrics/metrics';
import { RefusalTallyService } from '../../src/token-log/refusal-tally';
import { validCredentials } from '../factories/credentials.factory';
import { createTenant } from '../factories/tenant.factory';
import { clientIssue, configureEndUserAuth, createSession } from '../helpers/end-users';
import { fakeDateOnly } from '../helpers/fake-clock';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { ReplicaSet, startReplicaSet } from '../helpers/replica-set';
import { callJson } from '../helpers/server-process';
import { bearer } from '../helpers/test-app';
import { describeWith } from '../helpers/requirements';

const DEFAULT_PER_USER = 10;

/** Sends `count` requests at once and tallies the answers by status. */
async function burst(count: number, send: (index: number) => Promise<{ status: number }>): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  for (const { status } of await Promise.all(Array.from({ length: count }, (_, index) => send(index))))
    statuses[status] = (statuses[status] ?? 0) + 1;
  return statuses;
}

/** The in-process counters' windows follow Date: frozen here, and moved a minute on to start a test on fresh windows. */
const nextWindow = () => jest.setSystemTime(Date.now() + 61_000);

describe('rate limits on the token routes', () => {
  let ctx: IssuingContext;

  beforeAll(async () => {
    fakeDateOnly();
    ctx = await createIssuingContext();
    await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio), { policy: { autoEnroll: true } });
    await configureEndUserAuth(ctx.t, ctx.tenant, { sessions: true });
  });
  beforeEach(nextWindow);
  afterAll(async () => {
    jest.useRealTimers();
    await ctx?.close();
  });

  it('lets a user burst to the limit, then answers the excess with 429, Retry-After and RateLimit headers, counted in the token log', async () => {
    const { id: sessionId, session } = await createSession(ctx.t, ctx.tenant, { userId: 'burst' });
    const responses = await Promise.all(Array.from({ length: 10 * DEFAULT_PER_USER }, () => clientIssue(ctx.t, ctx.tenant, session)));
    const granted = responses.filter((response) => response.status === 201);
    const limited = responses.filter((response) => response.status === 429);
    expect(granted).toHaveLength(DEFAULT_PER_USER);
    expect(limited).toHaveLength(9 * DEFAULT_PER_USER);
    expect(Number(granted[0].headers['ratelimit-limit'])).toBe(DEFAULT_PER_USER);
    expect(Number(granted[0].headers['ratelimit-remaining'])).toBeLessThan(DEFAULT_PER_USER);
    for (const response of limited) {
      expect(response.body.error).toMatchObject({ code: 'rate_limited', details: { limit: 'user', perMinute: DEFAULT_PER_USER } });
      const retryAfter = Number(response.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(response.headers).toMatchObject({
        'ratelimit-limit': String(DEFAULT_PER_USER),
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(retryAfter),
      });
    }
    // Counted, not one row each: a caller over its limit cannot grow the log.
    await ctx.t.app.get(RefusalTallyService).flush({ all: true });
    const counted = await ctx.t.prisma.tokenIssuance.findMany({ where: { tenantId: ctx.tenant.id, errorCode: 'rate_limited' } });
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatchObject({ actorKind: 'end_user', actorId: `session:${sessionId}`, requestCount: 9 * DEFAULT_PER_USER });

    // Another user of the same tenant is not held back.
    const other = await createSession(ctx.t, ctx.tenant, { userId: 'calm' });
    await clientIssue(ctx.t, ctx.tenant, other.session).expect(201);
  });

  it("applies the tenant's own limits per user, per key and per tenant", async () => {
    await ctx.t.http
      .patch(`/v1/admin/tenants/${ctx.tenant.id}`)
      .set(bearer(ctx.t.adminKey))
      .send({ settings: { rateLimits: { userPerMinute: 3, keyPerMinute: 5, tenantPerMinute: 1000 } } })
      .expect(200);
    const { session } = await createSession(ctx.t, ctx.tenant, { userId: 'small' });
    expect(await burst(4, () => clientIssue(ctx.t, ctx.tenant, session))).toEqual({ 201: 3, 429: 1 });

    // The session above was made with the same key in the same minute: every route counts, so 4 are left.
    const keyed = await burst(6, (index) => ctx.issue({ userId: `keyed_${index}` }));
    expect(keyed).toEqual({ 201: 4, 429: 2 });
    const refused = await ctx.issue({ userId: 'keyed_x' }).expect(429);
    expect(refused.body.error.details).toMatchObject({ limit: 'key', perMinute: 5 });

    await ctx.t.http
      .patch(`/v1/admin/tenants/${ctx.tenant.id}`)
      .set(bearer(ctx.t.adminKey))
      .send({ settings: { rateLimits: { tenantPerMinute: 2 } } })
      .expect(200);
    nextWindow();
    // One for the session, made with the tenant's key; one for the token.
    const { session: fresh } = await createSession(ctx.t, ctx.tenant, { userId: 'tenant_bound' });
    await clientIssue(ctx.t, ctx.tenant, fresh).expect(201);
    const tenantLimited = await clientIssue(ctx.t, ctx.tenant, fresh).expect(429);
    expect(tenantLimited.body.error.details).toMatchObject({ limit: 'tenant', perMinute: 2 });
  });

  it("counts a service key's requests on a tenant's internal routes against that tenant's budget", async () => {
    const tenant = await createTenant(ctx.t);
    // Made with the admin key, which spends its own budget only: the tenant's is untouched.
    await ctx.t.http
      .patch(`/v1/admin/tenants/${tenant.id}`)
      .set(bearer(ctx.t.adminKey))
      .send({ settings: { rateLimits: { tenantPerMinute: 3 } } })
      .expect(200);
    const service = (
      await ctx.t.http
        .post('/v1/admin/service-keys')
        .set(bearer(ctx.t.adminKey))
        .send({ name: 'budget', scopes: ['endpoints:read'] })
        .expect(201)
    ).body.key as string;
    const read = () => ctx.t.http.get(`/v1/internal/tenants/${tenant.id}/endpoints`).query({ userId: 'u1' }).set(bearer(service));
    const remaining: string[] = [];
    for (let call = 0; call < 3; call += 1) remaining.push((await read().expect(200)).headers['ratelimit-remaining']);
    expect(remaining).toEqual(['2', '1', '0']);
    // The tenant's own key finds the minute spent, and so does the service.
    const own = await ctx.t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(429);
    expect(own.body.error).toMatchObject({ code: 'rate_limited', details: { limit: 'tenant', perMinute: 3 } });
    expect((await read().expect(429)).body.error.details).toMatchObject({ limit: 'tenant', perMinute: 3 });
  });

  /** A new tenant whose key may make `perMinute` requests a minute. */
  const tenantWithKeyLimit = async (perMinute: number) => {
    const tenant = await createTenant(ctx.t);
    await ctx.t.http
      .patch(`/v1/admin/tenants/${tenant.id}`)
      .set(bearer(ctx.t.adminKey))
      .send({ settings: { rateLimits: { keyPerMinute: perMinute } } })
      .expect(200);
    return tenant;
  };

  it('tells a refused caller when its window ends: Retry-After and RateLimit-Reset count down with the minute', async () => {
    const tenant = await tenantWithKeyLimit(1);
    await ctx.t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
    jest.setSystemTime(Date.now() + 35_000);
    const refused = await ctx.t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(429);
    expect(refused.body.error.details).toMatchObject({ limit: 'key', retryAfterSeconds: 25 });
    expect(refused.headers).toMatchObject({ 'retry-after': '25', 'ratelimit-reset': '25', 'ratelimit-remaining': '0' });
  });

  it('counts malformed bodies against the key: past its limit they are 429s, counted, not rows of their own', async () => {
    const tenant = await tenantWithKeyLimit(5);
    const malformed = () =>
      ctx.t.http.post('/v1/tokens').set(bearer(tenant.key)).set('content-type', 'application/json').send('{"userId": ');
    const answers: number[] = [];
    for (let attempt = 0; attempt < 30; attempt += 1) answers.push((await malformed()).status);
    expect(answers).toEqual([...Array(5).fill(400), ...Array(25).fill(429)]);
    await ctx.t.app.get(RefusalTallyService).flush({ all: true });
    const rows = await ctx.t.prisma.tokenIssuance.findMany({ where: { tenantId: tenant.id } });
    const requests = (code: string) => rows.filter((row) => row.errorCode === code).map((row) => row.requestCount ?? 1);
    expect(requests('invalid_json')).toEqual([1, 1, 1, 1, 1]);
    expect(requests('rate_limited')).toEqual([25]);
  });

  it('limits every authenticated route, not only those that mint', async () => {
    const tenant = await tenantWithKeyLimit(3);
    const revoke = (user: string) => ctx.t.http.post(`/v1/users/${user}/revoke`).set(bearer(tenant.key));
    const answers = [];
    for (let user = 0; user < 5; user += 1) answers.push(await revoke(`u${user}`));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers[3].body.error.details).toMatchObject({ limit: 'key', perMinute: 3 });
    expect(answers[0].headers['ratelimit-remaining']).toBe('2');
    // Nothing was revoked, and nothing audited, past the limit.
    expect(await ctx.t.prisma.auditEvent.count({ where: { tenantId: tenant.id, action: 'end_user.revoked' } })).toBe(3);
  });

  describe("a provider's outage spends no budget", () => {
    let endpointId: string;
    const limitKey = (keyPerMinute: number) =>
      ctx.t.http
        .patch(`/v1/admin/tenants/${ctx.tenant.id}`)
        .set(bearer(ctx.t.adminKey))
        .send({ settings: { rateLimits: { keyPerMinute } } })
        .expect(200);

    beforeAll(async () => {
      const plivoAccount = await ctx.createAccount(providerKits.plivo.emulatedAccount(ctx.emulators.plivo));
      ({ id: endpointId } = await ctx.createEndpoint(plivoAccount, { userId: 'outage', identity: 'outage', provision: true }));
    });
    afterEach(async () => {
      ctx.emulators.plivo.clearFaults();
      ctx.clock.advance(60_000); // the circuit an outage opened lets a call through again
      await limitKey(1000);
    });

    it("gives back what a request refused by the provider's outage was counted for; the provider's own refusals stay counted", async () => {
      await limitKey(4);
      nextWindow();
      ctx.emulators.plivo.failNext(100, { kind: 'status', status: 503 });
      const duringOutage: string[] = [];
      for (let attempt = 0; attempt < 6; attempt += 1) duringOutage.push((await ctx.issue({ endpointId })).body.error?.code);
      expect(duringOutage).toEqual(Array(6).fill('provider_unavailable'));

      ctx.emulators.plivo.clearFaults();
      ctx.clock.advance(60_000);
      // The provider's own rate limit is its refusal, not an outage; and so is an endpoint that does not exist.
      ctx.emulators.plivo.failNext(3, { kind: 'rate_limit', retryAfterSeconds: 1 });
      const throttled = await ctx.issue({ endpointId }).expect(503);
      expect(throttled.body.error.details).toMatchObject({ reason: 'rate_limited' });
      const after = [(await ctx.issue({ endpointId: '01937a2e-5f10-7b8c-8e4d-2a6b9c0d1e2f' })).status];
      for (let attempt = 0; attempt < 3; attempt += 1) after.push((await ctx.issue({ endpointId })).status);
      expect(after).toEqual([404, 201, 201, 429]);
    });

    it('gives nothing back to a window that ended while the request waited on the provider', async () => {
      await limitKey(2);
      nextWindow();
      ctx.emulators.plivo.failNext(1, { kind: 'hang' });
      const arrivals = ctx.emulators.plivo.receivedCount;
      const pending = ctx.issue({ endpointId }).then((response) => response);
      await ctx.emulators.plivo.received(arrivals + 1);
      nextWindow(); // the minute it was counted in ends before its answer
      ctx.clock.advance(3_000); // the provider call's timeout
      expect((await pending).status).toBe(504);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) statuses.push((await ctx.issue({ endpointId })).status);
      expect(statuses).toEqual([201, 201, 429]);
    });
  });

  it('refuses limits out of range', async () => {
    await ctx.t.http
      .patch(`/v1/admin/tenants/${ctx.tenant.id}`)
      .set(bearer(ctx.t.adminKey))
      .send({ settings: { rateLimits: { userPerMinute: 0 } } })
      .expect(400);
  });
});

describe('rate limits while Redis is unreachable', () => {
  let ctx: IssuingContext;
  beforeAll(async () => {
    // Nothing listens on port 1: every Redis command fails at once.
    ctx = await createIssuingContext({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio), { policy: { autoEnroll: true } });
    await configureEndUserAuth(ctx.t, ctx.tenant, { sessions: true });
  });
  afterAll(() => ctx?.close());

  it('still limits, in this process, and counts each fallback in the metrics', async () => {
    const { session } = await createSession(ctx.t, ctx.tenant, { userId: 'offline' });
    const fallbacks = async () =>
      (await ctx.t.app.get(MetricsService).redisFallbacks.get()).values.find((value) => value.labels.feature === 'rate_limits')?.value ?? 0;
    const before = await fallbacks();
    expect(await burst(3 * DEFAULT_PER_USER, () => clientIssue(ctx.t, ctx.tenant, session))).toEqual({
      201: DEFAULT_PER_USER,
      429: 2 * DEFAULT_PER_USER,
    });
    expect((await fallbacks()) - before).toBe(3 * DEFAULT_PER_USER);
  });
});

/** Set whenever the suite runs (describeWith skips it otherwise). */
const redisUrl = process.env.TEST_REDIS_URL!;

/** Two server processes share one Redis (and one PostgreSQL): a user's budget is the same whichever one answers. */
describeWith(['postgresql', 'redis'], 'rate limits shared through Redis by two processes', () => {
  let replicas: ReplicaSet;

  beforeAll(async () => {
    replicas = await startReplicaSet(2, { env: { REDIS_URL: redisUrl, LOG_LEVEL: 'info' } });
  }, 60_000);
  afterAll(() => replicas?.stop());

  it('refuses at least 99% of a burst of 10x the per-user limit, spread over both', async () => {
    const [first, second] = replicas.urls;
    const { adminKey } = replicas;
    const slug = `shared-${Date.now()}`;
    const tenant = await callJson(first, 'POST', '/v1/admin/tenants', adminKey, { slug, name: 'Shared' });
    const tenantKey = (await callJson(first, 'POST', `/v1/admin/tenants/${tenant.body.id}/api-keys`, adminKey, { name: 'k' })).body.key;
    const account = await callJson(second, 'POST', '/v1/provider-accounts', tenantKey, {
      provider: 'twilio',
      name: 'main',
      ...validCredentials.twilio(),
    });
    await callJson(second, 'POST', '/v1/endpoints', tenantKey, {
      providerAccountId: account.body.id,
      userId: 'shared',
      capabilities: ['outgoing'],
    });
    expect((await callJson(first, 'PUT', '/v1/end-user-auth', tenantKey, { issuers: [], sessions: true })).status).toBe(200);
    const { session } = (await callJson(first, 'POST', '/v1/sessions', tenantKey, { userId: 'shared' })).body;

    const statuses = await burst(10 * DEFAULT_PER_USER, (index) =>
      callJson(index % 2 ? first : second, 'POST', `/v1/client/${slug}/tokens`, session, {}),
    );
    const excess = 9 * DEFAULT_PER_USER;
    expect(statuses[201]).toBe(DEFAULT_PER_USER);
    expect(statuses[429]).toBeGreaterThanOrEqual(Math.ceil(0.99 * excess));
  });
});
