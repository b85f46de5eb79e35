import type { Response } from 'supertest';
import { createEndpoint, createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/** Tenant B probing every route that names one of tenant A's rows: never found, never changed, never listed. */
describe('tenant isolation', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let accountA: { id: string };
  let endpointA: { id: string };
  let before: unknown;
  const answers: { probe: string; status: number; code?: string }[] = [];

  /** What B's probes could have changed, straight from the database. */
  const snapshotOfA = async () => ({
    account: await t.prisma.providerAccount.findUniqueOrThrow({ where: { id: accountA.id } }),
    endpoint: await t.prisma.endpoint.findUniqueOrThrow({ where: { id: endpointA.id } }),
  });

  beforeAll(async () => {
    t = await createTestApp();
    a = await createTenant(t);
    b = await createTenant(t);
    accountA = await createProviderAccount(t, a, 'twilio');
    endpointA = await createEndpoint(t, a, accountA.id, { userId: 'alice' });
    await createProviderAccount(t, b, 'twilio');
    before = await snapshotOfA();

    const probes = [
      { method: 'get', path: `/v1/provider-accounts/${accountA.id}` },
      { method: 'patch', path: `/v1/provider-accounts/${accountA.id}`, body: { name: 'stolen', status: 'disabled' } },
      { method: 'patch', path: `/v1/provider-accounts/${accountA.id}`, body: { secrets: { apiKeySecret: 'X'.repeat(32) } } },
      { method: 'delete', path: `/v1/provider-accounts/${accountA.id}` },
      { method: 'get', path: `/v1/endpoints/${endpointA.id}` },
      { method: 'patch', path: `/v1/endpoints/${endpointA.id}`, body: { disabled: true } },
      { method: 'delete', path: `/v1/endpoints/${endpointA.id}` },
      { method: 'post', path: '/v1/endpoints', body: { providerAccountId: accountA.id, userId: 'mallory' } },
      { method: 'post', path: '/v1/tokens', body: { endpointId: endpointA.id } },
    ];
    for (const probe of probes) {
      const call = (t.http as unknown as Record<string, (path: string) => import('supertest').Test>)
        [probe.method](probe.path)
        .set(bearer(b.key));
      const response: Response = await (probe.body ? call.send(probe.body) : call);
      answers.push({ probe: `${probe.method} ${probe.path}`, status: response.status, code: response.body.error?.code });
    }
  });
  afterAll(() => t?.close());

  it("answers 404 to every read, change, delete and mint of another tenant's rows", () => {
    expect(answers).toHaveLength(9);
    for (const answer of answers)
      expect(answer).toEqual({ ...answer, status: 404, code: expect.stringMatching(/^(provider_account|endpoint)_not_found$/) });
  });

  it("left tenant A's rows exactly as they were", async () => {
    expect(await snapshotOfA()).toEqual(before);
  });

  it("never lists another tenant's rows, even when filtering by their ids", async () => {
    const accounts = await t.http.get('/v1/provider-accounts').set(bearer(b.key)).expect(200);
    expect(accounts.body.data).toHaveLength(1);
    expect(accounts.body.data.map((row: { id: string }) => row.id)).not.toContain(accountA.id);
    const endpoints = await t.http.get('/v1/endpoints').query({ providerAccountId: accountA.id }).set(bearer(b.key)).expect(200);
    expect(endpoints.body.data).toEqual([]);
    const byUser = await t.http.get('/v1/endpoints').query({ userId: 'alice' }).set(bearer(b.key)).expect(200);
    expect(byUser.body.data).toEqual([]);
    const own = await t.http.get('/v1/endpoints').query({ userId: 'alice' }).set(bearer(a.key)).expect(200);
    expect(own.body.data.map((row: { id: string }) => row.id)).toEqual([endpointA.id]);
  });

  it("keeps each tenant's audit events to itself", async () => {
    const eventsA = await t.http.get('/v1/audit-events').set(bearer(a.key)).expect(200);
    expect(eventsA.body.data.length).toBeGreaterThan(0);
    expect(eventsA.body.data.every((event: { tenantId: string }) => event.tenantId === a.id)).toBe(true);
    // B's failed probes against A's ids are in B's log, never A's events.
    const eventsB = await t.http.get('/v1/audit-events').query({ targetId: accountA.id }).set(bearer(b.key)).expect(200);
    expect(eventsB.body.data.map((event: { action: string }) => event.action).sort()).toEqual([
      'provider_account.deleted',
      'provider_account.updated',
      'provider_account.updated',
    ]);
    expect(
      eventsB.body.data.every((event: { tenantId: string; outcome: string }) => event.tenantId === b.id && event.outcome === 'failure'),
    ).toBe(true);
  });

  it("keeps each tenant's token log to itself", async () => {
    await t.prisma.tokenIssuance.create({
      data: { tenantId: a.id, actorKind: 'tenant', issuedAt: t.clock.now(), outcome: 'issued', endpointId: endpointA.id, userId: 'alice' },
    });
    const own = await t.http.get('/v1/token-issuances').query({ userId: 'alice' }).set(bearer(a.key)).expect(200);
    expect(own.body.data).toHaveLength(1);
    const other = await t.http.get('/v1/token-issuances').query({ userId: 'alice' }).set(bearer(b.key)).expect(200);
    expect(other.body.data).toEqual([]);
    const probe = await t.http.get('/v1/token-issuances').query({ endpointId: endpointA.id }).set(bearer(b.key)).expect(200);
    expect(probe.body.data).toEqual([]);
  });
});
