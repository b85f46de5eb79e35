import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { base64url, JWK, SignJWT } from 'jose';
import { JwksCacheService } from '../../src/end-users/jwks-cache.service';
import { providerKits } from '../../src/providers/provider-kits';
import { createEndpoint, createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import {
  claimsAt,
  clientIssue,
  configureEndUserAuth,
  countedRefusals,
  createEnrollingContext,
  createIdpContext,
  createSession,
} from '../helpers/end-users';
import { IssuingContext } from '../helpers/issuing';
import { bearer } from '../helpers/test-app';
import { createSigningKey, signToken, SigningKey, startTestIdp, TestIdp } from '../helpers/test-idp';

const SHARED_SECRET = 'a-shared-secret-for-hs256-at-least-32-chars';
const TYPED_ISSUER = 'https://typed.example/';
const SHARED_ISSUER = 'https://shared.example/';
const OTHER_TENANT_ISSUER = 'https://other-tenant.example/';

function unsigned(header: object, claims: object): string {
  const part = (value: object) => base64url.encode(JSON.stringify(value));
  return `${part(header)}.${part(claims)}.`;
}

describe('end users with an identity provider (JWT)', () => {
  let ctx: IssuingContext;
  let idp: TestIdp;
  let typedKey: SigningKey;
  let otherTenant: TestTenant;
  let otherTenantKey: SigningKey;

  beforeAll(async () => {
    ctx = await createEnrollingContext();
    idp = await startTestIdp();
    typedKey = await createSigningKey('ES256', 'typed');
    otherTenantKey = await createSigningKey('RS256', 'other');
    await configureEndUserAuth(ctx.t, ctx.tenant, {
      issuers: [
        // One user base signs in through all three: they share user ids (the same, empty, prefix).
        { issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl, algorithms: ['RS256'], userIdPrefix: '' },
        {
          issuer: TYPED_ISSUER,
          audience: 'callpass',
          publicKeyPem: typedKey.publicPem,
          tokenType: 'at+jwt',
          userClaim: 'uid',
          userIdPrefix: '',
        },
        { issuer: SHARED_ISSUER, audience: 'callpass', secret: SHARED_SECRET, userIdPrefix: '' },
      ],
    });
    otherTenant = await createTenant(ctx.t);
    await configureEndUserAuth(ctx.t, otherTenant, {
      issuers: [{ issuer: OTHER_TENANT_ISSUER, audience: 'callpass', publicKeyPem: otherTenantKey.publicPem }],
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await idp?.close();
  });

  it("judges a token it accepted before afresh once the tenant's issuers change, and never for another tenant", async () => {
    const tenant = await createTenant(ctx.t);
    const key = await createSigningKey('RS256', 'reconfigured');
    const issuer = 'https://reconfigured.example/';
    const configure = (issuers: object[]) => configureEndUserAuth(ctx.t, tenant, { issuers });
    await configure([{ issuer, audience: 'callpass', publicKeyPem: key.publicPem }]);
    const token = await signToken(claimsAt(ctx, issuer, 'rita'), key);
    const outcome = async (to = tenant) => {
      const response = await clientIssue(ctx.t, to, token);
      return response.status === 401 ? response.body.error.code : 'authenticated';
    };
    // Authenticated (and remembered): no endpoint to mint for, which is not what this is about.
    expect(await outcome()).toBe('authenticated');
    expect(await outcome()).toBe('authenticated');
    expect(await outcome(otherTenant)).toBe('end_user_issuer_unknown');
    await configure([{ issuer, audience: 'another-api', publicKeyPem: key.publicPem }]);
    expect(await outcome()).toBe('end_user_audience_mismatch');
    await configure([]);
    expect(await outcome()).toBe('end_user_issuer_unknown');
  });

  it("revokes a user id only at the tenant that revoked it: another tenant's user of the same id is remembered apart", async () => {
    const [revoking, keeping] = [await createTenant(ctx.t), await createTenant(ctx.t)];
    for (const tenant of [revoking, keeping]) {
      await configureEndUserAuth(ctx.t, tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
      const { baseUrl, config, secrets } = providerKits.twilio.emulatedAccount(ctx.emulators.twilio);
      const account = await createProviderAccount(ctx.t, tenant, 'twilio', { baseUrl, config, secrets });
      await createEndpoint(ctx.t, tenant, account.id, { userId: 'alice' });
    }
    const issuedBefore = await idp.sign(claimsAt(ctx, idp.issuer, 'alice'));
    // Alice of the other tenant is looked up first: "not revoked" is remembered for her.
    expect((await clientIssue(ctx.t, keeping, issuedBefore).expect(201)).body.identity).toBe('alice');
    await ctx.t.http.post('/v1/users/alice/revoke').set(bearer(revoking.key)).expect(200);
    const refused = await clientIssue(ctx.t, revoking, issuedBefore).expect(401);
    expect(refused.body.error.code).toBe('end_user_revoked');
    expect((await clientIssue(ctx.t, keeping, issuedBefore).expect(201)).body.identity).toBe('alice');
  });

  it("revokes one user of a tenant only: another user's lookup, before or after, neither lifts nor spreads it", async () => {
    const tenant = await createTenant(ctx.t);
    await configureEndUserAuth(ctx.t, tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
    const { baseUrl, config, secrets } = providerKits.twilio.emulatedAccount(ctx.emulators.twilio);
    const account = await createProviderAccount(ctx.t, tenant, 'twilio', { baseUrl, config, secrets });
    for (const user of ['ann', 'ben']) await createEndpoint(ctx.t, tenant, account.id, { userId: user });
    const [ann, ben] = [await idp.sign(claimsAt(ctx, idp.issuer, 'ann')), await idp.sign(claimsAt(ctx, idp.issuer, 'ben'))];
    await ctx.t.http.post('/v1/users/ann/revoke').set(bearer(tenant.key)).expect(200);
    // Ben first: his "not revoked" must not be taken for Ann's.
    expect((await clientIssue(ctx.t, tenant, ben).expect(201)).body.identity).toBe('ben');
    expect((await clientIssue(ctx.t, tenant, ann).expect(401)).body.error.code).toBe('end_user_revoked');
    expect((await clientIssue(ctx.t, tenant, ben).expect(201)).body.identity).toBe('ben');
  });

  it('moves the cutoff on each sign-out: a token issued between two revocations stops working at the second', async () => {
    const tenant = await createTenant(ctx.t);
    await configureEndUserAuth(ctx.t, tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
    const { baseUrl, config, secrets } = providerKits.twilio.emulatedAccount(ctx.emulators.twilio);
    const account = await createProviderAccount(ctx.t, tenant, 'twilio', { baseUrl, config, secrets });
    await createEndpoint(ctx.t, tenant, account.id, { userId: 'bob' });
    await ctx.t.http.post('/v1/users/bob/revoke').set(bearer(tenant.key)).expect(200);
    ctx.clock.advance(120_000);
    const between = await idp.sign(claimsAt(ctx, idp.issuer, 'bob', 'callpass', 3600));
    await clientIssue(ctx.t, tenant, between).expect(201);
    ctx.clock.advance(120_000);
    const second = await ctx.t.http.post('/v1/users/bob/revoke').set(bearer(tenant.key)).expect(200);
    const refused = await clientIssue(ctx.t, tenant, between).expect(401);
    expect(refused.body.error.code).toBe('end_user_revoked');
    expect(Date.parse(refused.body.error.details.signInAfter)).toBeGreaterThan(Date.parse(second.body.revokedAt));
  });

  it("mints the signed-in user's own token, whatever kind of key their issuer uses", async () => {
    const viaJwks = await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, idp.issuer, 'alice'))).expect(201);
    expect(viaJwks.body).toMatchObject({ provider: 'twilio', identity: 'alice', serverTime: ctx.clock.now().toISOString() });

    const typedClaims = { ...claimsAt(ctx, TYPED_ISSUER, 'ignored'), uid: 'bob' };
    const viaPem = await clientIssue(ctx.t, ctx.tenant, await signToken(typedClaims, typedKey, { typ: 'at+jwt' })).expect(201);
    expect(viaPem.body.identity).toBe('bob');

    const shared = await new SignJWT(claimsAt(ctx, SHARED_ISSUER, 'carol'))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SHARED_SECRET));
    expect((await clientIssue(ctx.t, ctx.tenant, shared).expect(201)).body.identity).toBe('carol');

    const [row] = await ctx.t.prisma.tokenIssuance.findMany({ where: { tenantId: ctx.tenant.id, userId: 'alice' } });
    expect(row).toMatchObject({ actorKind: 'end_user', actorId: `issuer:${idp.issuer}`, outcome: 'issued' });
  });

  it('refuses every forged, misdirected or stale token with 401 and its own code, and counts each in the token log', async () => {
    const valid = (sub = 'mallory') => claimsAt(ctx, idp.issuer, sub);
    const now = Math.floor(ctx.clock.now().getTime() / 1000);
    const rsaKey = idp.keys[0];
    const attacker = await createSigningKey('RS256', rsaKey.kid);
    const attackerEs = await createSigningKey('ES256', rsaKey.kid);
    const hsWithPublicKey = await new SignJWT(valid())
      .setProtectedHeader({ alg: 'HS256', kid: rsaKey.kid })
      .sign(new TextEncoder().encode(rsaKey.publicPem));
    const genuine = await idp.sign(valid());
    const [header, payload] = genuine.split('.');
    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...valid(), sub: 'admin' }))}.${genuine.split('.')[2]}`;

    const cases: [string, string, string][] = [
      ['alg none', unsigned({ alg: 'none', typ: 'JWT' }, valid()), 'end_user_algorithm_not_allowed'],
      ['HS256 signed with the RSA public key (algorithm confusion)', hsWithPublicKey, 'end_user_algorithm_not_allowed'],
      ['an algorithm the issuer does not allow (ES256)', await signToken(valid(), attackerEs), 'end_user_algorithm_not_allowed'],
      ['an unknown kid', await idp.sign(valid(), { header: { kid: 'nobody-knows' } }), 'end_user_key_unknown'],
      ['kid path traversal', await idp.sign(valid(), { header: { kid: '../../dev/null' } }), 'end_user_key_unknown'],
      ['kid SQL injection', await idp.sign(valid(), { header: { kid: "' OR 1=1 --" } }), 'end_user_key_unknown'],
      ['a jku header', await signToken(valid(), attacker, { jku: 'https://attacker.example/jwks' }), 'end_user_token_header_refused'],
      ['an x5u header', await signToken(valid(), attacker, { x5u: 'https://attacker.example/cert' }), 'end_user_token_header_refused'],
      ['an embedded jwk', await signToken(valid(), attacker, { jwk: attacker.publicJwk }), 'end_user_token_header_refused'],
      ['an x5c chain', await signToken(valid(), attacker, { x5c: ['MIIB'] }), 'end_user_token_header_refused'],
      ['a signature by another key with the right kid', await signToken(valid(), attacker), 'end_user_signature_invalid'],
      ['a tampered payload', tampered, 'end_user_signature_invalid'],
      ['expired beyond the skew', await idp.sign({ ...valid(), iat: now - 900, exp: now - 61 }), 'end_user_token_expired'],
      ['not valid yet (nbf)', await idp.sign({ ...valid(), nbf: now + 120 }), 'end_user_token_not_yet_valid'],
      [
        'issued in the future (iat) beyond the skew',
        await idp.sign({ ...valid(), iat: now + 120, exp: now + 720 }),
        'end_user_token_not_yet_valid',
      ],
      ['an issuer the tenant does not trust', await idp.sign({ ...valid(), iss: 'https://evil.example/' }), 'end_user_issuer_unknown'],
      ['another tenant’s issuer', await signToken({ ...valid(), iss: OTHER_TENANT_ISSUER }, otherTenantKey), 'end_user_issuer_unknown'],
      ['another audience', await idp.sign({ ...valid(), aud: 'someone-else' }), 'end_user_audience_mismatch'],
      ['the wrong typ', await signToken({ ...claimsAt(ctx, TYPED_ISSUER, 'x'), uid: 'bob' }, typedKey), 'end_user_token_type_mismatch'],
      ['no user claim', await idp.sign({ ...valid(), sub: undefined }), 'end_user_claim_missing'],
      ['an empty user claim', await idp.sign({ ...valid(), sub: '' }), 'end_user_claim_missing'],
      ['no exp', await idp.sign({ ...valid(), exp: undefined }), 'end_user_claim_missing'],
      ['longer than 8 KB', await idp.sign({ ...valid(), padding: 'x'.repeat(8200) }), 'end_user_token_too_long'],
      ['not a JWT', `${header}.${payload}`, 'end_user_token_malformed'],
    ];
    const before = await countedRefusals(ctx);
    const fetchesBefore = idp.fetches();
    for (const [name, token, code] of cases) {
      const response = await clientIssue(ctx.t, ctx.tenant, token);
      expect({ name, status: response.status, code: response.body.error?.code }).toEqual({ name, status: 401, code });
      expect(response.headers['www-authenticate']).toBe('Bearer realm="callpass"');
    }
    // Nothing the tokens named was fetched; at most one refetch for the unknown kids (one per 5 s).
    expect(idp.fetches() - fetchesBefore).toBeLessThanOrEqual(1);
    const after = await countedRefusals(ctx);
    const expected: Record<string, number> = {};
    for (const [, , code] of cases) expected[code] = (expected[code] ?? 0) + 1;
    for (const [code, count] of Object.entries(expected))
      expect({ code, counted: (after[code] ?? 0) - (before[code] ?? 0) }).toEqual({ code, counted: count });
    expect(await ctx.t.prisma.endpoint.count({ where: { tenantId: ctx.tenant.id, userId: { in: ['mallory', 'admin'] } } })).toBe(0);
  });

  it('refuses a sub that is no user id (over 200 characters, or with a control character) as end_user_claim_missing', async () => {
    for (const sub of ['a'.repeat(201), 'bob\u0007']) {
      const response = await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, idp.issuer, sub)));
      expect([response.status, response.body.error?.code, response.body.error?.details?.claim]).toEqual([
        401,
        'end_user_claim_missing',
        'sub',
      ]);
    }
    // The longest user id there may be is taken: only past it is the claim refused.
    const longest = await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, idp.issuer, 'a'.repeat(200))));
    expect(longest.body.error?.code).not.toBe('end_user_claim_missing');
  });

  it('answers an unknown tenant slug exactly as a bad credential of the same kind: tenants cannot be enumerated', async () => {
    const tenant = await createTenant(ctx.t);
    await configureEndUserAuth(ctx.t, tenant, {
      sessions: true,
      issuers: [{ issuer: SHARED_ISSUER, audience: 'callpass', secret: SHARED_SECRET }],
    });
    const unknown = { ...tenant, slug: `no-such-${tenant.slug}` };
    /** Status, body and headers, but for what differs between any two answers (the request id, the date). */
    const answer = async (to: TestTenant, credential: string) => {
      const response = await clientIssue(ctx.t, to, credential);
      const { ['x-request-id']: _id, date: _date, ...headers } = response.headers as Record<string, string>;
      return { status: response.status, body: response.body as unknown, headers };
    };
    const trusted = await new SignJWT({ ...claimsAt(ctx, SHARED_ISSUER, 'nora') })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SHARED_SECRET));
    const untrusted = await signToken(claimsAt(ctx, 'https://untrusted.example/', 'nora'), otherTenantKey);
    const session = (await createSession(ctx.t, tenant, { userId: 'nora' })).session;
    const madeUpSession = `cp_sess_${'A'.repeat(49)}`;

    // A JWT: whatever it is, as a known tenant answers one from an issuer it does not trust (or a broken one).
    const asUntrusted = await answer(tenant, untrusted);
    expect(asUntrusted).toMatchObject({ status: 401, body: { error: { code: 'end_user_issuer_unknown' } } });
    expect(await answer(unknown, trusted)).toEqual(asUntrusted);
    expect(await answer(unknown, untrusted)).toEqual(asUntrusted);
    for (const broken of [
      'not-a-jwt',
      unsigned({ alg: 'RS256', jku: 'https://keys.example/' }, { iss: SHARED_ISSUER }),
      'e'.repeat(9000),
    ]) {
      expect(await answer(unknown, broken)).toEqual(await answer(tenant, broken));
    }
    // A session: the tenant's own or a made-up one, as a known tenant answers a session that is not valid.
    const asInvalidSession = await answer(tenant, madeUpSession);
    expect(asInvalidSession).toMatchObject({ status: 401, body: { error: { code: 'end_user_session_invalid' } } });
    expect(await answer(unknown, session)).toEqual(asInvalidSession);
    expect(await answer(unknown, madeUpSession)).toEqual(asInvalidSession);

    // A suspended tenant is told apart only by a credential it trusts: anything else is answered as before.
    await ctx.t.http.patch(`/v1/admin/tenants/${tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'suspended' }).expect(200);
    expect(await answer(tenant, untrusted)).toEqual(asUntrusted);
    expect(await answer(tenant, madeUpSession)).toEqual(asInvalidSession);
    expect(await answer(tenant, trusted)).toMatchObject({ status: 403, body: { error: { code: 'tenant_suspended' } } });
  });

  it('refuses a missing or non-bearer credential, and an unknown tenant', async () => {
    const missing = await ctx.t.http.post(`/v1/client/${ctx.tenant.slug}/tokens`).send({}).expect(401);
    expect(missing.body.error.code).toBe('end_user_auth_required');
    const token = await idp.sign(claimsAt(ctx, idp.issuer, 'alice'));
    const basic = await ctx.t.http.post(`/v1/client/${ctx.tenant.slug}/tokens`).set('authorization', `Basic ${token}`).send({}).expect(401);
    expect(basic.body.error.code).toBe('end_user_auth_required');
    expect((await clientIssue(ctx.t, { ...ctx.tenant, slug: 'no-such-tenant' }, token).expect(401)).body.error.code).toBe(
      'end_user_issuer_unknown',
    );
    // A tenant API key is not an end user's credential.
    expect((await clientIssue(ctx.t, ctx.tenant, ctx.tenant.key).expect(401)).body.error.code).toBe('end_user_token_malformed');
  });
});

