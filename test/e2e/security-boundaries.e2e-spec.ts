import http from 'node:http';
import { AddressInfo } from 'node:net';
import { AppError } from '../../src/common/errors/app-error';
import { hashApiKey } from '../../src/crypto/api-key-codec';
import { IdentityTokenVerifierService } from '../../src/end-users/identity-token-verifier';
import { providerKits } from '../../src/providers/provider-kits';
import { createTenant } from '../factories/tenant.factory';
import { claimsAt, clientIssue, configureEndUserAuth, setTenantSettings } from '../helpers/end-users';
import { auditVerification, createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';
import { createSigningKey, SigningKey, signToken, startTestIdp, TestIdp } from '../helpers/test-idp';
import { describeWith } from '../helpers/requirements';
import { createTestDatabase, TestDatabase, withoutNotifications } from '../helpers/test-database';

/**
 * Limits, expiries and cut-offs of the security-critical code, each tried at the exact instant or size where the
 * answer changes, and one step on: a limit moved by one, or a `<` turned `<=`, fails one of these.
 */
describe('API keys at their limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  /** The write is off the request path: polls the key's row until it shows `expected`. */
  const lastUsedBecomes = async (key: string, expected: Date) => {
    let seen: Date | null = null;
    for (let attempt = 0; attempt < 200; attempt += 1) {
      seen = (await t.prisma.apiKey.findUniqueOrThrow({ where: { secretHash: hashApiKey(key) } })).lastUsedAt;
      if (seen?.getTime() === expected.getTime()) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`lastUsedAt stayed ${seen?.toISOString()}, never became ${expected.toISOString()}`);
  };

  it('records a last use exactly 60 s after the previous one as the same minute, and one a millisecond later anew', async () => {
    const tenant = await createTenant(t);
    await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
    const firstUse = t.clock.now();
    await lastUsedBecomes(tenant.key, firstUse);
    // Both requests below fall within the key cache's lifetime, so a use noted at +60 s would hide the one at +60.001 s.
    t.clock.advance(60_000);
    await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
    t.clock.advance(1);
    await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
    await lastUsedBecomes(tenant.key, t.clock.now());
  });

  it('reads the Bearer scheme in any case and after any number of spaces, and nothing but one credential after it', async () => {
    const tenant = await createTenant(t);
    const withAuthorization = (value: string) => t.http.get('/v1/endpoints').set('authorization', value);
    for (const value of [`bearer ${tenant.key}`, `BEARER ${tenant.key}`, `Bearer   ${tenant.key}`]) {
      expect([value, (await withAuthorization(value)).status]).toEqual([value, 200]);
    }
    for (const value of [`Bearer ${tenant.key} ${tenant.key}`, `XBearer ${tenant.key}`, `Bearer${tenant.key}`, 'Bearer ']) {
      const refused = await withAuthorization(value);
      expect([value, refused.status, refused.body.error?.code]).toEqual([value, 401, 'authentication_required']);
    }
  });

  it("answers a tenant key's first request with the default key limit, and with the tenant's once the key's is set above it", async () => {
    const tenant = await createTenant(t);
    const first = await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
    // The documented defaults: 1,200 a minute per key, 6,000 per tenant.
    expect([first.headers['ratelimit-limit'], first.headers['ratelimit-remaining']]).toEqual(['1200', '1199']);

    const unboundKey = await createTenant(t);
    await t.http
      .patch(`/v1/admin/tenants/${unboundKey.id}`)
      .set(bearer(t.adminKey))
      .send({ settings: { rateLimits: { keyPerMinute: 1_000_000 } } })
      .expect(200);
    const tenantBound = await t.http.get('/v1/endpoints').set(bearer(unboundKey.key)).expect(200);
    expect([tenantBound.headers['ratelimit-limit'], tenantBound.headers['ratelimit-remaining']]).toEqual(['6000', '5999']);
  });
});

/**
 * The database here sends no change notifications, so a change made straight in it (as another replica's whose
 * notification is late) reaches this replica only when its cached copy ages out: after CACHE_TTL_SECONDS (10 s).
 */
