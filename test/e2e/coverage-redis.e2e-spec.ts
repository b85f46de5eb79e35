import Redis from 'ioredis';
import { providerKits } from '../../src/providers/provider-kits';
import { claimsAt, clientIssue, configureEndUserAuth, setTenantSettings } from '../helpers/end-users';
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
    ctx = await createIssuingContext({ env: { REDIS_URL: process.env.TEST_REDIS_URL! } });
    idp = await startTestIdp();
    redis = new Redis(process.env.TEST_REDIS_URL!);
    await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio), { policy: { autoEnroll: true } });
    await setTenantSettings(ctx.t, ctx.tenant);
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
    ctx = await createIssuingContext({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    idp = await startTestIdp();
    await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio), { policy: { autoEnroll: true } });
    await setTenantSettings(ctx.t, ctx.tenant);
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
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