describe("an identity provider's published keys (JWKS)", () => {
  let ctx: IssuingContext;
  let idp: TestIdp;

  beforeAll(async () => {
    ({ ctx, idp } = await createIdpContext());
  });
  afterAll(async () => {
    await ctx?.close();
    await idp?.close();
  });

  it('picks up a rotated key at once, and refetches for unknown kids at most once per 5 s', async () => {
    const before = idp.fetches();
    await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, idp.issuer, 'alice'))).expect(201);
    expect(idp.fetches() - before).toBe(1);
    await idp.rotate({ retire: true });
    const rotated = await idp.sign(claimsAt(ctx, idp.issuer, 'alice'));
    // The first token with the new kid refetches at once.
    await clientIssue(ctx.t, ctx.tenant, rotated).expect(201);
    expect(idp.fetches() - before).toBe(2);
    // Within 5 s of that refetch, another unknown kid is refused without one; from 5 s on it refetches again.
    const forged = await idp.sign(claimsAt(ctx, idp.issuer, 'alice'), { header: { kid: 'forged' } });
    ctx.clock.advance(4_999);
    expect((await clientIssue(ctx.t, ctx.tenant, forged).expect(401)).body.error.code).toBe('end_user_key_unknown');
    expect(idp.fetches() - before).toBe(2);
    ctx.clock.advance(1);
    expect((await clientIssue(ctx.t, ctx.tenant, forged).expect(401)).body.error.code).toBe('end_user_key_unknown');
    expect(idp.fetches() - before).toBe(3);
  });

  it("keeps the issuer's fresh keys working when a refetch for an unknown kid fails: only that kid is refused", async () => {
    const genuine = await idp.sign(claimsAt(ctx, idp.issuer, 'alice'));
    await clientIssue(ctx.t, ctx.tenant, genuine).expect(201);
    ctx.clock.advance(5_000);
    const before = idp.fetches();
    idp.failWith(500);
    try {
      const forged = await idp.sign(claimsAt(ctx, idp.issuer, 'alice'), { header: { kid: 'forged-during-outage' } });
      expect((await clientIssue(ctx.t, ctx.tenant, forged).expect(401)).body.error.code).toBe('end_user_key_unknown');
      expect(idp.fetches() - before).toBe(1);
      // The set fetched before the outage is still fresh: its own kid verifies, with no fetch.
      await clientIssue(ctx.t, ctx.tenant, genuine).expect(201);
      // Another unknown kid meanwhile costs the failing issuer no request.
      await clientIssue(ctx.t, ctx.tenant, forged).expect(401);
      expect(idp.fetches() - before).toBe(1);
    } finally {
      idp.failWith(undefined);
    }
  });

  it('checks each jwksUrl on PUT: one that cannot be used is refused with 422 and its cause, and nothing changes', async () => {
    const notJson = http.createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    await new Promise<void>((resolve) => notJson.listen(0, '127.0.0.1', resolve));
    const notJsonUrl = `http://127.0.0.1:${(notJson.address() as AddressInfo).port}/jwks`;
    const put = (issuer: Record<string, unknown>) =>
      ctx.t.http
        .put('/v1/end-user-auth')
        .set(bearer(ctx.tenant.key))
        .send({ issuers: [{ issuer: idp.issuer, audience: 'callpass', ...issuer }] });
    try {
      ctx.clock.advance(60_000);
      await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, idp.issuer, 'alice'))).expect(201);
      const stored = (await ctx.t.http.get('/v1/end-user-auth').set(bearer(ctx.tenant.key)).expect(200)).body;
      expect(stored.issuers[0].jwks).toMatchObject({ fetchedAt: ctx.clock.now().toISOString(), keyIds: [idp.keys[0].kid] });
      const before = idp.fetches();
      const refusals = [];
      for (const issuer of [
        { jwksUrl: `${idp.jwksUrl}-moved` },
        { jwksUrl: notJsonUrl },
        { jwksUrl: idp.jwksUrl, algorithms: ['ES256'] },
        { jwksUrl: 'http://127.0.0.1:1/jwks' },
        { jwksUrl: 'http://idp.invalid/jwks' },
      ]) {
        const response = await put(issuer);
        refusals.push([response.status, response.body.error.code, response.body.error.details, response.body.error.message]);
      }
      expect(refusals).toEqual([
        [
          422,
          'end_user_jwks_unreachable',
          { issuer: idp.issuer, cause: 'status', status: 404 },
          expect.stringContaining('HTTP status other than 200 (HTTP 404)'),
        ],
        [422, 'end_user_jwks_unreachable', { issuer: idp.issuer, cause: 'not_json' }, expect.stringContaining('not a JSON key set')],
        [422, 'end_user_jwks_unreachable', { issuer: idp.issuer, cause: 'no_usable_keys' }, expect.stringContaining('no key usable')],
        [422, 'end_user_jwks_unreachable', { issuer: idp.issuer, cause: 'connect' }, expect.stringContaining('refused or reset')],
        [422, 'end_user_jwks_unreachable', { issuer: idp.issuer, cause: 'dns' }, expect.stringContaining('does not resolve')],
      ]);
      expect(idp.fetches() - before).toBe(1);
      expect((await ctx.t.http.get('/v1/end-user-auth').set(bearer(ctx.tenant.key)).expect(200)).body).toEqual(stored);
      // Told not to check, it saves without a fetch (and forgets what the former URL gave); jwksMaxAgeSeconds is held to 10..3600.
      await put({ jwksUrl: notJsonUrl, checkJwks: false }).expect(200);
      for (const jwksMaxAgeSeconds of [9, 3601]) await put({ jwksUrl: idp.jwksUrl, jwksMaxAgeSeconds }).expect(400);
      const saved = await put({ jwksUrl: idp.jwksUrl, jwksMaxAgeSeconds: 10 }).expect(200);
      expect(saved.body.issuers[0]).toMatchObject({ jwksMaxAgeSeconds: 10, jwks: { fetchedAt: null, keyIds: [], lastError: null } });
      expect(idp.fetches() - before).toBe(2);
    } finally {
      await new Promise((resolve) => notJson.close(resolve));
      await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
    }
  });

  it('refuses a JWKS answered with any status but 200 on PUT (302 or 203 with a valid key set, 204), cause status', async () => {
    const validSet = JSON.stringify({ keys: idp.keys.map((key) => key.publicJwk) });
    let served = 0;
    const oddStatus = http.createServer((request, response) => {
      served += 1;
      const status = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('status'));
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
      if (status === 302) headers.location = idp.jwksUrl;
      response.writeHead(status, headers).end(status === 204 ? undefined : validSet);
    });
    await new Promise<void>((resolve) => oddStatus.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(oddStatus.address() as AddressInfo).port}/jwks`;
    try {
      const stored = (await ctx.t.http.get('/v1/end-user-auth').set(bearer(ctx.tenant.key)).expect(200)).body;
      const refusals = [];
      for (const status of [302, 203, 204]) {
        const response = await ctx.t.http
          .put('/v1/end-user-auth')
          .set(bearer(ctx.tenant.key))
          .send({ issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: `${base}?status=${status}` }] });
        refusals.push([response.status, response.body.error?.code, response.body.error?.details, response.body.error?.message]);
      }
      expect(refusals).toEqual(
        [302, 203, 204].map((status) => [
          422,
          'end_user_jwks_unreachable',
          { issuer: idp.issuer, cause: 'status', status },
          expect.stringContaining(`HTTP status other than 200 (HTTP ${status})`),
        ]),
      );
      // Each URL was asked once, and the 302 was not followed to the genuine key set.
      expect(served).toBe(3);
      expect((await ctx.t.http.get('/v1/end-user-auth').set(bearer(ctx.tenant.key)).expect(200)).body).toEqual(stored);
    } finally {
      await new Promise((resolve) => oddStatus.close(resolve));
      await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
    }
  });

  it('gives up on a JWKS that does not answer after 2 s of the clock (PUT: 422, cause timeout)', async () => {
    let asked!: () => void;
    const reached = new Promise<void>((resolve) => (asked = resolve));
    const silent = http.createServer(() => asked());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const jwksUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/jwks`;
      const answer = ctx.t.http
        .put('/v1/end-user-auth')
        .set(bearer(ctx.tenant.key))
        .send({ issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl }] })
        .then((response) => response);
      await reached;
      ctx.clock.advance(2_000);
      const response = await answer;
      expect([response.status, response.body.error?.details]).toEqual([422, { issuer: idp.issuer, cause: 'timeout' }]);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('answers a storm of 1,000 forged kids with at most one key-set fetch per 5 s', async () => {
    await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, idp.issuer, 'alice'))).expect(201);
    ctx.clock.advance(5_000);
    const before = idp.fetches();
    const claims = claimsAt(ctx, idp.issuer, 'mallory');
    for (let batch = 0; batch < 20; batch += 1) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, async (_, index) =>
          clientIssue(ctx.t, ctx.tenant, await idp.sign(claims, { header: { kid: `forged-${batch}-${index}` } })),
        ),
      );
      for (const response of responses) expect(response.body.error.code).toBe('end_user_key_unknown');
    }
    expect(idp.fetches() - before).toBe(1);
    // The genuine key still works throughout.
    await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, idp.issuer, 'alice'))).expect(201);
    expect(idp.fetches() - before).toBe(1);
  });
});

