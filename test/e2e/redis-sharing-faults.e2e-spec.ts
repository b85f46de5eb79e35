import Redis from 'ioredis';
import { MetricsService } from '../../src/metrics/metrics';
import { providerKits } from '../../src/providers/provider-kits';
import { claimsAt, clientIssue, configureEndUserAuth, createEnrollingContext, createIdpContext } from '../helpers/end-users';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { describeWith } from '../helpers/requirements';
import { startTestIdp, TestIdp } from '../helpers/test-idp';

/** The Redis key a replica shares an issuer's key set under (SharedFlightsService, for JwksCacheService). */
async function sharedKeySetKey(ctx: IssuingContext, issuer: string): Promise<string> {
  const row = await ctx.t.prisma.endUserIssuer.findFirstOrThrow({ where: { tenantId: ctx.tenant.id, issuer } });
  return `callpass:shared:jwks:${row.id}:${row.updatedAt.getTime()}`;
}

/** One app on the test Redis; "another replica" is played by writing to Redis straight. */
describeWith(['redis'], 'a key set shared through Redis, when another replica misbehaves', () => {
  let ctx: IssuingContext;
  let idp: TestIdp;
  let redis: Redis;
  let issuers = 0;

  beforeAll(async () => {
    ctx = await createEnrollingContext({ env: { REDIS_URL: process.env.TEST_REDIS_URL! } });
    idp = await startTestIdp();
    redis = new Redis(process.env.TEST_REDIS_URL!);
  });
  afterAll(async () => {
    await ctx?.close();
    await idp?.close();
    await redis?.quit();
  });

  /** A new issuer (so a new shared key set) of the test IdP, configured without the PUT's own fetch. */
  const newIssuer = async () => {
    issuers += 1;
    const issuer = `${idp.issuer}?flight=${issuers}`;
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer, audience: 'callpass', jwksUrl: idp.jwksUrl, checkJwks: false }] });
    return { issuer, key: await sharedKeySetKey(ctx, issuer) };
  };

  it('waits out, 15 s on its clock in steps of 25 ms, a lock held by a replica that never stores the set, then fetches it itself', async () => {
    const { issuer, key } = await newIssuer();
    await redis.set(`${key}:lock`, 'held-by-a-replica-that-died', 'PX', 120_000);
    const sleepsBefore = ctx.clock.sleeps.length;
    const startedAt = ctx.clock.now().getTime();
    const fetchesBefore = idp.fetches();

    const answer = await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, issuer, 'wendy')));
    expect([answer.status, answer.body.identity]).toEqual([201, 'wendy']);
    const slept = ctx.clock.sleeps.slice(sleepsBefore);
    expect([slept.length, new Set(slept)]).toEqual([600, new Set([25])]);
    expect(ctx.clock.now().getTime() - startedAt).toBe(15_000);
    expect(idp.fetches() - fetchesBefore).toBe(1);
    // The lock was another's: it is left alone, and nothing is stored under it.
    expect(await redis.get(`${key}:lock`)).toBe('held-by-a-replica-that-died');
    expect(await redis.exists(key)).toBe(0);
  });

  it('answers a key set fetch that fails under the shared lock with the failure itself, without fetching again in this process', async () => {
    const { issuer, key } = await newIssuer();
    const fetchesBefore = idp.fetches();
    idp.failWith(500);
    try {
      const refused = await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, issuer, 'fay'))).expect(503);
      expect(refused.body.error.code).toBe('end_user_keys_unavailable');
    } finally {
      idp.failWith(undefined);
    }
    expect(idp.fetches() - fetchesBefore).toBe(1);
    expect([await redis.exists(key), await redis.exists(`${key}:lock`)]).toEqual([0, 0]);
  });

  it('fetches anew over a stored value it cannot open, and stores its own in its place, without falling back as if Redis had failed', async () => {
    const { issuer, key } = await newIssuer();
    await redis.set(key, 'not-sealed-by-any-replica', 'PX', 120_000);
    const fetchesBefore = idp.fetches();
    const logsBefore = ctx.t.logs.length;

    await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, issuer, 'otto'))).expect(201);
    expect(idp.fetches() - fetchesBefore).toBe(1);
    const stored = await redis.get(key);
    expect(stored).not.toBeNull();
    expect(stored).not.toBe('not-sealed-by-any-replica');
    expect(stored).not.toContain(idp.keys[0].publicJwk.n!.slice(0, 40));
    expect(ctx.t.logs.slice(logsBefore).filter((line) => line.includes('Redis failed'))).toEqual([]);
  });
});

