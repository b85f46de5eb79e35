import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { generateApiKey } from '../../src/crypto/api-key-codec';
import { MetricsService } from '../../src/metrics/metrics';
import { OUTBOUND_EXTRA_CA_CERTIFICATES } from '../../src/outbound/outbound-policy';
import { providerKits } from '../../src/providers/provider-kits';
import { validCredentials } from '../factories/credentials.factory';
import { createTenant } from '../factories/tenant.factory';
import { clientIssue, configureEndUserAuth, setTenantSettings } from '../helpers/end-users';
import { FakeClock } from '../helpers/fake-clock';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { OidcIdp, startOidcIdp, withKid } from '../helpers/oidc-idp';
import { createPrivateCa, PrivateCa } from '../helpers/private-ca';
import { describeWith } from '../helpers/requirements';
import { ReplicaSet, startReplicaSet } from '../helpers/replica-set';
import { callJson, startServer } from '../helpers/server-process';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/** How Callpass is told about the provider: RFC 9068 access tokens for the audience "callpass". */
const issuerConfig = (idp: OidcIdp, extra: Record<string, unknown> = {}) => ({
  issuer: idp.issuer,
  audience: 'callpass',
  jwksUrl: idp.jwksUrl,
  tokenType: 'at+jwt',
  ...extra,
});

/** The app's clock starts at the real time: oidc-provider stamps its tokens with its own. */
const clockAtNow = () => new FakeClock(new Date());
const trusting = (ca: PrivateCa) => [{ provide: OUTBOUND_EXTRA_CA_CERTIFICATES, useValue: [ca.caPem] }];

let ca: PrivateCa;
let idp: OidcIdp;

beforeAll(async () => {
  ca = createPrivateCa();
  idp = await startOidcIdp(ca);
});
afterAll(async () => {
  await idp?.close();
  ca?.remove();
});

describe('an OpenID provider rotating its keys (oidc-provider over https, a private CA)', () => {
  let ctx: IssuingContext;

  beforeAll(async () => {
    ctx = await createIssuingContext({ clock: clockAtNow(), overrides: trusting(ca) });
    await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio), { policy: { autoEnroll: true } });
    await setTenantSettings(ctx.t, ctx.tenant);
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [issuerConfig(idp)] });
  });
  afterAll(() => ctx?.close());

  it('accepts the first token signed with a newly published key at once, and refuses a removed key within 60 s', async () => {
    const oldToken = await idp.token();
    expect((await clientIssue(ctx.t, ctx.tenant, oldToken).expect(201)).body.identity).toBe('backend');

    // (a) The provider publishes a new key and signs with it: no waiting for a cooldown.
    const before = await idp.jwksFetches();
    const newKid = await idp.addKey();
    const newToken = await idp.token();
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    await clientIssue(ctx.t, ctx.tenant, newToken).expect(201);
    expect((await idp.jwksFetches()) - before).toBe(1);

    // (b) The provider removes the old key; the token it signed keeps working only until the cached set expires.
    await idp.retireOldKeys();
    const removedAt = ctx.clock.now().getTime();
    let lastAccepted = 0;
    let firstRefused: number | undefined;
    let refusal: string | undefined;
    for (let second = 0; second <= 120 && firstRefused === undefined; second += 1) {
      ctx.clock.set(new Date(removedAt + second * 1000));
      const answer = await clientIssue(ctx.t, ctx.tenant, oldToken);
      if (answer.status === 201) lastAccepted = second;
      else [firstRefused, refusal] = [second, `${answer.status} ${answer.body.error?.code}`];
    }
    process.stdout.write(`JWKS rotation: old key accepted until +${lastAccepted} s, refused from +${firstRefused} s after removal\n`);
    expect(refusal).toBe('401 end_user_key_unknown');
    expect(lastAccepted).toBe(59);
    expect(firstRefused).toBe(60);
    // The new key is unaffected.
    await clientIssue(ctx.t, ctx.tenant, newToken).expect(201);
  });

  it('uses a shorter Cache-Control max-age from the JWKS answer', async () => {
    await idp.setCacheControl('public, max-age=20');
    try {
      // A new version of the issuer row starts a new cache (fetched by the next token).
      await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [issuerConfig(idp, { jwksMaxAgeSeconds: 600 })] });
      const oldToken = await idp.token();
      await clientIssue(ctx.t, ctx.tenant, oldToken).expect(201);
      await idp.addKey();
      await idp.retireOldKeys();
      const fetchedAt = ctx.clock.now().getTime();
      ctx.clock.set(new Date(fetchedAt + 19_999));
      await clientIssue(ctx.t, ctx.tenant, oldToken).expect(201);
      ctx.clock.set(new Date(fetchedAt + 20_000));
      expect((await clientIssue(ctx.t, ctx.tenant, oldToken).expect(401)).body.error.code).toBe('end_user_key_unknown');
    } finally {
      await idp.setCacheControl(undefined);
    }
  });

  it('answers a flood of forged kids with one JWKS fetch per 5 s', async () => {
    const genuine = await idp.token();
    await clientIssue(ctx.t, ctx.tenant, genuine).expect(201);
    ctx.clock.advance(5_000);
    const before = await idp.jwksFetches();
    const answers: string[] = [];
    for (let batch = 0; batch < 4; batch += 1) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) => clientIssue(ctx.t, ctx.tenant, withKid(genuine, `forged-${batch}-${index}`))),
      );
      answers.push(...responses.map((response) => `${response.status} ${response.body.error?.code}`));
      ctx.clock.advance(1_000);
    }
    expect(new Set(answers)).toEqual(new Set(['401 end_user_key_unknown']));
    // 200 forged tokens over 4 s: one fetch.
    expect((await idp.jwksFetches()) - before).toBe(1);
    ctx.clock.advance(1_000);
    await clientIssue(ctx.t, ctx.tenant, withKid(genuine, 'forged-later')).expect(401);
    expect((await idp.jwksFetches()) - before).toBe(2);
    await clientIssue(ctx.t, ctx.tenant, genuine).expect(201);
  });

  it('shows each fetch in GET /v1/end-user-auth and counts it', async () => {
    // A new version of the issuer row: its first token fetches the set.
    await configureEndUserAuth(ctx.t, ctx.tenant, { issuers: [issuerConfig(idp, { jwksMaxAgeSeconds: 600 })] });
    ctx.clock.advance(1_000);
    await clientIssue(ctx.t, ctx.tenant, await idp.token()).expect(201);
    const { body } = await ctx.t.http.get('/v1/end-user-auth').set(bearer(ctx.tenant.key)).expect(200);
    const [issuer] = body.issuers;
    expect(issuer.jwksMaxAgeSeconds).toBe(600);
    expect(issuer.jwks).toEqual({
      fetchedAt: ctx.clock.now().toISOString(),
      keyIds: [expect.stringMatching(/^idp-key-/)],
      lastError: null,
    });
    const text = await ctx.t.app.get(MetricsService).registry.metrics();
    expect(text).toMatch(/callpass_jwks_fetches_total\{outcome="ok",cause=""\} [1-9]/);
  });
});