describe('several identity providers, and what their tokens may claim', () => {
  let ctx: IssuingContext;
  let idp: TestIdp;
  const STAGING = 'https://staging.example/';
  const stagingToken = (claims: object) =>
    new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SHARED_SECRET));

  beforeAll(async () => {
    ctx = await createEnrollingContext();
    idp = await startTestIdp();
  });
  afterAll(async () => {
    await ctx?.close();
    await idp?.close();
  });

  it('keeps the users of different issuers apart unless the tenant gives them the same prefix', async () => {
    const unprefixed = await ctx.t.http
      .put('/v1/end-user-auth')
      .set(bearer(ctx.tenant.key))
      .send({
        sessions: false,
        issuers: [
          { issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl },
          { issuer: STAGING, audience: 'callpass', secret: SHARED_SECRET },
        ],
      })
      .expect(400);
    expect(unprefixed.body.error.details.fields[0].field).toBe('issuers[0].userIdPrefix');
    await configureEndUserAuth(ctx.t, ctx.tenant, {
      issuers: [
        { issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl, userIdPrefix: 'prod_' },
        { issuer: STAGING, audience: 'callpass', secret: SHARED_SECRET, userIdPrefix: 'staging_' },
      ],
    });
    const production = await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, idp.issuer, 'alice'))).expect(201);
    expect(production.body.identity).toBe('prod_alice');
    // A staging account called "alice" is another user: it never gets production Alice's endpoint or identity.
    const staging = await clientIssue(ctx.t, ctx.tenant, await stagingToken(claimsAt(ctx, STAGING, 'alice'))).expect(201);
    expect(staging.body.identity).toBe('staging_alice');
    const users = await ctx.t.prisma.endpoint.findMany({
      where: { tenantId: ctx.tenant.id },
      select: { userId: true },
      orderBy: { userId: 'asc' },
    });
    expect(users.map(({ userId }) => userId)).toEqual(['prod_alice', 'staging_alice']);
  });

  it('refuses prefixes of which one starts another: the same user id could then come from two issuers', async () => {
    const THIRD = 'https://third.example/';
    const before = await ctx.t.http.get('/v1/end-user-auth').set(bearer(ctx.tenant.key)).expect(200);
    const put = (prefixes: string[]) =>
      ctx.t.http
        .put('/v1/end-user-auth')
        .set(bearer(ctx.tenant.key))
        .send({
          sessions: false,
          issuers: [
            { issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl, userIdPrefix: prefixes[0] },
            { issuer: STAGING, audience: 'callpass', secret: SHARED_SECRET, userIdPrefix: prefixes[1] },
            ...(prefixes.length > 2
              ? [{ issuer: THIRD, audience: 'callpass', secret: SHARED_SECRET, userClaim: 'email', userIdPrefix: prefixes[2] }]
              : []),
          ],
        });
    // The review's example: sub "bob" at the "rs_" issuer, sub "rs_bob" at the "" issuer and a verified e-mail "_bob"
    // at the "rs" issuer would all be user "rs_bob".
    const refusals: [string[], string][] = [
      [['', 'rs_', 'rs'], 'issuers[0].userIdPrefix'],
      [['rs_', 'rs', 'x:'], 'issuers[1].userIdPrefix'],
      [['staging_', ''], 'issuers[1].userIdPrefix'],
      [['a:', 'a:b:'], 'issuers[0].userIdPrefix'],
    ];
    for (const [prefixes, field] of refusals) {
      const refused = await put(prefixes).expect(400);
      expect(refused.body.error.code).toBe('validation_failed');
      expect(refused.body.error.details.fields).toEqual([
        { field, messages: [expect.stringMatching(/is the start of issuers\[\d\]\.userIdPrefix/)] },
      ]);
    }
    // Nothing was saved.
    const after = await ctx.t.http.get('/v1/end-user-auth').set(bearer(ctx.tenant.key)).expect(200);
    expect(after.body.issuers).toEqual(before.body.issuers);
    // Prefix-free prefixes are accepted, and so are identical ones (issuers that share users on purpose).
    await put(['rs:', 'rs_', 'r:']).expect(200);
    await put(['shared:', 'shared:', 'other:']).expect(200);
    await put(['', '']).expect(200);
  });

  it('takes an e-mail address as the user id only once the issuer has verified it', async () => {
    await configureEndUserAuth(ctx.t, ctx.tenant, {
      issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl, userClaim: 'email' }],
    });
    const claims = { ...claimsAt(ctx, idp.issuer, 'opaque-id'), email: 'mail@example.com' };
    const unverified = await clientIssue(ctx.t, ctx.tenant, await idp.sign(claims)).expect(401);
    expect(unverified.body.error).toMatchObject({ code: 'end_user_claim_missing', details: { claim: 'email_verified' } });
    const verified = await clientIssue(ctx.t, ctx.tenant, await idp.sign({ ...claims, email_verified: true })).expect(201);
    expect(verified.body.identity).toMatch(/^u[0-9a-f]{24}$/);
  });

  it('takes only the JSON boolean true as a verified e-mail: "false", "true", 1 and an object are refused', async () => {
    await configureEndUserAuth(ctx.t, ctx.tenant, {
      issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl, userClaim: 'email' }],
    });
    const claims = { ...claimsAt(ctx, idp.issuer, 'opaque-id'), email: 'loose@example.com' };
    for (const emailVerified of ['false', 'true', 1, { verified: true }]) {
      const refused = await clientIssue(ctx.t, ctx.tenant, await idp.sign({ ...claims, email_verified: emailVerified }));
      expect([emailVerified, refused.status]).toEqual([emailVerified, 401]);
      expect(refused.body.error).toMatchObject({ code: 'end_user_claim_missing', details: { claim: 'email_verified' } });
    }
    await clientIssue(ctx.t, ctx.tenant, await idp.sign({ ...claims, email_verified: true })).expect(201);
  });

  it('refuses an issuer no tenant could have configured without looking it up (4xx, not 500)', async () => {
    const nul = await clientIssue(
      ctx.t,
      ctx.tenant,
      await idp.sign({ ...claimsAt(ctx, idp.issuer, 'alice'), iss: 'https://idp\u0000.example/' }),
    );
    expect(nul.status).toBe(401);
    expect(nul.body.error.code).toBe('end_user_issuer_unknown');
  });

  it("stops fetching a failing key set for 10 s: made-up tokens cannot turn an issuer's outage into a request each", async () => {
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
    idp.failWith(500);
    const before = idp.fetches();
    const token = await idp.sign(claimsAt(ctx, idp.issuer, 'alice'));
    // One after the other: concurrent requests would share one fetch anyway.
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const answer = await clientIssue(ctx.t, ctx.tenant, token);
      expect(`${answer.status} ${answer.body.error?.code}`).toBe('503 end_user_keys_unavailable');
    }
    expect(idp.fetches() - before).toBe(1);
    idp.failWith(undefined);
    ctx.clock.advance(10_000);
    await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, idp.issuer, 'alice'))).expect(201);
    expect(idp.fetches() - before).toBe(2);
  });

  it('checks again on PUT a key set whose last fetch failed, though its URL is unchanged, and not one whose last fetch worked', async () => {
    const issuers = [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }];
    const put = () => ctx.t.http.put('/v1/end-user-auth').set(bearer(ctx.tenant.key)).send({ issuers, sessions: false });
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers });
    const before = idp.fetches();
    await put().expect(200);
    expect(idp.fetches()).toBe(before);

    idp.failWith(500);
    ctx.clock.advance(61_000);
    const token = await idp.sign(claimsAt(ctx, idp.issuer, 'alice'));
    expect((await clientIssue(ctx.t, ctx.tenant, token)).body.error?.code).toBe('end_user_keys_unavailable');
    const refused = await put().expect(422);
    expect(refused.body.error).toMatchObject({ code: 'end_user_jwks_unreachable', details: { issuer: idp.issuer, cause: 'status' } });
    idp.failWith(undefined);
    await put().expect(200);
    expect(idp.fetches() - before).toBe(3);
  });

  it("shows an issuer's last fetch through PUTs that keep its jwksUrl, and nothing of it once the URL changes", async () => {
    const issuer = { issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl };
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [issuer] });
    const shown = async () => (await ctx.t.http.get('/v1/end-user-auth').set(bearer(ctx.tenant.key)).expect(200)).body.issuers[0].jwks;
    // Fetched for a token (a PUT's own check records nothing).
    ctx.clock.advance(61_000);
    await clientIssue(ctx.t, ctx.tenant, await idp.sign(claimsAt(ctx, idp.issuer, 'alice'))).expect(201);
    const fetched = await shown();
    expect(fetched).toMatchObject({ fetchedAt: expect.any(String), keyIds: idp.keys.map((key) => key.kid) });
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ ...issuer, clockSkewSeconds: 30 }] });
    expect(await shown()).toEqual(fetched);
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ ...issuer, jwksUrl: `${idp.jwksUrl}/moved`, checkJwks: false }] });
    expect(await shown()).toMatchObject({ fetchedAt: null, keyIds: [] });
  });
});

