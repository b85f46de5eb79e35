import twilio from 'twilio';
import { providerKits } from '../provider-kits';
import { EmulatedAccount } from '../provider-kit';
import { decodeJwt } from '../jwt';
import { bearer } from '../../../test/helpers/test-app';
import { createIssuingContext, issuanceRows, IssuingContext } from '../../../test/helpers/issuing';
import { rowsAsText } from '../../../test/helpers/leaks';
import { atTime } from '../../../test/helpers/at-time';

describe('Twilio tokens', () => {
  let ctx: IssuingContext;
  let account: EmulatedAccount & { config: { accountSid: string; apiKeySid: string; outgoingApplicationSid: string } };
  let accountId: string;
  let endpoint: { id: string; identity: string };

  const verify = async (token: string, route = '/v1/verify') =>
    (
      await fetch(`${ctx.emulators.twilio.url}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      })
    ).json();

  beforeAll(async () => {
    ctx = await createIssuingContext();
    account = providerKits.twilio.emulatedAccount(ctx.emulators.twilio);
    accountId = await ctx.createAccount(account);
    endpoint = await ctx.createEndpoint(accountId, { userId: 'alice_42' });
  });
  afterAll(() => ctx?.close());

  it("mints an access token byte-identical to twilio-node's for the same inputs and second, which Twilio accepts", async () => {
    const response = await ctx
      .issue({ endpointId: endpoint.id, ttlSeconds: 3600, options: { outgoingParams: { plan: 'gold' } } })
      .expect(201);
    const now = ctx.clock.now();
    expect(response.body).toEqual({
      id: expect.any(String),
      provider: 'twilio',
      kind: 'access_token',
      token: expect.any(String),
      identity: 'alice_42',
      expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
      refreshAfter: new Date(now.getTime() + 3300_000).toISOString(),
      serverTime: now.toISOString(),
      capabilities: ['incoming', 'outgoing'],
    });
    const oracle = atTime(now, () => {
      const token = new twilio.jwt.AccessToken(account.config.accountSid, account.config.apiKeySid, account.secrets.apiKeySecret, {
        identity: 'alice_42',
        ttl: 3600,
      });
      token.addGrant(
        new twilio.jwt.AccessToken.VoiceGrant({
          incomingAllow: true,
          outgoingApplicationSid: account.config.outgoingApplicationSid,
          outgoingApplicationParams: { plan: 'gold' },
        }),
      );
      return token.toJwt();
    });
    expect(decodeJwt(response.body.token)).toEqual(decodeJwt(oracle));
    expect(response.body.token).toBe(oracle);
    expect(await verify(response.body.token)).toMatchObject({ valid: true, kind: 'access_token', identity: 'alice_42' });
  });

  it('puts the home region in the twr header, as twilio-node does', async () => {
    const regional = providerKits.twilio.emulatedAccount(ctx.emulators.twilio);
    const regionalId = await ctx.createAccount(regional, { config: { ...regional.config, region: 'ie1' } });
    const regionalEndpoint = await ctx.createEndpoint(regionalId, { userId: 'bob', capabilities: ['incoming'] });
    const response = await ctx.issue({ endpointId: regionalEndpoint.id, ttlSeconds: 600 }).expect(201);
    const oracle = atTime(ctx.clock.now(), () => {
      const token = new twilio.jwt.AccessToken(regional.config.accountSid, regional.config.apiKeySid, regional.secrets.apiKeySecret, {
        identity: 'bob',
        ttl: 600,
        region: 'ie1',
      });
      token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true }));
      return token.toJwt();
    });
    expect(response.body.token).toBe(oracle);
    expect(decodeJwt(response.body.token)?.header).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1', twr: 'ie1' });
  });

  it("mints a legacy capability token identical to ClientCapability's, signed with the auth token", async () => {
    const response = await ctx.issue({ endpointId: endpoint.id, kind: 'capability_token', ttlSeconds: 1800 }).expect(201);
    const oracle = atTime(ctx.clock.now(), () => {
      const capability = new twilio.jwt.ClientCapability({
        accountSid: account.config.accountSid,
        authToken: account.secrets.authToken,
        ttl: 1800,
      });
      capability.addScope(new twilio.jwt.ClientCapability.IncomingClientScope('alice_42'));
      capability.addScope(
        new twilio.jwt.ClientCapability.OutgoingClientScope({
          applicationSid: account.config.outgoingApplicationSid,
          clientName: 'alice_42',
        }),
      );
      return capability.toJwt();
    });
    expect(response.body.token).toBe(oracle);
    expect(response.body.kind).toBe('capability_token');
    expect(await verify(response.body.token)).toMatchObject({ valid: true, kind: 'capability_token', identity: 'alice_42' });
  });

  it('narrows the token to the requested capabilities', async () => {
    const response = await ctx.issue({ endpointId: endpoint.id, capabilities: ['incoming'] }).expect(201);
    const grants = decodeJwt(response.body.token)?.payload.grants as { voice: Record<string, unknown> };
    expect(grants.voice).toEqual({ incoming: { allow: true } });
    expect(response.body.capabilities).toEqual(['incoming']);
  });

  it('refuses capabilities the endpoint does not allow (403), and audits the refusal', async () => {
    const inboundOnly = await ctx.createEndpoint(accountId, { userId: 'carol', capabilities: ['incoming'] });
    const response = await ctx.issue({ endpointId: inboundOnly.id, capabilities: ['outgoing'] }).expect(403);
    expect(response.body.error).toMatchObject({
      code: 'capability_not_allowed',
      details: { requested: ['outgoing'], allowed: ['incoming'] },
    });
    const [row] = await issuanceRows(ctx, { endpointId: inboundOnly.id });
    expect(row).toMatchObject({
      outcome: 'refused',
      errorCode: 'capability_not_allowed',
      endpointId: inboundOnly.id,
      provider: 'twilio',
      userId: 'carol',
    });
  });

  it("cuts the lifetime to the account's maximum, and never beyond 24 h", async () => {
    await ctx.t.http
      .patch(`/v1/provider-accounts/${accountId}`)
      .set(bearer(ctx.tenant.key))
      .send({ policy: { tokenTtl: { maxSeconds: 900 } } })
      .expect(200);
    const capped = await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 7200 }).expect(201);
    const claims = decodeJwt(capped.body.token)!.payload as { iat: number; exp: number };
    expect(claims.exp - claims.iat).toBe(900);
    await ctx.t.http.patch(`/v1/provider-accounts/${accountId}`).set(bearer(ctx.tenant.key)).send({ policy: {} }).expect(200);
    const longest = await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 86_400 }).expect(201);
    const longestClaims = decodeJwt(longest.body.token)!.payload as { iat: number; exp: number };
    expect(longestClaims.exp - longestClaims.iat).toBe(86_400);
    expect(await verify(longest.body.token)).toMatchObject({ valid: true });
    await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 86_401 }).expect(400);
  });

  it('keeps signing when Twilio is unreachable, and makes no network call to mint', async () => {
    const offline = providerKits.twilio.emulatedAccount(ctx.emulators.twilio);
    const offlineId = await ctx.createAccount(offline, { baseUrl: 'http://127.0.0.1:9' });
    const offlineEndpoint = await ctx.createEndpoint(offlineId, { userId: 'dave' });
    const response = await ctx.issue({ endpointId: offlineEndpoint.id }).expect(201);
    expect(await verify(response.body.token)).toMatchObject({ valid: true, identity: 'dave' });

    const before = ctx.emulators.twilio.requests.length;
    await ctx.issue({ endpointId: endpoint.id }).expect(201);
    expect(ctx.emulators.twilio.requests.length).toBe(before);
  });

  it('refuses outgoing without a TwiML App, and capability tokens without an auth token (422)', async () => {
    const bare = providerKits.twilio.emulatedAccount(ctx.emulators.twilio);
    const { outgoingApplicationSid: _unused, ...config } = bare.config;
    const bareId = await ctx.createAccount(bare, { config, secrets: { apiKeySecret: bare.secrets.apiKeySecret } });
    const bareEndpoint = await ctx.createEndpoint(bareId, { userId: 'erin' });
    const outgoing = await ctx.issue({ endpointId: bareEndpoint.id, capabilities: ['outgoing'] }).expect(422);
    expect(outgoing.body.error).toMatchObject({
      code: 'provider_config_incomplete',
      details: { missing: 'config.outgoingApplicationSid' },
    });
    const legacy = await ctx.issue({ endpointId: bareEndpoint.id, kind: 'capability_token', capabilities: ['incoming'] }).expect(422);
    expect(legacy.body.error.details.missing).toBe('secrets.authToken');
  });

  it('records each token by fingerprint, never the token itself', async () => {
    const response = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    const row = await ctx.t.prisma.tokenIssuance.findUniqueOrThrow({ where: { id: response.body.id } });
    expect(row).toMatchObject({ outcome: 'issued', provider: 'twilio', tokenKind: 'access_token', identity: 'alice_42', ttlSeconds: 600 });
    expect(row.tokenFingerprint).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(row.grants).toMatchObject({ capabilities: ['incoming', 'outgoing'], incoming: true, outgoing: true });
    expect(rowsAsText(await ctx.t.prisma.tokenIssuance.findMany())).not.toContain(response.body.token.split('.')[2]);
  });

  describe('the emulator checks what Twilio checks', () => {
    it('rejects a forged signature (20107), an unknown key (20103) and an expired token (20104)', async () => {
      const { body } = await ctx.issue({ endpointId: endpoint.id }).expect(201);
      const [header, payload] = body.token.split('.');
      expect(await verify(`${header}.${payload}.${Buffer.alloc(32).toString('base64url')}`)).toMatchObject({ valid: false, code: 20107 });
      const foreign = JSON.parse(Buffer.from(payload, 'base64url').toString());
      foreign.iss = `SK${'0'.repeat(32)}`;
      expect(await verify(`${header}.${Buffer.from(JSON.stringify(foreign)).toString('base64url')}.x`)).toMatchObject({
        valid: false,
        code: 20103,
      });
      ctx.clock.advance(601_000);
      expect(await verify(body.token)).toMatchObject({ valid: false, code: 20104 });
    });

    it('keeps the newest 10 registrations per identity', async () => {
      const { body } = await ctx.issue({ endpointId: endpoint.id }).expect(201);
      let last: { registrations: number; evicted?: string } = { registrations: 0 };
      for (let device = 0; device < 11; device += 1) last = (await verify(body.token, '/v1/registrations')) as typeof last;
      expect(last.registrations).toBe(10);
      expect(last.evicted).toEqual(expect.any(String));
    });
  });
});