describe('the hot-path cache without notifications', () => {
  let t: TestApp;
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await createTestApp({ database: withoutNotifications(database) });
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('serves a cached key until exactly 10 s after it was read, and reads it again from then on', async () => {
    const tenant = await createTenant(t);
    await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
    const readAt = t.clock.now().getTime();
    await database.query('UPDATE api_keys SET revoked_at = now() WHERE secret_hash = $1', [hashApiKey(tenant.key)]);
    t.clock.set(new Date(readAt + 9_999));
    await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
    t.clock.set(new Date(readAt + 10_000));
    const refused = await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(401);
    expect(refused.body.error.code).toBe('api_key_revoked');
  });
});

/** A JWKS endpoint on loopback whose answer (size, Cache-Control, failure) each test sets; it counts its fetches. */
interface JwksServer {
  url: string;
  fetches: number;
  keys: SigningKey[];
  /** Pads the answer to exactly this many bytes. */
  sizeBytes?: number;
  cacheControl?: string;
  close(): Promise<void>;
}

async function startJwksServer(keys: SigningKey[]): Promise<JwksServer> {
  const jwks: JwksServer = {
    url: '',
    fetches: 0,
    keys,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((_, response) => {
    jwks.fetches += 1;
    const body = JSON.stringify({ keys: jwks.keys.map((key) => key.publicJwk), padding: '' });
    const padded = jwks.sizeBytes ? body.replace('"padding":""', `"padding":"${'x'.repeat(jwks.sizeBytes - body.length)}"`) : body;
    response
      .writeHead(200, { 'content-type': 'application/json', ...(jwks.cacheControl ? { 'cache-control': jwks.cacheControl } : {}) })
      .end(padded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwks.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  return jwks;
}

describe('identity-provider tokens at their limits', () => {
  let ctx: IssuingContext;
  let idp: TestIdp;
  let jwks: JwksServer;
  let jwksKey: SigningKey;
  const JWKS_ISSUER = 'https://padded-jwks.example/';
  const now = () => Math.floor(ctx.clock.now().getTime() / 1000);
  const outcome = async (token: string, tenant = ctx.tenant) => {
    const answer = await clientIssue(ctx.t, tenant, token);
    return `${answer.status} ${answer.body.error?.code ?? answer.body.identity}`;
  };
  const useIdp = () =>
    configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
  const useJwksServer = (extra: Record<string, unknown> = {}) =>
    ctx.t.http
      .put('/v1/end-user-auth')
      .set(bearer(ctx.tenant.key))
      .send({ sessions: false, issuers: [{ issuer: JWKS_ISSUER, audience: 'callpass', jwksUrl: jwks.url, ...extra }] });

  beforeAll(async () => {
    ctx = await createIssuingContext();
    idp = await startTestIdp();
    jwksKey = await createSigningKey('RS256', 'padded');
    jwks = await startJwksServer([jwksKey]);
    await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio), { policy: { autoEnroll: true } });
    await setTenantSettings(ctx.t, ctx.tenant);
  });
  afterAll(async () => {
    await ctx?.close();
    await idp?.close();
    await jwks?.close();
  });

  it("takes a token stamped (iat) exactly the issuer's clock skew ahead, and refuses one a second further", async () => {
    await useIdp();
    // The default skew: 60 s.
    const lifetime = { exp: now() + 600 };
    expect(await outcome(await idp.sign({ ...claimsAt(ctx, idp.issuer, 'skewed'), iat: now() + 60, ...lifetime }))).toBe('201 skewed');
    expect(await outcome(await idp.sign({ ...claimsAt(ctx, idp.issuer, 'skewed'), iat: now() + 61, ...lifetime }))).toBe(
      '401 end_user_token_not_yet_valid',
    );
  });

  it('reads a credential of exactly 8192 characters, and refuses one of 8193 unread, for a known tenant and an unknown slug alike', async () => {
    await useIdp();
    const unknown = { ...ctx.tenant, slug: `no-such-${ctx.tenant.slug}` };
    for (const tenant of [ctx.tenant, unknown]) {
      expect([tenant.slug, await outcome('x'.repeat(8192), tenant)]).toEqual([tenant.slug, '401 end_user_token_malformed']);
      expect([tenant.slug, await outcome('x'.repeat(8193), tenant)]).toEqual([tenant.slug, '401 end_user_token_too_long']);
    }
  });

  it('keeps refusing tokens of an issuer whose key set failed until exactly 10 s later, without fetching it again', async () => {
    await useIdp();
    idp.failWith(500);
    const before = idp.fetches();
    const token = await idp.sign(claimsAt(ctx, idp.issuer, 'patient'));
    expect(await outcome(token)).toBe('503 end_user_keys_unavailable');
    expect(idp.fetches() - before).toBe(1);
    // The issuer is back: only the end of the 10 s lets the next token through.
    idp.failWith(undefined);
    ctx.clock.advance(9_999);
    expect(await outcome(token)).toBe('503 end_user_keys_unavailable');
    expect(idp.fetches() - before).toBe(1);
    ctx.clock.advance(1);
    expect(await outcome(token)).toBe('201 patient');
    expect(idp.fetches() - before).toBe(2);
  });

  it('after a failed refetch for an unknown kid, refetches for another unknown kid only from exactly 10 s later', async () => {
    await useIdp();
    const genuine = await idp.sign(claimsAt(ctx, idp.issuer, 'kidder'));
    expect(await outcome(genuine)).toBe('201 kidder');
    ctx.clock.advance(5_000);
    const before = idp.fetches();
    const forged = async (kid: string) => idp.sign(claimsAt(ctx, idp.issuer, 'kidder'), { header: { kid } });
    idp.failWith(500);
    expect(await outcome(await forged('during-outage'))).toBe('401 end_user_key_unknown');
    expect(idp.fetches() - before).toBe(1);
    idp.failWith(undefined);
    ctx.clock.advance(9_999);
    expect(await outcome(await forged('just-before'))).toBe('401 end_user_key_unknown');
    expect(idp.fetches() - before).toBe(1);
    ctx.clock.advance(1);
    expect(await outcome(await forged('just-after'))).toBe('401 end_user_key_unknown');
    expect(idp.fetches() - before).toBe(2);
  });

  it("tells a signed-out user's earlier token to sign in again in 1 s a millisecond before the cut-off passes, and 'now' from then on", async () => {
    await useIdp();
    const earlier = await idp.sign(claimsAt(ctx, idp.issuer, 'late'));
    await ctx.t.http.post('/v1/users/late/revoke').set(bearer(ctx.tenant.key)).expect(200);
    // The revocation's second plus the issuer's clock skew (60 s): tokens stamped after it work.
    const signInAfter = new Date((Math.floor(ctx.clock.now().getTime() / 1000) + 61) * 1000);
    const refusal = async () => (await clientIssue(ctx.t, ctx.tenant, earlier).expect(401)).body.error;

    ctx.clock.set(new Date(signInAfter.getTime() - 1));
    const justBefore = await refusal();
    expect(justBefore).toMatchObject({
      code: 'end_user_revoked',
      details: { signInAfter: signInAfter.toISOString(), signInAfterSeconds: 1 },
    });
    expect(justBefore.message).toContain(`sign in again from ${signInAfter.toISOString()} (in 1 s)`);
    ctx.clock.set(signInAfter);
    const from = await refusal();
    expect(from).toMatchObject({ code: 'end_user_revoked', details: { signInAfter: signInAfter.toISOString(), signInAfterSeconds: 0 } });
    expect(from.message).toMatch(/sign in again now$/);
    ctx.clock.advance(5_000);
    expect((await refusal()).details.signInAfterSeconds).toBe(0);
  });

  it("verifies only with the keys of a set marked for signatures: not with one for encryption, nor one whose key_ops leave out 'verify'", async () => {
    const markedAs = async (marks: Record<string, unknown>) => {
      const key = await createSigningKey('RS256');
      return { ...key, publicJwk: { ...key.publicJwk, use: undefined, ...marks } };
    };
    const [forEncryption, encryptOnly, verifyOps] = await Promise.all([
      markedAs({ use: 'enc' }),
      markedAs({ key_ops: ['encrypt'] }),
      markedAs({ key_ops: ['verify'] }),
    ]);
    jwks.keys = [jwksKey, forEncryption, encryptOnly, verifyOps];
    try {
      expect((await useJwksServer({ jwksUrl: `${jwks.url}?marked` })).status).toBe(200);
      const signedWith = (key: SigningKey) => signToken(claimsAt(ctx, JWKS_ISSUER, 'marked'), key);
      expect(await outcome(await signedWith(verifyOps))).toBe('201 marked');
      expect(await outcome(await signedWith(forEncryption))).toBe('401 end_user_key_unknown');
      expect(await outcome(await signedWith(encryptOnly))).toBe('401 end_user_key_unknown');
      const statuses = (await ctx.t.http.get('/v1/end-user-auth').set(bearer(ctx.tenant.key)).expect(200)).body.issuers;
      expect(statuses[0].jwks.keyIds).toEqual([jwksKey.kid, verifyOps.kid]);
    } finally {
      jwks.keys = [jwksKey];
    }
  });

  it('trusts an issuer and an audience of 500 characters each, and refuses to configure either one character longer', async () => {
    const longest = { issuer: `https://${'i'.repeat(492)}`, audience: 'a'.repeat(500) };
    expect([longest.issuer.length, longest.audience.length]).toEqual([500, 500]);
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ ...longest, publicKeyPem: jwksKey.publicPem }] });
    const claims = { ...claimsAt(ctx, longest.issuer, 'lengthy'), aud: longest.audience };
    expect(await outcome(await signToken(claims, jwksKey))).toBe('201 lengthy');
    for (const field of ['issuer', 'audience'] as const) {
      const refused = await ctx.t.http
        .put('/v1/end-user-auth')
        .set(bearer(ctx.tenant.key))
        .send({ sessions: false, issuers: [{ ...longest, [field]: `${longest[field]}x`, publicKeyPem: jwksKey.publicPem }] });
      expect([field, refused.status, refused.body.error?.details?.fields?.[0]?.field]).toEqual([field, 400, `issuers[0].${field}`]);
    }
  });

  it.each([
    ['clockSkewSeconds', 0, 300],
    ['jwksMaxAgeSeconds', 10, 3600],
  ])('takes an issuer %s of %i to %i, and refuses one a second outside', async (field, lowest, highest) => {
    const issuerWith = (value: number) => ({
      issuer: JWKS_ISSUER,
      audience: 'callpass',
      jwksUrl: jwks.url,
      checkJwks: false,
      [field]: value,
    });
    const put = (value: number) =>
      ctx.t.http
        .put('/v1/end-user-auth')
        .set(bearer(ctx.tenant.key))
        .send({ sessions: false, issuers: [issuerWith(value)] });
    for (const value of [lowest, highest]) expect([value, (await put(value)).body.issuers?.[0]?.[field]]).toEqual([value, value]);
    for (const value of [lowest - 1, highest + 1]) {
      const refused = await put(value);
      expect([value, refused.status, refused.body.error?.details?.fields?.[0]?.field]).toEqual([value, 400, `issuers[0].${field}`]);
    }
  });

  it('takes a key set of exactly 64 KB, and refuses one a byte larger', async () => {
    jwks.sizeBytes = 64 * 1024;
    try {
      const taken = await useJwksServer();
      expect(taken.status).toBe(200);
      expect(await outcome(await signToken(claimsAt(ctx, JWKS_ISSUER, 'sized'), jwksKey))).toBe('201 sized');
      jwks.sizeBytes = 64 * 1024 + 1;
      // Another URL: a stored jwksUrl that fetched well is not checked again.
      const refused = await useJwksServer({ jwksUrl: `${jwks.url}?one-byte-more` });
      expect([refused.status, refused.body.error?.details]).toEqual([422, { issuer: JWKS_ISSUER, cause: 'too_large' }]);
    } finally {
      jwks.sizeBytes = undefined;
    }
  });

  it.each(['no-store', 'max-age=0', 'max-age=1'])(
    'uses a key set answered with Cache-Control %s for 5 s all the same, and fetches it again at exactly 5 s',
    async (cacheControl) => {
      jwks.cacheControl = cacheControl;
      try {
        await useJwksServer({ checkJwks: false, jwksMaxAgeSeconds: 600 });
        const token = await signToken(claimsAt(ctx, JWKS_ISSUER, 'cached'), jwksKey);
        const before = jwks.fetches;
        expect(await outcome(token)).toBe('201 cached');
        const fetchedAt = ctx.clock.now().getTime();
        ctx.clock.set(new Date(fetchedAt + 4_999));
        expect(await outcome(await signToken(claimsAt(ctx, JWKS_ISSUER, 'cached'), jwksKey))).toBe('201 cached');
        expect(jwks.fetches - before).toBe(1);
        ctx.clock.set(new Date(fetchedAt + 5_000));
        expect(await outcome(await signToken(claimsAt(ctx, JWKS_ISSUER, 'cached'), jwksKey))).toBe('201 cached');
        expect(jwks.fetches - before).toBe(2);
      } finally {
        jwks.cacheControl = undefined;
      }
    },
  );

  it("uses a key set for the issuer's jwksMaxAgeSeconds when its Cache-Control allows longer", async () => {
    jwks.cacheControl = 'public, max-age=3600';
    try {
      await useJwksServer({ checkJwks: false, jwksMaxAgeSeconds: 10 });
      const sign = () => signToken(claimsAt(ctx, JWKS_ISSUER, 'capped'), jwksKey);
      const before = jwks.fetches;
      expect(await outcome(await sign())).toBe('201 capped');
      const fetchedAt = ctx.clock.now().getTime();
      ctx.clock.set(new Date(fetchedAt + 9_999));
      expect(await outcome(await sign())).toBe('201 capped');
      expect(jwks.fetches - before).toBe(1);
      ctx.clock.set(new Date(fetchedAt + 10_000));
      expect(await outcome(await sign())).toBe('201 capped');
      expect(jwks.fetches - before).toBe(2);
    } finally {
      jwks.cacheControl = undefined;
    }
  });
});

