import { createEndpoint, createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

describe('internal service API', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let endpointsKey: string;
  let usageKey: string;

  const serviceKey = async (scopes: string[]) =>
    (
      await t.http
        .post('/v1/admin/service-keys')
        .set(bearer(t.adminKey))
        .send({ name: scopes.join('+'), scopes })
        .expect(201)
    ).body.key as string;

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t);
    endpointsKey = await serviceKey(['endpoints:read']);
    usageKey = await serviceKey(['usage:read']);
  });
  afterAll(() => t?.close());

  it('issues service keys only with known scopes', async () => {
    expect(endpointsKey).toMatch(/^cp_svc_/);
    const bad = await t.http
      .post('/v1/admin/service-keys')
      .set(bearer(t.adminKey))
      .send({ name: 'x', scopes: ['tenants:write'] })
      .expect(400);
    expect(bad.body.error.details.fields[0].field).toBe('scopes');
  });

  it("reads a tenant's endpoints by user id with endpoints:read", async () => {
    const twilio = await createProviderAccount(t, tenant, 'twilio');
    const plivo = await createProviderAccount(t, tenant, 'plivo');
    await createEndpoint(t, tenant, twilio.id, { userId: 'u42' });
    await createEndpoint(t, tenant, plivo.id, { userId: 'u42', identity: 'uFortyTwo' });
    await createEndpoint(t, tenant, twilio.id, { userId: 'someone_else' });
    const response = await t.http
      .get(`/v1/internal/tenants/${tenant.id}/endpoints`)
      .query({ userId: 'u42' })
      .set(bearer(endpointsKey))
      .expect(200);
    expect(response.body.data.map((endpoint: { identity: string }) => endpoint.identity).sort()).toEqual(['u42', 'uFortyTwo']);
    await t.http
      .get('/v1/internal/tenants/00000000-0000-7000-8000-000000000000/endpoints')
      .query({ userId: 'u42' })
      .set(bearer(endpointsKey))
      .expect(404);
    const noUser = await t.http.get(`/v1/internal/tenants/${tenant.id}/endpoints`).set(bearer(endpointsKey)).expect(400);
    expect(noUser.body.error.details.fields[0].field).toBe('userId');
  });

  it('counts issuances per tenant, provider and day with usage:read', async () => {
    const other = await createTenant(t);
    const rows = [
      { tenantId: tenant.id, provider: 'twilio', issuedAt: '2026-11-20T10:00:00Z', outcome: 'issued' },
      { tenantId: tenant.id, provider: 'twilio', issuedAt: '2026-11-20T23:59:59Z', outcome: 'issued' },
      { tenantId: tenant.id, provider: 'twilio', issuedAt: '2026-11-20T12:00:00Z', outcome: 'refused' },
      { tenantId: tenant.id, provider: 'plivo', issuedAt: '2026-11-21T00:00:00Z', outcome: 'failed' },
      { tenantId: other.id, provider: 'twilio', issuedAt: '2026-11-21T08:00:00Z', outcome: 'issued' },
    ] as const;
    await t.prisma.tokenIssuance.createMany({
      data: rows.map((row) => ({ ...row, issuedAt: new Date(row.issuedAt), actorKind: 'tenant' })),
    });

    const all = await t.http.get('/v1/internal/usage').query({ from: '2026-11-20', to: '2026-11-22' }).set(bearer(usageKey)).expect(200);
    expect(all.body).toEqual([
      { tenantId: tenant.id, provider: 'twilio', day: '2026-11-20', issued: 2, refused: 1, failed: 0 },
      ...[
        { tenantId: tenant.id, provider: 'plivo', day: '2026-11-21', issued: 0, refused: 0, failed: 1 },
        { tenantId: other.id, provider: 'twilio', day: '2026-11-21', issued: 1, refused: 0, failed: 0 },
      ].sort((x, y) => x.tenantId.localeCompare(y.tenantId)),
    ]);
    const one = await t.http
      .get('/v1/internal/usage')
      .query({ tenantId: other.id, from: '2026-11-20', to: '2026-11-22' })
      .set(bearer(usageKey))
      .expect(200);
    expect(one.body).toEqual([{ tenantId: other.id, provider: 'twilio', day: '2026-11-21', issued: 1, refused: 0, failed: 0 }]);
    await t.http.get('/v1/internal/usage').query({ from: '2026-11-22', to: '2026-11-20' }).set(bearer(usageKey)).expect(400);
    await t.http.get('/v1/internal/usage').query({ from: '2020-01-01', to: '2026-11-20' }).set(bearer(usageKey)).expect(400);
  });

  it("refuses a service key without the route's scope, and tenant or admin keys", async () => {
    const wrongScope = await t.http.get('/v1/internal/usage').set(bearer(endpointsKey)).expect(403);
    expect(wrongScope.body.error).toMatchObject({ code: 'insufficient_scope', details: { requiredScope: 'usage:read' } });
    await t.http.get('/v1/internal/usage').set(bearer(tenant.key)).expect(403);
    await t.http.get('/v1/internal/usage').set(bearer(t.adminKey)).expect(403);
    await t.http.get('/v1/provider-accounts').set(bearer(usageKey)).expect(403);
  });

  it('answers a tenant id that is no UUID as an unknown tenant (404) on every route that names one', async () => {
    const key = await serviceKey(['endpoints:read', 'tokens:issue', 'users:revoke']);
    const asked = [
      t.http.get('/v1/internal/tenants/not-a-tenant/endpoints').query({ userId: 'u42' }).set(bearer(key)),
      t.http.post('/v1/internal/tenants/not-a-tenant/tokens').set(bearer(key)).send({ userId: 'u42' }),
      t.http.post('/v1/internal/tenants/not-a-tenant/users/u42/revoke').set(bearer(key)).send(),
    ];
    for (const response of await Promise.all(asked)) {
      expect(`${response.status} ${response.body.error?.code}`).toBe('404 tenant_not_found');
      // Only the key's own budget is spent: there is no tenant to count against.
      expect(response.headers['ratelimit-limit']).toBe('1200');
    }
  });

  it('a revoked service key gets 401 on its next request', async () => {
    const key = await serviceKey(['usage:read']);
    const [row] = (await t.http.get('/v1/admin/service-keys').set(bearer(t.adminKey))).body.data.filter((entry: { prefix: string }) =>
      key.startsWith(entry.prefix),
    );
    await t.http.delete(`/v1/admin/service-keys/${row.id}`).set(bearer(t.adminKey)).expect(200);
    const refused = await t.http.get('/v1/internal/usage').set(bearer(key)).expect(401);
    expect(refused.body.error.code).toBe('api_key_revoked');
  });
});
