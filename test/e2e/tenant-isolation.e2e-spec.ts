import { createEndpoint, createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/** Tenant B probing every route that names one of tenant A's rows: never found, never changed, never listed. */
describe('tenant isolation', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let accountA: { id: string };
  let endpointA: { id: string };

  beforeAll(async () => {
    t = await createTestApp();
    a = await createTenant(t);
    b = await createTenant(t);
    accountA = await createProviderAccount(t, a, 'twilio');
    endpointA = await createEndpoint(t, a, accountA.id, { userId: 'alice' });
    await createProviderAccount(t, b, 'twilio');
  });
  afterAll(() => t.close());

  const probes = () => [
    { method: 'get', path: `/v1/provider-accounts/${accountA.id}`, code: 'provider_account_not_found' },
    { method: 'patch', path: `/v1/provider-accounts/${accountA.id}`, body: { name: 'stolen', status: 'disabled' }, code: 'provider_account_not_found' },
    { method: 'patch', path: `/v1/provider-accounts/${accountA.id}`, body: { secrets: { apiKeySecret: 'X'.repeat(32) } }, code: 'provider_account_not_found' },
    { method: 'delete', path: `/v1/provider-accounts/${accountA.id}`, code: 'provider_account_not_found' },
    { method: 'get', path: `/v1/endpoints/${endpointA.id}`, code: 'endpoint_not_found' },
    { method: 'patch', path: `/v1/endpoints/${endpointA.id}`, body: { disabled: true }, code: 'endpoint_not_found' },
    { method: 'delete', path: `/v1/endpoints/${endpointA.id}`, code: 'endpoint_not_found' },
    { method: 'post', path: '/v1/endpoints', body: { providerAccountId: accountA.id, userId: 'mallory' }, code: 'provider_account_not_found' },
  ];

  it('answers 404 to every read, change and delete of another tenant\'s rows', async () => {
    for (const probe of probes()) {
      const call = (t.http as unknown as Record<string, (path: string) => import('supertest').Test>)[probe.method](probe.path).set(bearer(b.key));
      const response = await (probe.body ? call.send(probe.body) : call);
      expect({ probe: `${probe.method} ${probe.path}`, status: response.status, code: response.body.error?.code }).toEqual({
        probe: `${probe.method} ${probe.path}`,
        status: 404,
        code: probe.code,
      });
    }
  });

  it('left tenant A\'s rows exactly as they were', async () => {
    const account = await t.http.get(`/v1/provider-accounts/${accountA.id}`).set(bearer(a.key)).expect(200);
    expect(account.body).toMatchObject({ status: 'active' });
    expect(account.body.name).not.toBe('stolen');
    const endpoint = await t.http.get(`/v1/endpoints/${endpointA.id}`).set(bearer(a.key)).expect(200);
    expect(endpoint.body.disabled).toBe(false);
    const row = await t.prisma.providerAccount.findUniqueOrThrow({ where: { id: accountA.id } });
    expect(row.secretHints).toEqual(account.body.secrets);
  });

  it('never lists another tenant\'s rows, even when filtering by their ids', async () => {
    const accounts = await t.http.get('/v1/provider-accounts').set(bearer(b.key)).expect(200);
    expect(accounts.body.data.map((row: { id: string }) => row.id)).not.toContain(accountA.id);
    const endpoints = await t.http.get('/v1/endpoints').query({ providerAccountId: accountA.id }).set(bearer(b.key)).expect(200);
    expect(endpoints.body.data).toEqual([]);
    const byUser = await t.http.get('/v1/endpoints').query({ userId: 'alice' }).set(bearer(b.key)).expect(200);
    expect(byUser.body.data).toEqual([]);
  });

  it('keeps each tenant\'s audit events to itself', async () => {
    const eventsA = await t.http.get('/v1/audit-events').set(bearer(a.key)).expect(200);
    expect(eventsA.body.data.length).toBeGreaterThan(0);
    expect(eventsA.body.data.every((event: { tenantId: string }) => event.tenantId === a.id)).toBe(true);
    const eventsB = await t.http.get('/v1/audit-events').query({ targetId: accountA.id }).set(bearer(b.key)).expect(200);
    // B sees only its own failed probes against A's ids, never A's events.
    expect(eventsB.body.data.length).toBeGreaterThan(0);
    expect(eventsB.body.data.every((event: { tenantId: string; outcome: string }) => event.tenantId === b.id && event.outcome === 'failure')).toBe(true);
  });

  it('keeps each tenant\'s token log to itself', async () => {
    await t.prisma.tokenIssuance.create({
      data: { tenantId: a.id, actorKind: 'tenant', issuedAt: t.clock.now(), outcome: 'issued', endpointId: endpointA.id, userId: 'alice' },
    });
    const own = await t.http.get('/v1/token-issuances').set(bearer(a.key)).expect(200);
    expect(own.body.data).toHaveLength(1);
    const other = await t.http.get('/v1/token-issuances').query({ userId: 'alice' }).set(bearer(b.key)).expect(200);
    expect(other.body.data).toEqual([]);
  });
});
