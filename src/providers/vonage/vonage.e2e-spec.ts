import { createPublicKey, KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { createIssuingContext, issuanceRows, IssuingContext } from '../../../test/helpers/issuing';
import { ecKeyPair, rsaKeyPair } from '../../../test/helpers/key-pairs';
import { findLeaks, rowsAsText } from '../../../test/helpers/leaks';
import { closedPort } from '../../../test/helpers/tcp-proxy';
import { bearer } from '../../../test/helpers/test-app';
import { providerKits } from '../provider-kits';
import { CLIENT_ACL_PATHS } from './vonage-tokens';

type VonageAccount = ReturnType<typeof providerKits.vonage.emulatedAccount>;

/** The base64 lines of a PEM: what a leaked key would show. */
const keyLines = (pem: string) => pem.split('\n').filter((line) => line.length > 0 && !line.startsWith('-----'));

describe('Vonage tokens', () => {
  let ctx: IssuingContext;
  let account: VonageAccount;
  let accountId: string;
  let publicKey: KeyObject;

  const emulator = () => ctx.emulators.vonage;
  const verified = (token: string, key = publicKey) => jwtVerify(token, key, { algorithms: ['RS256'], currentDate: ctx.clock.now() });
  const openSession = async (token: string) => {
    const response = await fetch(`${emulator().url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const tenantCall = (method: 'get' | 'post' | 'patch' | 'delete', route: string) => ctx.t.http[method](route).set(bearer(ctx.tenant.key));

  beforeAll(async () => {
    ctx = await createIssuingContext();
    account = providerKits.vonage.emulatedAccount(emulator());
    accountId = await ctx.createAccount(account);
    publicKey = createPublicKey(account.secrets.privateKey);
  });
  afterEach(() => {
    emulator().clearFaults();
    Object.assign(emulator().checks, { duplicateNameStatus: 409, rateLimited: false });
  });
  afterAll(() => ctx?.close());

  describe('the account', () => {
    it('refuses a key that cannot sign RS256 tokens with a 400 naming the reason, never echoing the key', async () => {
      const ec = ecKeyPair();
      const cases = [
        [ec.privateKey, 'privateKey must be an RSA key (tokens are signed with RS256), not ec'],
        [
          createPublicKey(account.secrets.privateKey).export({ type: 'spki', format: 'pem' }).toString(),
          'privateKey is a public key: store the private key of the application',
        ],
        [account.secrets.privateKey.replace(/\n/g, '\\n'), expect.stringMatching(/^privateKey must be an RSA private key in PEM/)],
        // Only the first block would be parsed: the 1024-bit key after it would go unchecked.
        [
          account.secrets.privateKey + rsaKeyPair(1024).privateKey,
          "privateKey must be one PEM block, not 2: store only the application's private key",
        ],
      ] as const;
      for (const [privateKey, message] of cases) {
        const response = await tenantCall('post', '/v1/provider-accounts')
          .send({ provider: 'vonage', name: 'refused', config: account.config, secrets: { privateKey } })
          .expect(400);
        expect(response.body.error).toMatchObject({
          code: 'validation_failed',
          details: { fields: [{ field: 'secrets.privateKey', messages: [message] }] },
        });
        for (const line of keyLines(privateKey.replace(/\\n/g, '\n'))) expect(response.text).not.toContain(line);
      }
    });

    it('stores the key encrypted and never returns it', async () => {
      const fetched = await tenantCall('get', `/v1/provider-accounts/${accountId}`).expect(200);
      expect(fetched.body).toMatchObject({ provider: 'vonage', config: account.config, secrets: { privateKey: '****---\n' } });
      const listed = await tenantCall('get', '/v1/provider-accounts').expect(200);
      const row = await ctx.t.prisma.providerAccount.findUniqueOrThrow({ where: { id: accountId } });
      for (const line of keyLines(account.secrets.privateKey)) {
        expect(fetched.text).not.toContain(line);
        expect(listed.text).not.toContain(line);
        expect(JSON.stringify(row)).not.toContain(line);
      }
    });
  });

  it('mints for a user that exists at Vonage, without calling Vonage: jose verifies it, and the emulator opens a session with it', async () => {
    emulator().addUser(account.config.applicationId, 'alice_42');
    const endpoint = await ctx.createEndpoint(accountId, { userId: 'alice_42' });
    expect(endpoint.providerData).toEqual({});
    const received = emulator().receivedCount;

    const response = await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 3600 }).expect(201);
    expect(emulator().receivedCount).toBe(received);
    const now = ctx.clock.now();
    const iat = Math.floor(now.getTime() / 1000);
    expect(response.body).toEqual({
      id: expect.any(String),
      provider: 'vonage',
      kind: 'access_token',
      token: expect.any(String),
      identity: 'alice_42',
      expiresAt: new Date((iat + 3600) * 1000).toISOString(),
      refreshAfter: new Date((iat + 3600 - 300) * 1000).toISOString(),
      serverTime: now.toISOString(),
      capabilities: ['incoming', 'outgoing'],
      applicationId: account.config.applicationId,
      region: 'us',
    });
    const { payload, protectedHeader } = await verified(response.body.token);
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({
      application_id: account.config.applicationId,
      sub: 'alice_42',
      acl: { paths: Object.fromEntries(CLIENT_ACL_PATHS.map((path) => [path, {}])) },
      iat,
      jti: response.body.id,
      exp: iat + 3600,
    });
    expect(await openSession(response.body.token)).toMatchObject({ status: 201, body: { user: { name: 'alice_42' } } });
  });

  it('refuses a session when no Vonage user has the name: provisioning is what creates it', async () => {
    const endpoint = await ctx.createEndpoint(accountId, { userId: 'nobody' });
    const { body } = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    expect(await openSession(body.token)).toMatchObject({ status: 404, body: { code: 'user:error:not-found' } });
  });

  it("works with the kit's demo credentials, as npm run emulators prints them", async () => {
    const { applicationId, region, privateKey } = providerKits.vonage.demoCredentials;
    providerKits.vonage.registerDemoCredentials(emulator());
    const demoId = await ctx.createAccount({
      provider: 'vonage',
      baseUrl: emulator().url,
      config: { applicationId, region },
      secrets: { privateKey },
    });
    const endpoint = await ctx.createEndpoint(demoId, providerKits.vonage.demoEndpoint());
    expect(endpoint.identity).toBe('alice');
    const { body } = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    expect(await openSession(body.token)).toMatchObject({ status: 201, body: { user: { name: 'alice' } } });
  });

  describe('provisioning', () => {
    it('creates the Vonage user with an admin JWT and keeps its id; tokens for it open sessions', async () => {
      const endpoint = await ctx.createEndpoint(accountId, { userId: 'bob', provision: true });
      const user = emulator().userNamed(account.config.applicationId, 'bob')!;
      expect(endpoint.providerData).toEqual({ vonageUserId: user.id, vonageUserCreated: true });
      expect(user.id).toMatch(/^USR-[0-9a-f-]{36}$/);

      const [create] = emulator()
        .requestsTo('POST', /^\/v1\/users$/)
        .slice(-1);
      expect(create.headers['content-type']).toBe('application/json');
      expect(create.body).toEqual({ name: 'bob' });
      const { payload, protectedHeader } = await verified(create.bearer!);
      const iat = Math.floor(ctx.clock.now().getTime() / 1000);
      expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' });
      expect(payload).toEqual({ application_id: account.config.applicationId, iat, jti: expect.any(String), exp: iat + 300 });

      const { body } = await ctx.issue({ endpointId: endpoint.id }).expect(201);
      expect(await openSession(body.token)).toMatchObject({ status: 201, body: { user: { id: user.id, name: 'bob' } } });
      const events = await tenantCall('get', '/v1/audit-events').query({ targetId: endpoint.id, action: 'endpoint.created' }).expect(200);
      expect(events.body.data).toMatchObject([{ outcome: 'success', details: { provisioned: true, userId: 'bob' } }]);
    });

    it.each([409, 400] as const)(
      'adopts the user Vonage already has under the name (duplicate answered %i), and leaves it in place on delete',
      async (status) => {
        emulator().checks.duplicateNameStatus = status;
        const name = `carol_${status}`;
        const existing = emulator().addUser(account.config.applicationId, name);
        const endpoint = await ctx.createEndpoint(accountId, { userId: name, provision: true });
        emulator().checks.duplicateNameStatus = 409;
        expect(endpoint.providerData).toEqual({ vonageUserId: existing.id, vonageUserCreated: false });
        const [lookup] = emulator()
          .requestsTo('GET', /\/v1\/users$/)
          .slice(-1);
        expect(lookup.query.get('name')).toBe(name);

        await tenantCall('delete', `/v1/endpoints/${endpoint.id}`).expect(204);
        expect(emulator().userNamed(account.config.applicationId, name)).toEqual(existing);
      },
    );

    it('deletes the user it created with the endpoint, and counts one already gone as deleted', async () => {
      const endpoint = await ctx.createEndpoint(accountId, { userId: 'erin', provision: true });
      const userId = (endpoint.providerData as { vonageUserId: string }).vonageUserId;
      await tenantCall('delete', `/v1/endpoints/${endpoint.id}`).expect(204);
      const [removal] = emulator()
        .requestsTo('DELETE', /^\/v1\/users\//)
        .slice(-1);
      expect(removal.path).toBe(`/v1/users/${userId}`);
      expect(emulator().userNamed(account.config.applicationId, 'erin')).toBeUndefined();

      const gone = await ctx.createEndpoint(accountId, { userId: 'frank', provision: true });
      emulator()
        .applications.get(account.config.applicationId)!
        .users.delete((gone.providerData as { vonageUserId: string }).vonageUserId);
      await tenantCall('delete', `/v1/endpoints/${gone.id}`).expect(204);
      expect(await ctx.t.prisma.endpoint.count({ where: { id: gone.id } })).toBe(0);
    });

    it("does not delete another endpoint's user when a second endpoint asks for the same identity", async () => {
      const first = await ctx.createEndpoint(accountId, { userId: 'grace', provision: true });
      const response = await tenantCall('post', '/v1/endpoints')
        .send({ providerAccountId: accountId, userId: 'grace-again', identity: 'grace', provision: true })
        .expect(409);
      expect(response.body.error.code).toBe('endpoint_identity_taken');
      expect(emulator().userNamed(account.config.applicationId, 'grace')?.id).toBe(
        (first.providerData as { vonageUserId: string }).vonageUserId,
      );
    });

    it('keeps the user it created for an endpoint that lost its identity to another, whose tokens name that user', async () => {
      const other = await ctx.createEndpoint(accountId, { userId: 'lena', identity: 'lena' });
      expect(emulator().userNamed(account.config.applicationId, 'lena')).toBeUndefined();
      const response = await tenantCall('post', '/v1/endpoints')
        .send({ providerAccountId: accountId, userId: 'lena-again', identity: 'lena', provision: true })
        .expect(409);
      expect(response.body.error.code).toBe('endpoint_identity_taken');
      expect(emulator().userNamed(account.config.applicationId, 'lena')).toBeDefined();
      const { body } = await ctx.issue({ endpointId: other.id }).expect(201);
      expect(await openSession(body.token)).toMatchObject({ status: 201 });
    });

    it('refuses a name Vonage might not take before calling Vonage', async () => {
      const received = emulator().receivedCount;
      const response = await tenantCall('post', '/v1/endpoints')
        .send({ providerAccountId: accountId, userId: 'heidi', identity: 'heidi@acme.example', provision: true })
        .expect(400);
      expect(response.body.error).toMatchObject({ code: 'identity_invalid', details: { provider: 'vonage' } });
      expect(emulator().receivedCount).toBe(received);
    });

    it("passes Vonage's problem body on as provider_rejected_request, and stores no endpoint", async () => {
      emulator().failNext(1, {
        kind: 'status',
        status: 400,
        body: {
          type: 'https://developer.vonage.com/api/conversation#http:error:validation-fail',
          title: 'Bad Request',
          detail: 'name is invalid',
          code: 'http:error:validation-fail',
        },
      });
      const response = await tenantCall('post', '/v1/endpoints')
        .send({ providerAccountId: accountId, userId: 'ivan', provision: true })
        .expect(422);
      expect(response.body.error).toMatchObject({
        code: 'provider_rejected_request',
        details: {
          provider: 'vonage',
          providerStatus: 400,
          providerCode: 'http:error:validation-fail',
          providerMessage: 'Bad Request: name is invalid',
        },
      });
      expect(await ctx.t.prisma.endpoint.count({ where: { userId: 'ivan' } })).toBe(0);

      emulator().failNext(1, {
        kind: 'status',
        status: 422,
        body: { type: 'https://developer.vonage.com/api-errors#invalid-params', title: 'Invalid parameters' },
      });
      const untyped = await tenantCall('post', '/v1/endpoints')
        .send({ providerAccountId: accountId, userId: 'ivan', provision: true })
        .expect(422);
      expect(untyped.body.error.details).toMatchObject({
        providerStatus: 422,
        providerCode: 'invalid-params',
        providerMessage: 'Invalid parameters',
      });
    });

    it('never passes on the admin JWT it called Vonage with, when Vonage quotes the request back', async () => {
      emulator().failNext(1, { kind: 'echo', status: 400 });
      const quoted = await tenantCall('post', '/v1/endpoints')
        .send({ providerAccountId: accountId, userId: 'kim', provision: true })
        .expect(422);
      const authorization = emulator().requests.at(-1)!.headers.authorization!;
      expect(authorization).toMatch(/^Bearer eyJ/);
      expect(quoted.body.error.details.providerMessage).toContain('[redacted]');
      expect(findLeaks(`${quoted.text}\n${ctx.t.logs.join('\n')}`, [authorization])).toEqual([]);
    });

    it('maps a rate limit to 503 provider_unavailable and a key Vonage does not know to 502 provider_auth_failed, never echoing the key', async () => {
      emulator().checks.rateLimited = true;
      const limited = await tenantCall('post', '/v1/endpoints').send({ providerAccountId: accountId, userId: 'judy', provision: true });
      emulator().checks.rateLimited = false;
      expect(limited.status).toBe(503);
      expect(limited.body.error).toMatchObject({ code: 'provider_unavailable', details: { provider: 'vonage', reason: 'rate_limited' } });

      const stranger = rsaKeyPair();
      const strangerId = await ctx.createAccount(account, { secrets: { privateKey: stranger.privateKey } });
      const refused = await tenantCall('post', '/v1/endpoints')
        .send({ providerAccountId: strangerId, userId: 'judy', provision: true })
        .expect(502);
      expect(refused.body.error).toMatchObject({ code: 'provider_auth_failed', details: { provider: 'vonage', providerStatus: 401 } });
      for (const line of keyLines(stranger.privateKey)) expect(refused.text).not.toContain(line);
    });
  });

  describe('policy', () => {
    let endpointId: string;
    beforeAll(async () => {
      endpointId = (await ctx.createEndpoint(accountId, { userId: 'ken', provision: true })).id;
    });

    it("lives Vonage's own 15 minutes unless the tenant or the account sets a default", async () => {
      const plain = decodeJwt((await ctx.issue({ endpointId }).expect(201)).body.token);
      expect(plain.exp! - plain.iat!).toBe(900);
      await tenantCall('patch', `/v1/provider-accounts/${accountId}`)
        .send({ policy: { tokenTtl: { defaultSeconds: 300 } } })
        .expect(200);
      try {
        const chosen = decodeJwt((await ctx.issue({ endpointId }).expect(201)).body.token);
        expect(chosen.exp! - chosen.iat!).toBe(300);
      } finally {
        await tenantCall('patch', `/v1/provider-accounts/${accountId}`).send({ policy: {} }).expect(200);
      }
    });

    it("cuts the lifetime to the account's maximum, allows Vonage's 24 h, and refuses more", async () => {
      await tenantCall('patch', `/v1/provider-accounts/${accountId}`)
        .send({ policy: { tokenTtl: { maxSeconds: 900 } } })
        .expect(200);
      try {
        const capped = decodeJwt((await ctx.issue({ endpointId, ttlSeconds: 7200 }).expect(201)).body.token);
        expect(capped.exp! - capped.iat!).toBe(900);
      } finally {
        await tenantCall('patch', `/v1/provider-accounts/${accountId}`).send({ policy: {} }).expect(200);
      }
      const longest = (await ctx.issue({ endpointId, ttlSeconds: 86_400 }).expect(201)).body.token as string;
      expect(decodeJwt(longest).exp! - decodeJwt(longest).iat!).toBe(86_400);
      expect(emulator().verify(longest)).toMatchObject({ valid: true });
      const tooLong = await ctx.issue({ endpointId, ttlSeconds: 86_401 }).expect(400);
      expect(tooLong.body.error.code).toBe('validation_failed');
    });

    it('conveys both directions whatever is asked, so mints only where both are allowed: the ACL cannot narrow them', async () => {
      const asked = await ctx.issue({ endpointId, capabilities: ['incoming'] }).expect(201);
      expect(asked.body.capabilities).toEqual(['incoming', 'outgoing']);
      const inboundOnly = await ctx.createEndpoint(accountId, { userId: 'leo', capabilities: ['incoming'] });
      const refused = await ctx.issue({ endpointId: inboundOnly.id }).expect(403);
      expect(refused.body.error).toMatchObject({ code: 'capability_not_allowed', details: { allowed: ['incoming'] } });
      const [row] = await issuanceRows(ctx, { endpointId: inboundOnly.id });
      expect(row).toMatchObject({ outcome: 'refused', errorCode: 'capability_not_allowed', provider: 'vonage', userId: 'leo' });
    });

    it('records each token by fingerprint with its grants, never the token', async () => {
      const { body } = await ctx.issue({ endpointId }).expect(201);
      const row = await ctx.t.prisma.tokenIssuance.findUniqueOrThrow({ where: { id: body.id } });
      expect(row).toMatchObject({ outcome: 'issued', provider: 'vonage', tokenKind: 'access_token', identity: 'ken', ttlSeconds: 900 });
      expect(row.tokenFingerprint).toMatch(/^sha256:[0-9a-f]{32}$/);
      expect(row.grants).toMatchObject({
        capabilities: ['incoming', 'outgoing'],
        applicationId: account.config.applicationId,
        acl: [...CLIENT_ACL_PATHS],
      });
      expect(rowsAsText(await ctx.t.prisma.tokenIssuance.findMany())).not.toContain(body.token.split('.')[2]);
    });
  });

  describe('signing is local', () => {
    it('keeps minting while Vonage is unreachable or hanging', async () => {
      const offlineId = await ctx.createAccount(account, { baseUrl: `http://127.0.0.1:${await closedPort()}` });
      const offline = await ctx.createEndpoint(offlineId, { userId: 'mallory' });
      const { body } = await ctx.issue({ endpointId: offline.id }).expect(201);
      expect((await verified(body.token)).payload.sub).toBe('mallory');

      const endpoint = await ctx.createEndpoint(accountId, { userId: 'nina' });
      emulator().failNext(1, { kind: 'hang' });
      const received = emulator().receivedCount;
      await ctx.issue({ endpointId: endpoint.id }).expect(201);
      expect(emulator().receivedCount).toBe(received);
      emulator().clearFaults();
    });

    it('signs with the new key as soon as the account is given one', async () => {
      const endpoint = await ctx.createEndpoint(accountId, { userId: 'oscar', provision: true });
      const before = (await ctx.issue({ endpointId: endpoint.id }).expect(201)).body.token as string;
      await verified(before);

      const next = rsaKeyPair();
      emulator().addApplication(account.config.applicationId, next.publicKey);
      await tenantCall('patch', `/v1/provider-accounts/${accountId}`)
        .send({ secrets: { privateKey: next.privateKey } })
        .expect(200);
      const after = (await ctx.issue({ endpointId: endpoint.id }).expect(201)).body.token as string;
      expect(decodeProtectedHeader(after)).toEqual({ alg: 'RS256', typ: 'JWT' });
      await expect(verified(after)).rejects.toThrow('signature verification failed');
      expect((await verified(after, createPublicKey(next.publicKey))).payload.sub).toBe('oscar');
      expect(await openSession(after)).toMatchObject({ status: 201 });
      expect(await openSession(before)).toMatchObject({ status: 401, body: { code: 'system:error:invalid-token' } });
    });
  });
});
