import { providerKits } from '../provider-kits';
import { EmulatedAccount } from '../provider-kit';
import { decodeJwt } from '../jwt';
import { bearer } from '../../../test/helpers/test-app';
import { createIssuingContext, issuanceRows, IssuingContext } from '../../../test/helpers/issuing';

describe('Plivo tokens', () => {
  let ctx: IssuingContext;
  let account: EmulatedAccount & { config: { authId: string } };
  let accountId: string;
  let endpoint: { id: string; identity: string; providerData: { plivoEndpointId: string } };

  beforeAll(async () => {
    ctx = await createIssuingContext();
    account = providerKits.plivo.emulatedAccount(ctx.emulators.plivo);
    accountId = await ctx.createAccount(account);
    endpoint = (await ctx.createEndpoint(accountId, {
      userId: 'user-1',
      identity: 'alice',
      provision: true,
    })) as unknown as typeof endpoint;
  });
  afterAll(() => ctx?.close());

  it('provisions the Plivo endpoint (and the application, once) and stores the username Plivo returns', async () => {
    expect(endpoint.identity).toMatch(/^alice\d{12}$/);
    const [application] = ctx.emulators.plivo.requestsTo('POST', /\/Application\/?$/);
    expect(application.body).toEqual({ app_name: `callpass_${account.config.authId}`, answer_url: 'https://example.com/plivo/answer' });
    const [created] = ctx.emulators.plivo.requestsTo('POST', /\/Endpoint\/?$/);
    const appId = [...ctx.emulators.plivo.accounts.get(account.config.authId)!.applications.keys()][0];
    expect(created.path).toBe(`/v1/Account/${account.config.authId}/Endpoint/`);
    expect(created.body).toEqual({ username: 'alice', password: expect.stringMatching(/^\S{20,}$/), alias: 'alice', app_id: appId });
    expect(endpoint.providerData.plivoEndpointId).toMatch(/^\d+$/);
    const stored = await ctx.t.http.get(`/v1/provider-accounts/${accountId}`).set(bearer(ctx.tenant.key)).expect(200);
    expect(stored.body.config.applicationId).toBe(appId);

    await ctx.createEndpoint(accountId, { userId: 'user-2', identity: 'bob', provision: true });
    expect(ctx.emulators.plivo.requestsTo('POST', /\/Application\/?$/)).toHaveLength(1);
  });

  it("mints through Plivo's JWT/Token call with exactly the documented body", async () => {
    const response = await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 600 }).expect(201);
    const now = Math.floor(ctx.clock.now().getTime() / 1000);
    const [call] = ctx.emulators.plivo.requestsTo('POST', /\/JWT\/Token\/?$/).slice(-1);
    const appId = (await ctx.t.prisma.providerAccount.findUniqueOrThrow({ where: { id: accountId } })).config as { applicationId: string };
    expect(call.path).toBe(`/v1/Account/${account.config.authId}/JWT/Token/`);
    expect(call.basic).toEqual({ username: account.config.authId, password: account.secrets.authToken });
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.body).toEqual({
      iss: account.config.authId,
      sub: endpoint.identity,
      nbf: now - 10,
      exp: now + 600,
      per: { voice: { incoming_allow: true, outgoing_allow: true } },
      app: appId.applicationId,
    });
    expect(response.body).toMatchObject({
      provider: 'plivo',
      kind: 'access_token',
      identity: endpoint.identity,
      capabilities: ['incoming', 'outgoing'],
    });
    const decoded = decodeJwt(response.body.token)!;
    expect(decoded.header).toEqual({ alg: 'HS256', cty: 'plivo;v=1', typ: 'JWT' });
    expect(decoded.payload).toMatchObject({ iss: account.config.authId, sub: endpoint.identity, exp: now + 600 });
  });

  it('sends explicit false for a capability not granted', async () => {
    await ctx.issue({ endpointId: endpoint.id, capabilities: ['outgoing'] }).expect(201);
    const [call] = ctx.emulators.plivo.requestsTo('POST', /\/JWT\/Token\/?$/).slice(-1);
    expect((call.body as { per: unknown }).per).toEqual({ voice: { incoming_allow: false, outgoing_allow: true } });
  });

  it("keeps exp − nbf within Plivo's 24 hours", async () => {
    await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 86_400 }).expect(201);
    const [call] = ctx.emulators.plivo.requestsTo('POST', /\/JWT\/Token\/?$/).slice(-1);
    const body = call.body as { nbf: number; exp: number };
    expect(body.exp - body.nbf).toBe(86_400);
  });

  it("maps a refusal by Plivo to 422 provider_rejected_request with Plivo's message, and audits it as refused", async () => {
    const ghost = await ctx.createEndpoint(accountId, { userId: 'user-3', identity: 'ghost123' });
    const response = await ctx.issue({ endpointId: ghost.id }).expect(422);
    expect(response.body.error).toMatchObject({
      code: 'provider_rejected_request',
      details: { provider: 'plivo', providerStatus: 400, providerMessage: "'ghost123' is not a valid endpoint" },
    });
    const [row] = await issuanceRows(ctx, { endpointId: ghost.id });
    expect(row).toMatchObject({ outcome: 'refused', errorCode: 'provider_rejected_request' });
  });

  it('maps rejected credentials to 502 provider_auth_failed without echoing them', async () => {
    const wrong = 'W'.repeat(40);
    const brokenId = await ctx.createAccount(account, { secrets: { authToken: wrong } });
    const brokenEndpoint = await ctx.createEndpoint(brokenId, { userId: 'user-4', identity: endpoint.identity.replace('alice', 'alicf') });
    const response = await ctx.issue({ endpointId: brokenEndpoint.id }).expect(502);
    expect(response.body.error).toMatchObject({ code: 'provider_auth_failed', details: { provider: 'plivo', providerStatus: 401 } });
    expect(JSON.stringify(response.body)).not.toContain(wrong);
    const [row] = await issuanceRows(ctx, { endpointId: brokenEndpoint.id });
    expect(row).toMatchObject({ outcome: 'failed', errorCode: 'provider_auth_failed' });
  });

  it('deletes the Plivo endpoint with the Callpass endpoint', async () => {
    const doomed = await ctx.createEndpoint(accountId, { userId: 'user-5', identity: 'carol', provision: true });
    const plivoId = (doomed.providerData as { plivoEndpointId: string }).plivoEndpointId;
    expect(ctx.emulators.plivo.accounts.get(account.config.authId)!.endpoints.has(plivoId)).toBe(true);
    await ctx.t.http.delete(`/v1/endpoints/${doomed.id}`).set(bearer(ctx.tenant.key)).expect(204);
    expect(ctx.emulators.plivo.accounts.get(account.config.authId)!.endpoints.has(plivoId)).toBe(false);
  });

  it('refuses provisioning a username Plivo would reject, before calling Plivo', async () => {
    const before = ctx.emulators.plivo.requests.length;
    const response = await ctx.t.http
      .post('/v1/endpoints')
      .set(bearer(ctx.tenant.key))
      .send({ providerAccountId: accountId, userId: 'user-6', identity: '9lives', provision: true })
      .expect(400);
    expect(response.body.error.code).toBe('identity_invalid');
    expect(ctx.emulators.plivo.requests.length).toBe(before);
  });

  it('audits a provisioning Plivo refused, and stores no endpoint', async () => {
    ctx.clock.advance(1000);
    ctx.emulators.plivo.failNext(1, { kind: 'status', status: 400, body: { api_id: 'x', error: 'alias is invalid' } });
    const response = await ctx.t.http
      .post('/v1/endpoints')
      .set(bearer(ctx.tenant.key))
      .send({ providerAccountId: accountId, userId: 'user-7', identity: 'dora', provision: true })
      .expect(422);
    expect(response.body.error.details.providerMessage).toBe('alias is invalid');
    const events = await ctx.t.http.get('/v1/audit-events').query({ action: 'endpoint.created' }).set(bearer(ctx.tenant.key));
    expect(events.body.data[0]).toMatchObject({ outcome: 'failure', errorCode: 'provider_rejected_request' });
    expect(await ctx.t.prisma.endpoint.count({ where: { userId: 'user-7' } })).toBe(0);
  });
});