/** An RS256 token signed with node's crypto, which (unlike jose) signs with an RSA key of any size. */
function signWithNode(claims: object, privateKey: KeyObject, kid: string): string {
  const part = (value: object) => base64url.encode(JSON.stringify(value));
  const signed = `${part({ alg: 'RS256', kid, typ: 'JWT' })}.${part(claims)}`;
  return `${signed}.${sign('sha256', Buffer.from(signed), privateKey).toString('base64url')}`;
}

/**
 * Verification answers a refusal (401, or 503 for an issuer's unusable keys) for whatever a token or an issuer can
 * get wrong, and anything else is a fault of Callpass: a 500, logged with its stack, never passed off as a refusal.
 */
describe('what goes wrong inside verification', () => {
  let ctx: IssuingContext;
  let served: JWK[] = [];
  let jwksServer: http.Server;
  let jwksUrl: string;

  beforeAll(async () => {
    ctx = await createEnrollingContext();
    jwksServer = http.createServer((_, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served })),
    );
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;
  });
  afterAll(async () => {
    await ctx?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  it("refuses with 401 a token whose algorithm the issuer's key cannot verify: another key type, or another curve", async () => {
    const [ecIssuer, rsaIssuer] = ['https://ec.example/', 'https://rsa.example/'];
    const [p256, p384, rsa, ed25519] = await Promise.all(['ES256', 'ES384', 'RS256', 'EdDSA'].map((alg) => createSigningKey(alg)));
    // Every asymmetric algorithm is allowed by default: the key alone decides which ones can verify.
    await configureEndUserAuth(ctx.t, ctx.tenant, {
      issuers: [
        { issuer: ecIssuer, audience: 'callpass', publicKeyPem: p256.publicPem, userIdPrefix: 'ec:' },
        { issuer: rsaIssuer, audience: 'callpass', publicKeyPem: rsa.publicPem, userIdPrefix: 'rsa:' },
      ],
    });
    const answers = [];
    for (const [issuer, key] of [
      [ecIssuer, p384],
      [ecIssuer, rsa],
      [rsaIssuer, p256],
      [rsaIssuer, ed25519],
    ] as const) {
      const response = await clientIssue(ctx.t, ctx.tenant, await signToken(claimsAt(ctx, issuer, 'eve'), key));
      answers.push([issuer, key.alg, response.status, response.body.error?.code]);
    }
    expect(answers).toEqual([
      [ecIssuer, 'ES384', 401, 'end_user_algorithm_not_allowed'],
      [ecIssuer, 'RS256', 401, 'end_user_algorithm_not_allowed'],
      [rsaIssuer, 'ES256', 401, 'end_user_algorithm_not_allowed'],
      [rsaIssuer, 'EdDSA', 401, 'end_user_algorithm_not_allowed'],
    ]);
    await clientIssue(ctx.t, ctx.tenant, await signToken(claimsAt(ctx, ecIssuer, 'eve'), p256)).expect(201);
    await clientIssue(ctx.t, ctx.tenant, await signToken(claimsAt(ctx, rsaIssuer, 'eve'), rsa)).expect(201);
  });

  it('keeps keys jose cannot use out: refused as PEMs on PUT, left out of a JWKS, and one that will not import is a 503', async () => {
    const issuer = 'https://keys.example/';
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
    for (const publicKeyPem of [pem(small.publicKey), pem(pss.publicKey)]) {
      const refused = await ctx.t.http
        .put('/v1/end-user-auth')
        .set(bearer(ctx.tenant.key))
        .send({ issuers: [{ issuer, audience: 'callpass', publicKeyPem }] })
        .expect(400);
      expect(refused.body.error.details.fields).toEqual([
        { field: 'issuers[0].publicKeyPem', messages: [expect.stringContaining('2048 bits or more')] },
      ]);
    }

    const good = await createSigningKey('RS256', 'good');
    const smallJwk: JWK = { ...small.publicKey.export({ format: 'jwk' }), kid: 'small', alg: 'RS256', use: 'sig' };
    // A point that is not on the curve: jose's set takes it, WebCrypto refuses to import it when a token names it.
    const offCurve = base64url.encode(new Uint8Array(32).fill(7));
    const brokenJwk: JWK = { kty: 'EC', crv: 'P-256', x: offCurve, y: offCurve, kid: 'broken', alg: 'ES256', use: 'sig' };
    served = [smallJwk];
    const onlySmall = await ctx.t.http
      .put('/v1/end-user-auth')
      .set(bearer(ctx.tenant.key))
      .send({ issuers: [{ issuer, audience: 'callpass', jwksUrl }] })
      .expect(422);
    expect(onlySmall.body.error.details).toEqual({ issuer, cause: 'no_usable_keys' });

    served = [smallJwk, brokenJwk, good.publicJwk];
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer, audience: 'callpass', jwksUrl }] });
    const claims = claimsAt(ctx, issuer, 'erin');
    const bySmall = await clientIssue(ctx.t, ctx.tenant, signWithNode(claims, small.privateKey, 'small'));
    expect([bySmall.status, bySmall.body.error?.code]).toEqual([401, 'end_user_key_unknown']);
    const byBroken = await clientIssue(ctx.t, ctx.tenant, await signToken(claims, { ...(await createSigningKey('ES256')), kid: 'broken' }));
    expect([byBroken.status, byBroken.body.error?.code]).toEqual([503, 'end_user_keys_unavailable']);
    expect(ctx.t.logs.filter((line) => line.includes('JWKS key unusable') && line.includes('kid=\\"broken\\"'))).toHaveLength(1);
    await clientIssue(ctx.t, ctx.tenant, await signToken(claims, good)).expect(201);
    // The key set as fetched for these tokens: the small key is not among those Callpass verifies with.
    const status = await ctx.t.http.get('/v1/end-user-auth').set(bearer(ctx.tenant.key)).expect(200);
    expect(status.body.issuers[0].jwks.keyIds).toEqual(['broken', 'good']);
  });

  it('answers an unexpected error inside verification with a 500 logged with its stack, not with a refusal', async () => {
    const issuer = 'https://faulty.example/';
    const good = await createSigningKey('RS256', 'good');
    served = [good.publicJwk];
    // The issuer's key lookup fails as a bug in Callpass would, rather than as jose or a fetch does.
    const jwks = ctx.t.app.get(JwksCacheService);
    const keysOf = jwks.keysOf.bind(jwks);
    jwks.keysOf = () =>
      Object.assign(
        async () => {
          throw new TypeError("Cannot read properties of undefined (reading 'kty')");
        },
        { trustedUntil: () => 0 },
      );
    try {
      await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [{ issuer, audience: 'callpass', jwksUrl }] });
      const response = await clientIssue(ctx.t, ctx.tenant, await signToken(claimsAt(ctx, issuer, 'frank'), good));
      expect([response.status, response.body.error?.code]).toEqual([500, 'internal_error']);
      expect(JSON.stringify(response.body)).not.toContain('kty');
      const requestId = response.body.error.details.requestId as string;
      const logged = ctx.t.logs
        .map((line) => JSON.parse(line) as { level: number; msg: string; trace?: string })
        .filter(({ msg }) => msg.includes(requestId));
      expect(logged).toEqual([
        expect.objectContaining({
          level: 50,
          msg: expect.stringContaining("Cannot read properties of undefined (reading 'kty')"),
          trace: expect.stringMatching(/^TypeError: .*\n\s+at /),
        }),
      ]);
    } finally {
      jwks.keysOf = keysOf;
    }
  });
});
