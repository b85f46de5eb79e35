import http from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';
import { providerKits } from '../../src/providers/provider-kits';
import { OUTBOUND_RESOLVER } from '../../src/outbound/outbound-policy';
import { ChangeFeedService } from '../../src/database/change-feed';
import { createTenant, TestTenant } from '../factories/tenant.factory';
import { claimsAt, clientIssue, configureEndUserAuth, createSession } from '../helpers/end-users';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';
import { createSigningKey, signToken, startTestIdp, TestIdp } from '../helpers/test-idp';

/** Where end users meet the limits of their tenant, session, account and issuer: each boundary, tried from both sides. */
describe('end-user boundaries', () => {
  let ctx: IssuingContext;
  let idp: TestIdp;
  let other: TestTenant;
  let twilioA: string;
  let twilioB: string;
  let otherTwilio: string;
  const now = () => Math.floor(ctx.clock.now().getTime() / 1000);
  const jwtFor = (sub: string) => idp.sign(claimsAt(ctx, idp.issuer, sub));
  const tenantRoute = (tenant: TestTenant, method: 'post' | 'get' | 'delete' | 'patch', path: string) =>
    ctx.t.http[method](path).set(bearer(tenant.key));
  const endpointIn = (tenant: TestTenant, providerAccountId: string, userId: string, identity = userId) =>
    tenantRoute(tenant, 'post', '/v1/endpoints')
      .send({ providerAccountId, userId, identity, capabilities: ['incoming', 'outgoing'] })
      .expect(201);
  const accountIn = async (tenant: TestTenant, policy: Record<string, unknown> = {}) => {
    const { provider, baseUrl, config, secrets } = providerKits.twilio.emulatedAccount(ctx.emulators.twilio);
    return (
      await tenantRoute(tenant, 'post', '/v1/provider-accounts')
        .send({ provider, baseUrl, config, secrets, name: `tw-${Math.random().toString(36).slice(2, 8)}`, policy })
        .expect(201)
    ).body.id as string;
  };
  const setSettings = (tenant: TestTenant, settings: Record<string, unknown>) =>
    ctx.t.http.patch(`/v1/admin/tenants/${tenant.id}`).set(bearer(ctx.t.adminKey)).send({ settings }).expect(200);

  beforeAll(async () => {
    ctx = await createIssuingContext();
    idp = await startTestIdp();
    twilioA = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    twilioB = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    await configureEndUserAuth(ctx.t, ctx.tenant, {
      issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }],
      sessions: true,
    });
    other = await createTenant(ctx.t);
    await configureEndUserAuth(ctx.t, other, {
      issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }],
      sessions: true,
    });
    otherTwilio = await accountIn(other);
    for (const user of ['sam', 'rita']) {
      await ctx.createEndpoint(twilioA, { userId: user, identity: user });
      await endpointIn(other, otherTwilio, user);
    }
  });
  afterAll(async () => {
    await ctx?.close();
    await idp?.close();
  });

  it('refuses a JWT without iat (revocation by iat depends on it)', async () => {
    const response = await clientIssue(ctx.t, ctx.tenant, await idp.sign({ ...claimsAt(ctx, idp.issuer, 'sam'), iat: undefined })).expect(
      401,
    );
    expect(response.body.error).toMatchObject({ code: 'end_user_claim_missing', details: { claim: 'iat' } });
  });

  it('accepts iat and exp within the clock skew', async () => {
    await clientIssue(ctx.t, ctx.tenant, await idp.sign({ ...claimsAt(ctx, idp.issuer, 'sam'), iat: now() + 30, exp: now() + 600 })).expect(
      201,
    );
    await clientIssue(ctx.t, ctx.tenant, await idp.sign({ ...claimsAt(ctx, idp.issuer, 'sam'), iat: now() - 600, exp: now() - 30 })).expect(
      201,
    );
  });

  it('revoking a user in one tenant leaves the same user id of another tenant alone', async () => {
    const jwt = await jwtFor('sam');
    const session = await createSession(ctx.t, ctx.tenant, { userId: 'sam' });
    await createSession(ctx.t, other, { userId: 'sam' });
    const revoked = await tenantRoute(other, 'post', '/v1/users/sam/revoke').expect(200);
    expect(revoked.body.sessionsRevoked).toBe(1);
    await clientIssue(ctx.t, ctx.tenant, jwt).expect(201);
    await clientIssue(ctx.t, ctx.tenant, session.session).expect(201);
  });

  it("one tenant's user cannot spend the rate limit of the same user id at another tenant", async () => {
    const jwt = await jwtFor('rita');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await clientIssue(ctx.t, other, jwt)).status);
    expect(statuses.filter((status) => status === 429)).toHaveLength(1);
    await clientIssue(ctx.t, ctx.tenant, jwt).expect(201);
  });

  it('a session bound to an account never mints on another account, and needs no choice on its own', async () => {
    await ctx.createEndpoint(twilioB, { userId: 'bo', identity: 'bo' });
    const bound = await createSession(ctx.t, ctx.tenant, { userId: 'bo', providerAccountId: twilioA });
    const refused = await clientIssue(ctx.t, ctx.tenant, bound.session).expect(404);
    expect(refused.body.error.code).toBe('endpoint_not_found');
    await ctx.createEndpoint(twilioA, { userId: 'bo2', identity: 'bo2' });
    await ctx.createEndpoint(twilioB, { userId: 'bo2', identity: 'bo2b' });
    const both = await createSession(ctx.t, ctx.tenant, { userId: 'bo2', providerAccountId: twilioA });
    expect((await clientIssue(ctx.t, ctx.tenant, both.session).expect(201)).body.identity).toBe('bo2');
  });

  it("a tenant's session is no session on another tenant's browser route, though the same user id has an endpoint there", async () => {
    const session = await createSession(ctx.t, ctx.tenant, { userId: 'sam' });
    const response = await clientIssue(ctx.t, other, session.session);
    expect([response.status, response.body.error?.code]).toEqual([401, 'end_user_session_invalid']);
    expect(response.body.identity).toBeUndefined();
    // Nothing minted at either tenant for it.
    expect(await ctx.t.prisma.tokenIssuance.count({ where: { actorId: `session:${session.id}`, outcome: 'issued' } })).toBe(0);
    await clientIssue(ctx.t, ctx.tenant, session.session).expect(201);
  });

  it("another tenant can neither read nor revoke a tenant's session", async () => {
    const session = await createSession(ctx.t, ctx.tenant, { userId: 'sam' });
    await tenantRoute(other, 'get', `/v1/sessions/${session.id}`).expect(404);
    await tenantRoute(other, 'delete', `/v1/sessions/${session.id}`).expect(404);
    await clientIssue(ctx.t, ctx.tenant, session.session).expect(201);
  });

  it("a suspended tenant's end users cannot refresh (session or JWT)", async () => {
    const signalwire = await ctx.createAccount(providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire));
    await ctx.createEndpoint(signalwire, { userId: 'sue', identity: 'sue@example.com' });
    const session = await createSession(ctx.t, ctx.tenant, { userId: 'sue' });
    const jwt = await jwtFor('sue');
    const viaSession = (await clientIssue(ctx.t, ctx.tenant, session.session).expect(201)).body.id;
    const viaJwt = (await clientIssue(ctx.t, ctx.tenant, jwt).expect(201)).body.id;
    await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'suspended' }).expect(200);
    try {
      const refresh = (credential: string, id: string) =>
        ctx.t.http.post(`/v1/client/${ctx.tenant.slug}/tokens/${id}/refresh`).set(bearer(credential)).send();
      const bySession = await refresh(session.session, viaSession);
      const byJwt = await refresh(jwt, viaJwt);
      expect([bySession.status, bySession.body.error?.code]).toEqual([403, 'tenant_suspended']);
      expect([byJwt.status, byJwt.body.error?.code]).toEqual([403, 'tenant_suspended']);
    } finally {
      await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'active' }).expect(200);
    }
  });

  it('the internal routes say tenant_not_found for an unknown tenant', async () => {
    const key = (
      await ctx.t.http
        .post('/v1/admin/service-keys')
        .set(bearer(ctx.t.adminKey))
        .send({ name: 'gaps', scopes: ['tokens:issue', 'users:revoke'] })
        .expect(201)
    ).body.key;
    const unknown = '01900000-0000-7000-8000-00000000abcd';
    const issued = await ctx.t.http.post(`/v1/internal/tenants/${unknown}/tokens`).set(bearer(key)).send({ userId: 'sam' });
    expect([issued.status, issued.body.error?.code]).toEqual([404, 'tenant_not_found']);
    const revoked = await ctx.t.http.post(`/v1/internal/tenants/${unknown}/users/sam/revoke`).set(bearer(key)).send();
    expect([revoked.status, revoked.body.error?.code]).toEqual([404, 'tenant_not_found']);
  });

  it('refuses end-user-auth configurations that mix key kinds, algorithms or repeat an issuer', async () => {
    const key = await createSigningKey();
    const send = (issuers: object[]) => ctx.t.http.put('/v1/end-user-auth').set(bearer(other.key)).send({ issuers, sessions: true });
    const base = { issuer: 'https://x.example/', audience: 'callpass' };
    const cases: [object[], string][] = [
      [[{ ...base, publicKeyPem: key.publicPem, algorithms: ['HS256'] }], 'issuers[0].algorithms'],
      [[{ ...base, secret: 'a-shared-secret-for-hs256-at-least-32-chars', algorithms: ['RS256'] }], 'issuers[0].algorithms'],
      [[{ ...base, publicKeyPem: key.publicPem, secret: 'a-shared-secret-for-hs256-at-least-32-chars' }], 'issuers[0]'],
      [[{ ...base }], 'issuers[0]'],
      [
        [
          { ...base, publicKeyPem: key.publicPem },
          { ...base, publicKeyPem: key.publicPem },
        ],
        'issuers[1].issuer',
      ],
    ];
    for (const [issuers, field] of cases) {
      const response = await send(issuers);
      expect({
        field,
        status: response.status,
        fields: response.body.error?.details?.fields?.map((f: { field: string }) => f.field),
      }).toEqual({
        field,
        status: 400,
        fields: [field],
      });
    }
  });

  it("an issuer secret copied to another tenant's issuer does not decrypt there", async () => {
    const secret = 'a-shared-secret-for-hs256-at-least-32-chars';
    const x = await createTenant(ctx.t);
    const y = await createTenant(ctx.t);
    await configureEndUserAuth(ctx.t, x, { issuers: [{ issuer: 'https://hs.example/', audience: 'callpass', secret }] });
    await configureEndUserAuth(ctx.t, y, {
      issuers: [{ issuer: 'https://hs.example/', audience: 'callpass', secret: 'another-shared-secret-of-32-characters!!' }],
    });
    await ctx.t.database.query(
      'UPDATE end_user_issuers SET secret_ciphertext = (SELECT secret_ciphertext FROM end_user_issuers WHERE tenant_id = $1), updated_at = now() WHERE tenant_id = $2',
      [x.id, y.id],
    );
    // Written behind the service's back: told to its caches as its own writes are (see ChangeFeedService).
    ctx.t.app.get(ChangeFeedService).changed(y.id);
    const token = await new SignJWT(claimsAt(ctx, 'https://hs.example/', 'sam'))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(secret));
    const response = await clientIssue(ctx.t, y, token);
    expect([response.status, response.body.error?.code]).toEqual([503, 'end_user_keys_unavailable']);
  });

  it('a disabled auto-enrol account enrols nobody', async () => {
    const tenant = await createTenant(ctx.t);
    await configureEndUserAuth(ctx.t, tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
    const account = await accountIn(tenant, { autoEnroll: true });
    await tenantRoute(tenant, 'patch', `/v1/provider-accounts/${account}`).send({ status: 'disabled' }).expect(200);
    const response = await clientIssue(ctx.t, tenant, await jwtFor('newbie'));
    expect(response.status).toBe(404);
    expect(await ctx.t.prisma.endpoint.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it('a user over their own limit does not spend the tenant budget', async () => {
    const tenant = await createTenant(ctx.t);
    await configureEndUserAuth(ctx.t, tenant, { sessions: true });
    await accountIn(tenant, { autoEnroll: true });
    // Every request of the tenant counts: end-user auth, the account and the two sessions, then 2 of noisy's and 2 of
    // calm's tokens: 8. A noisy user's refused requests must not take calm's.
    await setSettings(tenant, { rateLimits: { userPerMinute: 2, tenantPerMinute: 8 } });
    const noisy = await createSession(ctx.t, tenant, { userId: 'noisy' });
    for (let i = 0; i < 10; i += 1) await clientIssue(ctx.t, tenant, noisy.session);
    const calm = await createSession(ctx.t, tenant, { userId: 'calm' });
    await clientIssue(ctx.t, tenant, calm.session).expect(201);
    await clientIssue(ctx.t, tenant, calm.session).expect(201);
  });

  it('each API key has its own key budget', async () => {
    const tenant = await createTenant(ctx.t);
    await accountIn(tenant, { autoEnroll: true });
    await setSettings(tenant, { rateLimits: { keyPerMinute: 2 } });
    // Two keys the set-up did not use (it spent the first key's budget).
    const newKey = async (name: string) =>
      (await ctx.t.http.post(`/v1/admin/tenants/${tenant.id}/api-keys`).set(bearer(ctx.t.adminKey)).send({ name }).expect(201)).body
        .key as string;
    const [first, second] = [await newKey('first'), await newKey('second')];
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push(
        (
          await ctx.t.http
            .post('/v1/tokens')
            .set(bearer(first))
            .send({ userId: `k${i}` })
        ).status,
      );
    expect(statuses).toEqual([201, 201, 429]);
    await ctx.t.http.post('/v1/tokens').set(bearer(second)).send({ userId: 'k9' }).expect(201);
  });

  it('the browser route admits exact origins only', async () => {
    await setSettings(ctx.tenant, { allowedOrigins: ['https://app.example'] });
    const response = await clientIssue(ctx.t, ctx.tenant, await jwtFor('sam')).set({ origin: 'https://app.example.evil' });
    expect([response.status, response.body.error?.code]).toEqual([403, 'origin_not_allowed']);
  });
});

describe("fetching an issuer's key set", () => {
  let big: http.Server;
  let bigUrl: string;
  let ctx: IssuingContext;

  beforeAll(async () => {
    ctx = await createIssuingContext();
  });
  afterAll(async () => {
    await ctx?.close();
    if (big) await new Promise((resolve) => big.close(resolve));
  });

  it('refuses a key set larger than 64 KB', async () => {
    const key = await createSigningKey();
    big = http.createServer((_, response) =>
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [key.publicJwk], padding: 'x'.repeat(70_000) })),
    );
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    bigUrl = `http://127.0.0.1:${(big.address() as AddressInfo).port}`;
    await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio), { policy: { autoEnroll: true } });
    const checked = await ctx.t.http
      .put('/v1/end-user-auth')
      .set(bearer(ctx.tenant.key))
      .send({ issuers: [{ issuer: `${bigUrl}/`, audience: 'callpass', jwksUrl: `${bigUrl}/jwks` }] });
    expect([checked.status, checked.body.error?.details]).toEqual([422, { issuer: `${bigUrl}/`, cause: 'too_large' }]);
    // Saved unchecked, it is refused when a token needs it.
    await configureEndUserAuth(ctx.t, ctx.tenant, {
      issuers: [{ issuer: `${bigUrl}/`, audience: 'callpass', jwksUrl: `${bigUrl}/jwks`, checkJwks: false }],
    });
    const token = await signToken(claimsAt(ctx, `${bigUrl}/`, 'alice'), key);
    const response = await clientIssue(ctx.t, ctx.tenant, token);
    expect([response.status, response.body.error?.code]).toEqual([503, 'end_user_keys_unavailable']);
  });

  it('refuses a jwksUrl carrying credentials, even where private URLs are allowed (tests, the sandbox)', async () => {
    const tenant = await createTenant(ctx.t);
    const refused = await ctx.t.http
      .put('/v1/end-user-auth')
      .set(bearer(tenant.key))
      .send({
        sessions: false,
        issuers: [
          { issuer: 'https://idp.example/', audience: 'callpass', jwksUrl: 'https://user:pass@idp.example/jwks', checkJwks: false },
        ],
      })
      .expect(400);
    expect(refused.body.error.details.fields).toEqual([
      { field: 'issuers[0].jwksUrl', messages: ['issuers[0].jwksUrl must not contain credentials'] },
    ]);
  });

  it("answers a key set that publishes a private key as the issuer's keys being unusable (503), not as the token's fault", async () => {
    const key = await createSigningKey();
    const leaked = { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: key.alg, use: 'sig' };
    const leaking = http.createServer((_, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [leaked] })),
    );
    await new Promise<void>((resolve) => leaking.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(leaking.address() as AddressInfo).port}`;
      const tenant = await createTenant(ctx.t);
      await configureEndUserAuth(ctx.t, tenant, {
        issuers: [{ issuer: `${origin}/`, audience: 'callpass', jwksUrl: `${origin}/jwks`, checkJwks: false }],
      });
      const response = await clientIssue(ctx.t, tenant, await signToken(claimsAt(ctx, `${origin}/`, 'alice'), key));
      expect([response.status, response.body.error?.code]).toEqual([503, 'end_user_keys_unavailable']);
    } finally {
      await new Promise((resolve) => leaking.close(resolve));
    }
  });
});

describe('a key set over plain http, with private URLs off', () => {
  let t: TestApp;
  const asked: string[] = [];
  beforeAll(async () => {
    t = await createTestApp({
      env: { ALLOW_PRIVATE_NETWORK_URLS: 'false' },
      overrides: [
        { provide: OUTBOUND_RESOLVER, useValue: async (hostname: string) => (asked.push(hostname), [{ address: '127.0.0.1', family: 4 }]) },
      ],
    });
  });
  afterAll(() => t?.close());

  it('refuses on PUT a JWKS whose host resolves to a private address (422, cause forbidden_address)', async () => {
    const tenant = await createTenant(t);
    const response = await t.http
      .put('/v1/end-user-auth')
      .set(bearer(tenant.key))
      .send({ issuers: [{ issuer: 'https://idp.example.com/', audience: 'callpass', jwksUrl: 'https://idp.example.com/jwks' }] });
    expect([response.status, response.body.error?.details]).toEqual([
      422,
      { issuer: 'https://idp.example.com/', cause: 'forbidden_address' },
    ]);
  });

  it('never even resolves the host of an http:// JWKS URL', async () => {
    const tenant = await createTenant(t);
    await configureEndUserAuth(t, tenant, {
      issuers: [{ issuer: 'https://idp.example.com/', audience: 'callpass', jwksUrl: 'https://idp.example.com/jwks', checkJwks: false }],
    });
    await t.database.query(
      "UPDATE end_user_issuers SET jwks_url = 'http://plain.example.com/jwks', updated_at = now() + interval '1 second' WHERE tenant_id = $1",
      [tenant.id],
    );
    const key = await createSigningKey();
    const n = Math.floor(t.clock.now().getTime() / 1000);
    const token = await signToken({ iss: 'https://idp.example.com/', aud: 'callpass', sub: 'alice', iat: n, exp: n + 600 }, key);
    const response = await clientIssue(t, tenant, token);
    expect([response.status, response.body.error?.code]).toEqual([503, 'end_user_keys_unavailable']);
    expect(asked).not.toContain('plain.example.com');
  });
});

describe("a suspended tenant's session, before anything is looked up for it", () => {
  let ctx: IssuingContext;

  beforeAll(async () => {
    ctx = await createIssuingContext();
    await configureEndUserAuth(ctx.t, ctx.tenant, { sessions: true });
  });
  afterAll(() => ctx?.close());

  it('refreshes no token, not even an unknown one: 403 tenant_suspended, not a token of its own that is not refreshable', async () => {
    const session = await createSession(ctx.t, ctx.tenant, { userId: 'sue' });
    const refresh = () =>
      ctx.t.http
        .post(`/v1/client/${ctx.tenant.slug}/tokens/0190a5f0-0000-7000-8000-00000000beef/refresh`)
        .set(bearer(session.session))
        .send();
    const active = await refresh();
    expect([active.status, active.body.error?.code]).not.toEqual([403, 'tenant_suspended']);
    await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'suspended' }).expect(200);
    const suspended = await refresh();
    expect([suspended.status, suspended.body.error?.code]).toEqual([403, 'tenant_suspended']);
  });
});
