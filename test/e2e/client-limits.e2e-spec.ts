import { randomBytes } from 'node:crypto';
import { providerKits } from '../../src/providers/provider-kits';
import { clientAddressKey } from '../../src/rate-limits/client-address';
import { RefusalTallyService } from '../../src/token-log/refusal-tally';
import { configureEndUserAuth, createSession, setTenantSettings } from '../helpers/end-users';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { describeWith } from '../helpers/requirements';
import { ReplicaSet, seedTwilioEndpoint, startReplicaSet } from '../helpers/replica-set';
import { bearer } from '../helpers/test-app';

const FAILURES_PER_MINUTE = 5;
const REQUESTS_PER_MINUTE = 20;
const LIMITS = {
  TRUST_PROXY: 'true',
  CLIENT_AUTH_FAILURES_PER_MINUTE: String(FAILURES_PER_MINUTE),
  CLIENT_REQUESTS_PER_MINUTE: String(REQUESTS_PER_MINUTE),
};
/** A client address of the test's own (documentation ranges, only ever named in a header: nothing is sent there). */
const newClient = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::1`;
const junkToken = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"iss":"https://nobody.example/"}').toString('base64url')}.c2ln`;

/**
 * A client that floods with junk credentials is refused from memory, before anything else runs: per client address
 * (X-Forwarded-For, behind TRUST_PROXY), after CLIENT_AUTH_FAILURES_PER_MINUTE answers of 401, on every route, until
 * its minute ends; the routes anyone can call are also capped per client (CLIENT_REQUESTS_PER_MINUTE). Other clients
 * are not affected, and the flood leaves a row per client and minute in the token log, and one log line.
 */