describe('a key set while Redis is unreachable', () => {
  let ctx: IssuingContext;
  let idp: TestIdp;

  beforeAll(async () => {
    // Nothing listens on port 1: every Redis command fails at once.
    ({ ctx, idp } = await createIdpContext({ env: { REDIS_URL: 'redis://127.0.0.1:1' } }));
  });
  afterAll(async () => {
    await ctx?.close();
    await idp?.close();
  });

  it('is fetched within this process, and verifies the tokens of its issuer', async () => {
    const fetchesBefore = idp.fetches();
    const answer = await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, idp.issuer, 'ursula')));
    expect([answer.status, answer.body.identity]).toEqual([201, 'ursula']);
    expect(idp.fetches() - fetchesBefore).toBe(1);
  });
});

/** Circuit news from "another replica", published on the test Redis straight, as a replica would or as junk. */
describeWith(['redis'], 'circuit news heard from other replicas', () => {
  let ctx: IssuingContext;
  let publisher: Redis;
  const endpoints: Record<string, { accountId: string; endpointId: string; origin: string }> = {};

  beforeAll(async () => {
    ctx = await createIssuingContext({ env: { REDIS_URL: process.env.TEST_REDIS_URL! } });
    publisher = new Redis(process.env.TEST_REDIS_URL!);
    for (const name of ['shut', 'untouched']) {
      const account = providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire);
      const accountId = await ctx.createAccount(account);
      const endpoint = await ctx.createEndpoint(accountId, {
        identity: `${name}@example.com`,
        providerOptions: { allowedAddresses: account.addresses.slice(0, 1) },
      });
      endpoints[name] = { accountId, endpointId: endpoint.id, origin: new URL(account.baseUrl).origin };
    }
  });
  afterAll(async () => {
    await ctx?.close();
    await publisher?.quit();
  });

  const openedElsewhere = async (provider: string) =>
    (await ctx.t.app.get(MetricsService).circuitsOpened.get()).values.find(
      (value) => value.labels.provider === provider && value.labels.where === 'elsewhere',
    )?.value ?? 0;
  const news = (change: Record<string, unknown>) =>
    publisher.publish('callpass:circuits', JSON.stringify({ origin: 'another-replica', ...change }));

  it('opens no circuit for news whose opening time is not a number, and drops junk without a word', async () => {
    // Sent until it is heard: this replica is then subscribed (news sent before that is lost, as between replicas).
    const probe = { key: `01900000-0000-7000-8000-00000000beef ${endpoints.shut.origin}`, provider: 'twilio', openForMs: 10_000 };
    for (let attempt = 0; (await openedElsewhere('twilio')) === 0 && attempt < 2_000; attempt += 1) await news(probe);
    expect(await openedElsewhere('twilio')).toBeGreaterThan(0);
    const logsBefore = ctx.t.logs.length;

    const { shut, untouched } = endpoints;
    await publisher.publish('callpass:circuits', 'not json at all');
    await news({ key: `${untouched.accountId} ${untouched.origin}`, provider: 7, openForMs: 10_000 });
    await news({ key: `${untouched.accountId} ${untouched.origin}`, provider: 'signalwire', openForMs: '10000' });
    await news({ key: `${shut.accountId} ${shut.origin}`, provider: 'signalwire', openForMs: 10_000 });
    // News on one channel arrives in order: once the last has shut its circuit, the ones before it were read.
    let refused = await ctx.issue({ endpointId: shut.endpointId });
    for (let attempt = 0; refused.status === 201 && attempt < 500; attempt += 1) refused = await ctx.issue({ endpointId: shut.endpointId });
    expect([refused.status, refused.body.error?.details?.reason]).toEqual([503, 'circuit_open']);
    await ctx.issue({ endpointId: untouched.endpointId }).expect(201);
    expect(ctx.t.logs.slice(logsBefore).filter((line) => line.includes('Ignored a message'))).toEqual([]);
  });
});
