import { commonErrors } from '../../src/common/errors/common.errors';
import { JwksCacheService } from '../../src/end-users/jwks-cache.service';
import { RefusalTallyService } from '../../src/token-log/refusal-tally';
import { createEndpoint, createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { clientIssue, configureEndUserAuth, setTenantSettings } from '../helpers/end-users';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';
import { createSigningKey, signToken, SigningKey, startTestIdp, TestIdp } from '../helpers/test-idp';

const PEM_ISSUER = 'https://login.acme.example/';
const OTHER_TENANT_ISSUER = 'https://login.globex.example/';

/** POST /v1/end-user-auth/token-tests: the browser route's verdict on an end user's JWT, with nothing minted or counted. */
describe('testing an end-user token', () => {
  let t: TestApp;
  let idp: TestIdp;
  let acme: TestTenant;
  let acmeKey: SigningKey;
  let globex: TestTenant;
  let globexKey: SigningKey;
  let accountId: string;
  let aliceEndpointId: string;

  const test = (tenant: TestTenant, token: unknown) => t.http.post('/v1/end-user-auth/token-tests').set(bearer(tenant.key)).send({ token });
  const claims = (iss: string, sub: string, overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    return { iss, aud: 'callpass', sub, iat: now, exp: now + 600, ...overrides };
  };
  /** What the browser route answers for the token: the verdict must carry the same refusal. */
  const browserRefusal = async (tenant: TestTenant, token: string) => (await clientIssue(t, tenant, token).expect(401)).body.error;

  beforeAll(async () => {
    t = await createTestApp();
    idp = await startTestIdp();
    acmeKey = await createSigningKey('ES256', 'acme-pem');
    globexKey = await createSigningKey('ES256', 'globex-pem');
    acme = await createTenant(t);
    await configureEndUserAuth(t, acme, {
      issuers: [
        { issuer: PEM_ISSUER, audience: 'callpass', publicKeyPem: acmeKey.publicPem, userIdPrefix: '' },
        { issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl, algorithms: ['RS256'], userIdPrefix: '' },
      ],
    });
    accountId = (await createProviderAccount(t, acme, 'twilio')).id;
    aliceEndpointId = (await createEndpoint(t, acme, accountId, { userId: 'alice', identity: 'alice_at_twilio' })).id;
    globex = await createTenant(t);
    await configureEndUserAuth(t, globex, {
      issuers: [{ issuer: OTHER_TENANT_ISSUER, audience: 'callpass', publicKeyPem: globexKey.publicPem }],
    });
    // Globex has a user of the same id: Acme's verdict must not show Globex's endpoint.
    await createEndpoint(t, globex, (await createProviderAccount(t, globex, 'twilio')).id, { userId: 'alice', identity: 'globex_alice' });
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  it("accepts a good token with its user id, issuer and the user's identities at this tenant only", async () => {
    const fromPem = await test(acme, await signToken(claims(PEM_ISSUER, 'alice'), acmeKey)).expect(200);
    expect(fromPem.body).toEqual({
      accepted: true,
      userId: 'alice',
      issuer: PEM_ISSUER,
      error: null,
      identities: [{ endpointId: aliceEndpointId, providerAccountId: accountId, identity: 'alice_at_twilio' }],
    });
    const fromJwks = await test(acme, await idp.sign(claims(idp.issuer, 'bob'))).expect(200);
    expect(fromJwks.body).toEqual({ accepted: true, userId: 'bob', issuer: idp.issuer, error: null, identities: [] });
  });

  it("refuses what the browser route refuses, with its code and message: expired, another audience, another tenant's issuer, an unknown key, a revoked user", async () => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    await t.http.post('/v1/users/revoked-ruth/revoke').set(bearer(acme.key)).expect(200);
    const cases: [string, string, string][] = [
      ['expired', await signToken(claims(PEM_ISSUER, 'alice', { iat: now - 900, exp: now - 61 }), acmeKey), 'end_user_token_expired'],
      ['another audience', await signToken(claims(PEM_ISSUER, 'alice', { aud: 'someone-else' }), acmeKey), 'end_user_audience_mismatch'],
      ["another tenant's issuer", await signToken(claims(OTHER_TENANT_ISSUER, 'alice'), globexKey), 'end_user_issuer_unknown'],
      ['an unknown kid', await idp.sign(claims(idp.issuer, 'alice'), { header: { kid: 'nobody-knows' } }), 'end_user_key_unknown'],
      ['a revoked user', await signToken(claims(PEM_ISSUER, 'revoked-ruth'), acmeKey), 'end_user_revoked'],
      ['not a JWT', 'not.a-jwt', 'end_user_token_malformed'],
    ];
    for (const [name, token, code] of cases) {
      const verdict = await test(acme, token).expect(200);
      const refusal = await browserRefusal(acme, token);
      expect({ name, code: refusal.code }).toEqual({ name, code });
      expect({ name, verdict: verdict.body }).toEqual({
        name,
        verdict: { accepted: false, userId: null, issuer: null, error: refusal, identities: [] },
      });
    }
  });

  it("uses only the calling tenant's issuers: another tenant's key cannot have Acme's tokens verified", async () => {
    const token = await signToken(claims(PEM_ISSUER, 'alice'), acmeKey);
    await test(acme, token).expect(200, /"accepted":true/);
    const refused = await test(globex, token).expect(200);
    expect(refused.body).toMatchObject({ accepted: false, userId: null, error: { code: 'end_user_issuer_unknown' }, identities: [] });
    // A tenant naming the same issuer with its own key: its key decides, not Acme's.
    const lookalike = await createTenant(t);
    await configureEndUserAuth(t, lookalike, {
      issuers: [{ issuer: PEM_ISSUER, audience: 'callpass', publicKeyPem: globexKey.publicPem }],
    });
    const forged = await test(lookalike, token).expect(200);
    expect(forged.body).toMatchObject({ accepted: false, error: { code: 'end_user_signature_invalid' } });
    expect(forged.body.error).toEqual(await browserRefusal(lookalike, token));
  });

  it("mints nothing, writes no token-log row, spends none of the user's rate limit and never echoes or logs the token", async () => {
    const tenant = await createTenant(t);
    await configureEndUserAuth(t, tenant, { issuers: [{ issuer: PEM_ISSUER, audience: 'callpass', publicKeyPem: acmeKey.publicPem }] });
    await createEndpoint(t, tenant, (await createProviderAccount(t, tenant, 'twilio')).id, { userId: 'carol' });
    await setTenantSettings(t, tenant, { rateLimits: { userPerMinute: 2 } });
    const token = await signToken(claims(PEM_ISSUER, 'carol'), acmeKey);
    const expired = await signToken(claims(PEM_ISSUER, 'carol', { exp: Math.floor(t.clock.now().getTime() / 1000) - 61 }), acmeKey);
    for (let i = 0; i < 5; i += 1) {
      const answer = await test(tenant, token).expect(200);
      expect(answer.body.accepted).toBe(true);
      expect(answer.text).not.toContain(token.split('.')[2]);
    }
    await test(tenant, expired).expect(200, /end_user_token_expired/);

    await t.app.get(RefusalTallyService).flush({ all: true });
    expect(await t.prisma.tokenIssuance.count({ where: { tenantId: tenant.id } })).toBe(0);
    // The user's whole minute is still there: two tokens, then the limit.
    const first = await clientIssue(t, tenant, token).expect(201);
    expect(first.headers['ratelimit-remaining']).toBe('1');
    await clientIssue(t, tenant, token).expect(201);
    await clientIssue(t, tenant, token).expect(429);
    for (const sent of [token, expired]) expect(t.logs.join('\n')).not.toContain(sent.split('.')[2]);
  });

  it("answers Callpass's own faults during verification as the browser route does (500, 503), never as a verdict", async () => {
    const jwks = t.app.get(JwksCacheService);
    const keysOf = jwks.keysOf.bind(jwks);
    const faults: [Error, number, string][] = [
      [new TypeError("Cannot read properties of undefined (reading 'kty')"), 500, 'internal_error'],
      [commonErrors.database_unavailable(), 503, 'database_unavailable'],
    ];
    try {
      for (const [fault, status, code] of faults) {
        jwks.keysOf = () => Object.assign(() => Promise.reject(fault), { trustedUntil: () => 0 });
        const tenant = await createTenant(t);
        await configureEndUserAuth(t, tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
        const token = await idp.sign(claims(idp.issuer, 'frank'));
        const answer = await test(tenant, token);
        expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
        expect((await clientIssue(t, tenant, token)).status).toBe(status);
      }
    } finally {
      jwks.keysOf = keysOf;
    }
  });

  it('refuses a missing, empty, non-string or oversized token with 400 naming the field, and a caller without a tenant key', async () => {
    for (const body of [{}, { token: '' }, { token: 42 }, { token: 'x'.repeat(8193) }]) {
      const answer = await t.http.post('/v1/end-user-auth/token-tests').set(bearer(acme.key)).send(body).expect(400);
      expect(answer.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'token' }] } });
    }
    const token = await signToken(claims(PEM_ISSUER, 'alice'), acmeKey);
    await t.http.post('/v1/end-user-auth/token-tests').send({ token }).expect(401);
    await t.http.post('/v1/end-user-auth/token-tests').set(bearer(token)).send({ token }).expect(401);
  });
});