describe('per-client limits before any work', () => {
  let ctx: IssuingContext;
  let session: string;

  beforeAll(async () => {
    ctx = await createIssuingContext({ env: LIMITS });
    const twilio = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    await ctx.createEndpoint(twilio, { userId: 'nina' });
    await setTenantSettings(ctx.t, ctx.tenant);
    await configureEndUserAuth(ctx.t, ctx.tenant, { sessions: true });
    session = (await createSession(ctx.t, ctx.tenant, { userId: 'nina' })).session;
  });
  afterAll(() => ctx?.close());

  const browserRoute = (client: string, credential: string, slug = ctx.tenant.slug) =>
    ctx.t.http.post(`/v1/client/${slug}/tokens`).set('x-forwarded-for', client).set(bearer(credential));

  it('refuses a client past its 401s with 429 before parsing, routing to a tenant or authenticating; others go on', async () => {
    const flooder = newClient();
    const neighbour = newClient();
    const logsBefore = ctx.t.logs.length;
    for (let attempt = 0; attempt < FAILURES_PER_MINUTE; attempt += 1) {
      expect((await browserRoute(flooder, junkToken).send({})).status).toBe(401);
    }
    const flood = await Promise.all(Array.from({ length: 100 }, () => browserRoute(flooder, junkToken).send({})));
    expect(flood.map((response) => response.status)).toEqual(Array(100).fill(429));
    expect(flood[0].body.error).toMatchObject({ code: 'rate_limited', details: { limit: 'client_auth_failures', perMinute: 5 } });
    expect(Number(flood[0].headers['retry-after'])).toBeGreaterThan(0);
    // Refused before the body is parsed, the tenant looked up or the key checked: the same 429 for all of these.
    expect((await browserRoute(flooder, junkToken).set('content-type', 'application/json').send('{not json')).status).toBe(429);
    expect((await browserRoute(flooder, junkToken, 'no-such-tenant').send({})).status).toBe(429);
    // Its 401s on the browser routes do not shut it out of the routes a tenant's backend calls with its key.
    expect((await ctx.issue({ endpointId: 'x' }).set('x-forwarded-for', flooder)).status).toBe(400);

    expect((await browserRoute(neighbour, session).send({})).status).toBe(201);
    expect((await ctx.issue({}).set('x-forwarded-for', neighbour)).status).toBe(400);

    // The token log: one counted row per client, code and minute, however long the flood.
    await ctx.t.app.get(RefusalTallyService).flush({ all: true });
    const rows = await ctx.t.prisma.tokenIssuance.findMany({ where: { clientIp: clientAddressKey(flooder) } });
    const counts = Object.fromEntries(rows.map((row) => [row.errorCode, row.requestCount]));
    expect(counts).toEqual({ end_user_issuer_unknown: FAILURES_PER_MINUTE, rate_limited: 102 });
    // The application log: a line when the client was refused, none per refused request.
    const lines = ctx.t.logs.slice(logsBefore);
    expect(lines.filter((line) => line.includes(`${clientAddressKey(flooder)} on the open routes is over its limit`))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('"status":429'))).toHaveLength(0);
    expect(lines.filter((line) => line.includes('"status":401'))).toHaveLength(FAILURES_PER_MINUTE);
  });

  it('lets the client back in when its minute is over', async () => {
    const client = newClient();
    for (let attempt = 0; attempt <= FAILURES_PER_MINUTE; attempt += 1) await browserRoute(client, junkToken).send({});
    expect((await browserRoute(client, session).send({})).status).toBe(429);
    ctx.clock.advance(61_000);
    expect((await browserRoute(client, session).send({})).status).toBe(201);
  });

  it('caps the requests of one client to the routes anyone can call, preflights included', async () => {
    const client = newClient();
    // Every other one spelled with an escape: the same route to the router, and so to the count.
    const preflight = (escaped = false) =>
      ctx.t.http
        .options(`/v1/${escaped ? '%63lient' : 'client'}/${ctx.tenant.slug}/tokens`)
        .set('x-forwarded-for', client)
        .set('origin', 'https://app.example')
        .set('access-control-request-method', 'POST');
    for (let request = 0; request < REQUESTS_PER_MINUTE; request += 1) expect((await preflight(request % 2 === 0)).status).toBe(204);
    const over = await preflight();
    expect([over.status, over.body.error?.details?.limit]).toEqual([429, 'client']);
    // A tenant's backend, on its own routes, is not capped by it.
    expect((await ctx.issue({}).set('x-forwarded-for', client)).status).toBe(400);
  });

  it("refuses a client's bad tenant keys on the keyed routes, apart from the open ones", async () => {
    const client = newClient();
    const badKey = (
      await ctx
        .issue({})
        .set('x-forwarded-for', client)
        .set(bearer(`${ctx.tenant.key.slice(0, -6)}AAAAAA`))
    ).status;
    expect(badKey).toBe(401);
    for (let attempt = 1; attempt < FAILURES_PER_MINUTE; attempt += 1)
      await ctx.t.http.post('/v1/tokens').set('x-forwarded-for', client).set(bearer('cp_tenant_junk')).send({});
    const refused = await ctx.issue({}).set('x-forwarded-for', client);
    expect([refused.status, refused.body.error?.details?.limit]).toEqual([429, 'client_auth_failures']);
    expect((await browserRoute(client, session).send({})).status).toBe(201);
  });

  it("counts only 401s as a client's failures: its 400s and 404s with a good credential, however many, shut nothing", async () => {
    const client = newClient();
    const stranger = (await createSession(ctx.t, ctx.tenant, { userId: 'no-endpoint-here' })).session;
    for (let attempt = 0; attempt <= FAILURES_PER_MINUTE; attempt += 1) {
      expect((await browserRoute(client, stranger).send({})).status).toBe(404);
      expect((await ctx.issue({}).set('x-forwarded-for', client)).status).toBe(400);
    }
    expect((await browserRoute(client, session).send({})).status).toBe(201);
    expect((await ctx.issue({}).set('x-forwarded-for', client)).status).toBe(400);
  });

  it('keys a client by its connection when X-Forwarded-For names no address', async () => {
    try {
      for (let attempt = 0; attempt < FAILURES_PER_MINUTE; attempt += 1) {
        expect((await browserRoute('not-an-address', junkToken).send({})).status).toBe(401);
      }
      // The connection's address (127.0.0.1) took the count, whatever the header said.
      expect((await browserRoute('still-not-one:8080', session).send({})).status).toBe(429);
    } finally {
      ctx.clock.advance(61_000);
    }
  });
});

describeWith(['postgresql', 'redis'], 'per-client limits shared through Redis by two processes', () => {
  let replicas: ReplicaSet;

  beforeAll(async () => {
    replicas = await startReplicaSet(2, { env: { ...LIMITS, REDIS_URL: process.env.TEST_REDIS_URL! } });
  }, 60_000);
  afterAll(() => replicas?.stop());

  it("counts one client's 401s on every replica together: the other refuses it after at most one more", async () => {
    const [first, second] = replicas.urls;
    await seedTwilioEndpoint(first, replicas.adminKey, 'client-limits');
    const slug = 'client-limits';
    const client = newClient();
    const call = async (url: string) =>
      (
        await fetch(`${url}/v1/client/${slug}/tokens`, {
          method: 'POST',
          headers: { 'x-forwarded-for': client, authorization: `Bearer ${junkToken}`, 'content-type': 'application/json' },
          body: '{}',
        })
      ).status;
    for (let attempt = 0; attempt < FAILURES_PER_MINUTE; attempt += 1) expect(await call(first)).toBe(401);
    const statuses = [];
    for (let attempt = 0; attempt < 5; attempt += 1) statuses.push(await call(second));
    expect(statuses).toEqual([401, 429, 429, 429, 429]);
  });
});