describe('a JWKS Callpass cannot fetch (a certificate it does not trust)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ clock: clockAtNow() });
  });
  afterAll(() => t?.close());

  it('is refused on PUT (422, cause tls), saved with checkJwks false, and then shown, logged and counted with its cause', async () => {
    const tenant = await createTenant(t);
    const refused = await t.http
      .put('/v1/end-user-auth')
      .set(bearer(tenant.key))
      .send({ issuers: [issuerConfig(idp)] })
      .expect(422);
    expect(refused.body.error).toMatchObject({ code: 'end_user_jwks_unreachable', details: { issuer: idp.issuer, cause: 'tls' } });
    expect(refused.body.error.message).toContain('TLS certificate is not trusted');
    // Nothing was stored.
    expect((await t.http.get('/v1/end-user-auth').set(bearer(tenant.key)).expect(200)).body.issuers).toEqual([]);

    await configureEndUserAuth(t, tenant, { issuers: [issuerConfig(idp, { checkJwks: false })] });
    const answer = await clientIssue(t, tenant, await idp.token());
    expect(`${answer.status} ${answer.body.error?.code}`).toBe('503 end_user_keys_unavailable');
    const { body } = await t.http.get('/v1/end-user-auth').set(bearer(tenant.key)).expect(200);
    expect(body.issuers[0].jwks).toEqual({
      fetchedAt: null,
      keyIds: [],
      lastError: { cause: 'tls', status: null, at: t.clock.now().toISOString() },
    });
    const host = new URL(idp.issuer).host;
    const logged = t.logs.filter((line) => line.includes('JWKS fetch failed') && line.includes(`tenantId=${tenant.id}`));
    expect(logged).toHaveLength(2);
    for (const line of logged) {
      expect(JSON.parse(line)).toMatchObject({ level: expect.anything() });
      expect(line).toContain(`issuer=\\"${idp.issuer}\\"`);
      expect(line).toContain(`host=${host}`);
      expect(line).toContain('cause=tls');
    }
    const text = await t.app.get(MetricsService).registry.metrics();
    expect(text).toMatch(/callpass_jwks_fetches_total\{outcome="failed",cause="tls"\} 2/);
  });
});