describe('sessions and refresh leases at their limits', () => {
  let ctx: IssuingContext;
  let signalwireEndpoint: { id: string };
  let twilioUser: string;
  const createSessionAnswer = (body: Record<string, unknown>) => ctx.t.http.post('/v1/sessions').set(bearer(ctx.tenant.key)).send(body);
  const refresh = (tokenId: string) => ctx.t.http.post(`/v1/tokens/${tokenId}/refresh`).set(bearer(ctx.tenant.key));
  const leaseOf = async (tokenId: string) =>
    (await ctx.t.prisma.providerSession.findUniqueOrThrow({ where: { currentTokenId: tokenId } })).refreshLockedUntil;

  beforeAll(async () => {
    ctx = await createIssuingContext();
    const signalwire = providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire);
    signalwireEndpoint = await ctx.createEndpoint(await ctx.createAccount(signalwire), {
      identity: 'leased@example.com',
      providerOptions: { allowedAddresses: signalwire.addresses.slice(0, 1) },
    });
    const twilio = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    twilioUser = (await ctx.createEndpoint(twilio)).userId as string;
    await setTenantSettings(ctx.t, ctx.tenant);
    await configureEndUserAuth(ctx.t, ctx.tenant, { sessions: true });
  });
  afterAll(() => ctx?.close());

  it('mints for a session with 119.5 s left a token of 119 s: whole seconds, never past the session', async () => {
    const session = (await createSessionAnswer({ userId: twilioUser, ttlSeconds: 120 }).expect(201)).body;
    ctx.clock.advance(500);
    const token = await clientIssue(ctx.t, ctx.tenant, session.session, { ttlSeconds: 3600 }).expect(201);
    const [row] = await ctx.t.prisma.tokenIssuance.findMany({ where: { id: token.body.id } });
    expect(row.ttlSeconds).toBe(119);
    expect(new Date(token.body.expiresAt).getTime()).toBeLessThanOrEqual(new Date(session.expiresAt).getTime());
  });

  it('takes a session lifetime of 60 s to 24 h, and refuses one a second shorter or longer', async () => {
    await createSessionAnswer({ userId: 'lifetimes', ttlSeconds: 60 }).expect(201);
    await createSessionAnswer({ userId: 'lifetimes', ttlSeconds: 86_400 }).expect(201);
    for (const ttlSeconds of [59, 86_401]) {
      const refused = await createSessionAnswer({ userId: 'lifetimes', ttlSeconds });
      expect([ttlSeconds, refused.status, refused.body.error?.details?.fields?.[0]?.field]).toEqual([ttlSeconds, 400, 'ttlSeconds']);
    }
  });

  it('counts, when a user is signed out, only their sessions still in force: not one revoked before, nor one ending that instant', async () => {
    const alreadyRevoked = (await createSessionAnswer({ userId: 'counted' }).expect(201)).body;
    const revokedAt = (await ctx.t.http.delete(`/v1/sessions/${alreadyRevoked.id}`).set(bearer(ctx.tenant.key)).expect(200)).body.revokedAt;
    const endingNow = (await createSessionAnswer({ userId: 'counted', ttlSeconds: 60 }).expect(201)).body;
    const live = (await createSessionAnswer({ userId: 'counted', ttlSeconds: 3600 }).expect(201)).body;
    ctx.clock.advance(60_000);
    const signedOut = await ctx.t.http.post('/v1/users/counted/revoke').set(bearer(ctx.tenant.key)).expect(200);
    expect(signedOut.body.sessionsRevoked).toBe(1);
    const read = async (id: string) => (await ctx.t.http.get(`/v1/sessions/${id}`).set(bearer(ctx.tenant.key)).expect(200)).body;
    expect((await read(alreadyRevoked.id)).revokedAt).toBe(revokedAt);
    expect((await read(endingNow.id)).revokedAt).toBeNull();
    expect((await read(live.id)).revokedAt).toBe(ctx.clock.now().toISOString());
  });

  it('holds a refresh in flight for 60 s against others, and lets a refresh through once a lease left behind runs out', async () => {
    const issued = (await ctx.issue({ endpointId: signalwireEndpoint.id }).expect(201)).body;
    const held = ctx.emulators.signalwire.hold(1);
    const inFlight = refresh(issued.id).then((response) => response);
    await held.arrived();
    const lease = await leaseOf(issued.id).finally(() => held.release());
    expect(lease?.getTime()).toBe(ctx.clock.now().getTime() + 60_000);
    const next = (await inFlight).body;
    expect(await leaseOf(next.id)).toBeNull();

    // A process that died mid-refresh leaves its lease behind: the chain waits for it to run out, and no longer.
    const leftUntil = ctx.clock.now().getTime() + 60_000;
    await ctx.t.prisma.providerSession.update({ where: { currentTokenId: next.id }, data: { refreshLockedUntil: new Date(leftUntil) } });
    ctx.clock.set(new Date(leftUntil - 1));
    expect((await refresh(next.id).expect(409)).body.error.code).toBe('token_refresh_conflict');
    ctx.clock.set(new Date(leftUntil));
    await refresh(next.id).expect(201);
  });
});

