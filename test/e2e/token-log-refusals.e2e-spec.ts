import { providerKits } from '../../src/providers/provider-kits';
import { generateApiKey } from '../../src/crypto/api-key-codec';
import { RefusalTallyService } from '../../src/token-log/refusal-tally';
import { createTenant, TestTenant } from '../factories/tenant.factory';
import { bearer } from '../helpers/test-app';
import { createIssuingContext, issuanceRows, IssuingContext } from '../helpers/issuing';

/**
 * Every refused request to a token route is in the token log, even when it is refused before the pipeline runs:
 * one row per request for the tenant's own requests, counted rows for callers that did not authenticate.
 */
describe('token log: refusals before the pipeline', () => {
  let ctx: IssuingContext;
  let endpointId: string;
  const tally = () => ctx.t.app.get(RefusalTallyService);
  /** Ends the current minute and writes its counters. */
  const closeWindow = async () => {
    ctx.clock.advance(60_000);
    await tally().flush();
  };
  const countedRows = (where: Record<string, unknown>) =>
    ctx.t.prisma.tokenIssuance.findMany({ where: { ...where, requestCount: { gt: 1 } }, orderBy: { issuedAt: 'desc' } });

  beforeAll(async () => {
    ctx = await createIssuingContext();
    const accountId = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    endpointId = (await ctx.createEndpoint(accountId)).id;
  });
  afterAll(() => ctx?.close());

  it.each([
    ['a lifetime over 24 h', { ttlSeconds: 86_401 }],
    ['an unknown capability', { capabilities: ['video'] }],
    ['an unknown field', { identity: 'someone_else' }],
  ])('writes a row with the tenant, the key and the code for %s (400 validation_failed)', async (_case, body) => {
    ctx.clock.advance(1000);
    const response = await ctx.issue({ endpointId, ...body }).expect(400);
    const [row] = await issuanceRows(ctx, { issuedAt: ctx.clock.now() });
    expect(row).toMatchObject({
      tenantId: ctx.tenant.id,
      actorKind: 'tenant_key',
      actorId: expect.any(String),
      outcome: 'refused',
      errorCode: 'validation_failed',
      requestId: response.headers['x-request-id'],
      requestCount: 1,
    });
  });

  it.each([
    ['an unparsable body', 'invalid_json', '{"endpointId": '],
    ['a body nested too deep', 'json_too_deep', `{"options": ${'['.repeat(100)}${']'.repeat(100)}}`],
    ['prototype-poisoning keys', 'invalid_json', '{"__proto__": {"admin": true}}'],
  ])('writes a row for %s, refused before any handler runs', async (_case, code, body) => {
    ctx.clock.advance(1000);
    await ctx.t.http.post('/v1/tokens').set(bearer(ctx.tenant.key)).set('content-type', 'application/json').send(body).expect(400);
    const [row] = await issuanceRows(ctx, { issuedAt: ctx.clock.now() });
    expect(row).toMatchObject({ tenantId: ctx.tenant.id, actorKind: 'tenant_key', outcome: 'refused', errorCode: code });
  });

  it('writes a row for a body over the size limit (413)', async () => {
    ctx.clock.advance(1000);
    await ctx.issue({ endpointId, options: { padding: 'x'.repeat(70 * 1024) } }).expect(413);
    const [row] = await issuanceRows(ctx, { issuedAt: ctx.clock.now() });
    expect(row).toMatchObject({ outcome: 'refused', errorCode: 'payload_too_large' });
  });

  it('writes one row for a refusal the pipeline recorded itself, not two', async () => {
    ctx.clock.advance(1000);
    await ctx.issue({ endpointId, kind: 'video' }).expect(400);
    expect(await issuanceRows(ctx, { issuedAt: ctx.clock.now() })).toHaveLength(1);
  });

  it("counts a revoked key's and a suspended tenant's requests per minute under their tenant and key", async () => {
    const victim: TestTenant = await createTenant(ctx.t);
    const keys = await ctx.t.http.get(`/v1/admin/tenants/${victim.id}/api-keys`).set(bearer(ctx.t.adminKey)).expect(200);
    const keyId = keys.body.data[0].id as string;
    await ctx.t.http.delete(`/v1/admin/tenants/${victim.id}/api-keys/${keyId}`).set(bearer(ctx.t.adminKey)).expect(200);
    const expiring = await createTenant(ctx.t);
    const shortLived = await ctx.t.http
      .post(`/v1/admin/tenants/${expiring.id}/api-keys`)
      .set(bearer(ctx.t.adminKey))
      .send({ name: 'short', expiresAt: new Date(ctx.clock.now().getTime() + 1000).toISOString() })
      .expect(201);
    const suspended = await createTenant(ctx.t);
    await ctx.t.http.patch(`/v1/admin/tenants/${suspended.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'suspended' }).expect(200);

    await closeWindow();
    for (let request = 0; request < 5; request += 1) {
      await ctx.t.http.post('/v1/tokens').set(bearer(victim.key)).send({ endpointId }).expect(401);
      await ctx.t.http.post('/v1/tokens/00000000-0000-7000-8000-000000000000/refresh').set(bearer(suspended.key)).expect(403);
      await ctx.t.http.post('/v1/tokens').set(bearer(shortLived.body.key)).send({ endpointId }).expect(401);
    }
    await closeWindow();
    expect(await countedRows({ tenantId: victim.id })).toEqual([
      expect.objectContaining({
        actorKind: 'tenant_key',
        actorId: keyId,
        errorCode: 'api_key_revoked',
        outcome: 'refused',
        requestCount: 5,
      }),
    ]);
    expect(await countedRows({ tenantId: expiring.id })).toEqual([
      expect.objectContaining({ actorKind: 'tenant_key', actorId: shortLived.body.id, errorCode: 'api_key_expired', requestCount: 5 }),
    ]);
    expect(await countedRows({ tenantId: suspended.id })).toEqual([
      expect.objectContaining({ actorKind: 'tenant_key', errorCode: 'tenant_suspended', requestCount: 5 }),
    ]);
  });

  it('folds an unauthenticated flood into a few counted rows, whatever keys it sprays', async () => {
    await closeWindow();
    const minute = new Date(ctx.clock.now().getTime() - (ctx.clock.now().getTime() % 60_000));
    const before = await ctx.t.prisma.tokenIssuance.count();
    for (let request = 0; request < 100; request += 1) {
      await ctx.t.http
        .post('/v1/tokens')
        .set(bearer(generateApiKey('tenant').key))
        .send({ endpointId })
        .expect(401);
    }
    for (let request = 0; request < 20; request += 1) await ctx.t.http.post('/v1/tokens').send({ endpointId }).expect(401);
    await ctx.t.http.post('/v1/tokens').set(bearer(ctx.t.adminKey)).send({ endpointId }).expect(403);
    await closeWindow();
    expect(await ctx.t.prisma.tokenIssuance.count()).toBe(before + 3);
    const rows = await ctx.t.prisma.tokenIssuance.findMany({ where: { tenantId: null, issuedAt: minute }, orderBy: { errorCode: 'asc' } });
    expect(rows.map(({ actorKind, errorCode, requestCount }) => ({ actorKind, errorCode, requestCount }))).toEqual(
      [
        { actorKind: 'unauthenticated', errorCode: 'api_key_invalid', requestCount: 100 },
        { actorKind: 'unauthenticated', errorCode: 'authentication_required', requestCount: 20 },
        { actorKind: 'admin_key', errorCode: 'forbidden', requestCount: 1 },
      ].sort((a, b) => a.errorCode.localeCompare(b.errorCode)),
    );
  });

  it('keeps counting within a minute and writes the counters at shutdown', async () => {
    await closeWindow();
    const before = await ctx.t.prisma.tokenIssuance.count();
    await ctx.t.http
      .post('/v1/tokens')
      .set(bearer(generateApiKey('tenant').key))
      .send({ endpointId })
      .expect(401);
    await tally().flush();
    expect(await ctx.t.prisma.tokenIssuance.count()).toBe(before);
    await tally().onModuleDestroy();
    const [row] = await ctx.t.prisma.tokenIssuance.findMany({ where: { tenantId: null }, orderBy: { issuedAt: 'desc' }, take: 1 });
    expect(row).toMatchObject({ errorCode: 'api_key_invalid', requestCount: 1 });
    tally().onModuleInit();
  });
});