describe('a server process trusting the private CA through NODE_EXTRA_CA_CERTS (the operator path)', () => {
  const dataDirs: string[] = [];
  afterAll(() => dataDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('saves the jwksUrl with the CA trusted; without it, answers 422 with cause tls', async () => {
    const outcomes: string[] = [];
    for (const extra of [{ NODE_EXTRA_CA_CERTS: ca.caFile }, {}] as Record<string, string>[]) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-jwks-'));
      dataDirs.push(dataDir);
      const adminKey = generateApiKey('admin').key;
      const server = await startServer({ DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: adminKey, ALLOW_PRIVATE_NETWORK_URLS: 'true', ...extra });
      try {
        const tenant = await callJson(server.url, 'POST', '/v1/admin/tenants', adminKey, { slug: 'acme', name: 'Acme' });
        const { key } = (await callJson(server.url, 'POST', `/v1/admin/tenants/${tenant.body.id}/api-keys`, adminKey, { name: 'k' })).body;
        const { status, body } = await callJson(server.url, 'PUT', '/v1/end-user-auth', key, { issuers: [issuerConfig(idp)] });
        outcomes.push([status, body.error?.details.cause].filter(Boolean).join(' '));
      } finally {
        await server.stop();
      }
    }
    expect(outcomes).toEqual(['200', '422 tls']);
  });
});

/**
 * Server processes, not apps in this process: passport keeps one strategy per name for the whole process, so two
 * in-process apps would verify tokens with the same verifier and share its key sets without Redis.
 */
describeWith(['postgresql', 'redis'], 'two replicas sharing Redis', () => {
  let replicas: ReplicaSet;

  beforeAll(async () => {
    replicas = await startReplicaSet(2, {
      env: { REDIS_URL: process.env.TEST_REDIS_URL!, NODE_EXTRA_CA_CERTS: ca.caFile, ALLOW_PRIVATE_NETWORK_URLS: 'true' },
    });
  }, 120_000);
  afterAll(() => replicas?.stop());

  /** A tenant of its own, its user `backend` signing in with the IdP: how to ask a replica for that user's token. */
  async function tenantSigningInWithIdp(slug: string): Promise<(url: string, token: string) => Promise<string>> {
    const [first] = replicas.urls;
    const tenant = await callJson(first, 'POST', '/v1/admin/tenants', replicas.adminKey, { slug, name: slug });
    const { key } = (await callJson(first, 'POST', `/v1/admin/tenants/${tenant.body.id}/api-keys`, replicas.adminKey, { name: 'k' })).body;
    const account = await callJson(first, 'POST', '/v1/provider-accounts', key, {
      provider: 'twilio',
      name: 'main',
      ...validCredentials.twilio(),
    });
    await callJson(first, 'POST', '/v1/endpoints', key, {
      providerAccountId: account.body.id,
      userId: 'backend',
      capabilities: ['incoming'],
    });
    expect((await callJson(first, 'PUT', '/v1/end-user-auth', key, { issuers: [issuerConfig(idp)] })).status).toBe(200);
    return (url: string, token: string) =>
      fetch(`${url}/v1/client/${slug}/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      }).then(
        async (response) => `${response.status} ${((await response.json()) as { error?: { code: string } }).error?.code ?? 'issued'}`,
      );
  }

  it('make one JWKS fetch between them, for their first tokens and again for a flood of forged kids on both', async () => {
    const ask = await tenantSigningInWithIdp('acme');

    const genuine = await idp.token();
    const before = await idp.jwksFetches();
    for (const url of replicas.urls) expect(await ask(url, genuine)).toBe('201 issued');
    expect((await idp.jwksFetches()) - before).toBe(1);

    // Both replicas at once, well within one 5 s window: one refetch for all the unknown kids.
    const answers = await Promise.all(
      replicas.urls.flatMap((url) => Array.from({ length: 20 }, (_, index) => ask(url, withKid(genuine, `forged-${index}`)))),
    );
    expect(new Set(answers)).toEqual(new Set(['401 end_user_key_unknown']));
    expect((await idp.jwksFetches()) - before).toBe(2);
  });

  it('accept a key published after one of them fetched the shared set, on the other one first', async () => {
    const ask = await tenantSigningInWithIdp('globex');
    const [first, second] = replicas.urls;
    expect(await ask(first, await idp.token())).toBe('201 issued');
    await idp.addKey();
    // The second replica's first look finds the first one's set in Redis, without the new key: it refetches.
    expect(await ask(second, await idp.token())).toBe('201 issued');
  });
});