describe('the audit chain check past its first page', () => {
  let ctx: IssuingContext;

  beforeAll(async () => {
    ctx = await createIssuingContext();
  });
  afterAll(() => ctx?.close());

  it('walks a chain of more than 1,000 rows (one page) to its head, and finds it intact', async () => {
    const tenant = await createTenant(ctx.t);
    await configureEndUserAuth(ctx.t, tenant, { sessions: true });
    // Each session made is an audit event in the tenant's chain.
    for (let batch = 0; batch < 50; batch += 1) {
      await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          ctx.t.http
            .post('/v1/sessions')
            .set(bearer(tenant.key))
            .send({ userId: `paged_${batch}_${index}` })
            .expect(201),
        ),
      );
    }
    const chained = await ctx.t.prisma.auditEvent.count({ where: { chainId: tenant.id } });
    expect(chained).toBeGreaterThan(1000);
    expect(await auditVerification(ctx, tenant.id)).toEqual({ intact: true, chains: 1, rows: chained });
  });
});

/** Two replicas in this process, on one database, one Redis and one clock. */
describeWith(['redis'], 'a key set shared through Redis, at its expiry', () => {
  let database: TestDatabase;
  let ctx: IssuingContext;
  let second: TestApp;
  let idp: TestIdp;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { REDIS_URL: process.env.TEST_REDIS_URL! };
    ctx = await createIssuingContext({ database, env });
    second = await createTestApp({ database, clock: ctx.clock, env: { ...env, ENCRYPTION_KEYS: ctx.t.env.ENCRYPTION_KEYS } });
    idp = await startTestIdp();
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
  });
  afterAll(async () => {
    await second?.close();
    await ctx?.close();
    await database?.drop();
    await idp?.close();
  });

  it("serves another replica the stored set until the set's own expiry, and not at it: a removed key then stops working", async () => {
    const removedKey = idp.keys[0];
    const signedWithRemovedKey = () => idp.sign(claimsAt(ctx, idp.issuer, 'shared'), { key: removedKey });
    // Each replica's verifier is asked itself: passport keeps one strategy per name in a process, so both apps' HTTP
    // routes would authenticate end users with the verifier of whichever app registered last.
    const verifiedBy = (app: TestApp, token: string) =>
      app.app
        .get(IdentityTokenVerifierService)
        .verify(ctx.tenant.id, token)
        .then(
          (identity) => identity.userId,
          (error: AppError) => error.code,
        );
    const before = idp.fetches();
    expect(await verifiedBy(ctx.t, await signedWithRemovedKey())).toBe('shared');
    const fetchedAt = ctx.clock.now().getTime();
    expect(idp.fetches() - before).toBe(1);
    await idp.rotate({ retire: true });

    // The issuer's default jwksMaxAgeSeconds (60 s): the second replica takes the first one's set from Redis.
    ctx.clock.set(new Date(fetchedAt + 59_999));
    expect(await verifiedBy(second, await signedWithRemovedKey())).toBe('shared');
    expect(idp.fetches() - before).toBe(1);
    ctx.clock.set(new Date(fetchedAt + 60_000));
    expect(await verifiedBy(second, await signedWithRemovedKey())).toBe('end_user_key_unknown');
    expect(idp.fetches() - before).toBe(2);
  });
});

/** One app (passport keeps one strategy per name in a process), on Redis. */
describeWith(['redis'], 'a key set shared through Redis, when its issuer is re-pointed', () => {
  let ctx: IssuingContext;
  let idpA: TestIdp;
  let idpB: TestIdp;

  beforeAll(async () => {
    ctx = await createIssuingContext({ env: { REDIS_URL: process.env.TEST_REDIS_URL! } });
    idpA = await startTestIdp();
    idpB = await startTestIdp();
    await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio), { policy: { autoEnroll: true } });
    await setTenantSettings(ctx.t, ctx.tenant);
  });
  afterAll(async () => {
    await ctx?.close();
    await idpA?.close();
    await idpB?.close();
  });

  it("fetches the new jwksUrl's set, not the old set stored in Redis, once the issuer's row changes", async () => {
    const issuer = idpA.issuer;
    const signedWithA = async () => idpA.sign(claimsAt(ctx, issuer, 'alice'));
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer, audience: 'callpass', jwksUrl: idpA.jwksUrl }] });
    const fetchesOfA = idpA.fetches();
    await clientIssue(ctx.t, ctx.tenant, await signedWithA()).expect(201);
    expect(idpA.fetches() - fetchesOfA).toBe(1);

    // The same issuer now publishes its keys at B, which lacks A's key.
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer, audience: 'callpass', jwksUrl: idpB.jwksUrl }] });
    const fetchesOfB = idpB.fetches();
    ctx.clock.advance(1_000);
    const refused = await clientIssue(ctx.t, ctx.tenant, await signedWithA()).expect(401);
    expect(refused.body.error.code).toBe('end_user_key_unknown');
    expect(idpB.fetches() - fetchesOfB).toBe(1);
    await clientIssue(ctx.t, ctx.tenant, await idpB.sign(claimsAt(ctx, issuer, 'alice'))).expect(201);
  });
});
