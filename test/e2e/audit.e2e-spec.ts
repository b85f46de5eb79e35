import { hashApiKey } from '../../src/crypto/api-key-codec';
import { validCredentials } from '../factories/credentials.factory';
import { createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';
import { rowsAsText } from '../helpers/leaks';

describe('audit log of changes', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t);
  });
  afterAll(() => t?.close());

  const keyIdOf = async (key: string) => (await t.prisma.apiKey.findUniqueOrThrow({ where: { secretHash: hashApiKey(key) } })).id;

  it('records who changed what, when, with which outcome, in the same transaction as the change', async () => {
    const account = await createProviderAccount(t, tenant, 'twilio', { name: 'audited' });
    const events = await t.http.get('/v1/audit-events').query({ targetId: account.id }).set(bearer(tenant.key)).expect(200);
    expect(events.body.data).toEqual([
      expect.objectContaining({
        tenantId: tenant.id,
        action: 'provider_account.created',
        actor: { kind: 'tenant', id: await keyIdOf(tenant.key) },
        target: { type: 'provider_account', id: account.id },
        outcome: 'success',
        errorCode: null,
        details: { provider: 'twilio', name: 'audited' },
        occurredAt: t.clock.now().toISOString(),
      }),
    ]);
    expect(events.body.data[0].requestId).toEqual(expect.any(String));
  });

  it('records refused changes as failures with their error code', async () => {
    await t.http.delete('/v1/endpoints/00000000-0000-7000-8000-000000000001').set(bearer(tenant.key)).expect(404);
    const events = await t.http.get('/v1/audit-events').query({ action: 'endpoint.deleted' }).set(bearer(tenant.key)).expect(200);
    expect(events.body.data[0]).toMatchObject({
      outcome: 'failure',
      errorCode: 'endpoint_not_found',
      target: { type: 'endpoint', id: '00000000-0000-7000-8000-000000000001' },
    });
  });

  it('names changed secret fields but never their values', async () => {
    const account = await createProviderAccount(t, tenant, 'plivo');
    const newToken = 'Z'.repeat(36) + 'wxyz';
    await t.http
      .patch(`/v1/provider-accounts/${account.id}`)
      .set(bearer(tenant.key))
      .send({ secrets: { authToken: newToken } })
      .expect(200);
    const events = await t.http
      .get('/v1/audit-events')
      .query({ targetId: account.id, action: 'provider_account.updated' })
      .set(bearer(tenant.key));
    expect(events.body.data[0].details).toEqual({ changed: ['secrets'], secretFieldsChanged: ['authToken'] });
    const everything = rowsAsText(await t.prisma.auditEvent.findMany());
    expect(everything).not.toContain(newToken);
    expect(everything).not.toContain(account.secrets.authToken);
  });

  it('records the life of keys and tenants, and endpoint updates, with actor, target and details', async () => {
    const adminKeyId = await keyIdOf(t.adminKey);
    const bootstrapped = await t.http
      .get('/v1/admin/audit-events')
      .query({ action: 'api_key.bootstrapped' })
      .set(bearer(t.adminKey))
      .expect(200);
    expect(bootstrapped.body.data).toEqual([
      expect.objectContaining({
        actor: { kind: 'system', id: null },
        target: { type: 'api_key', id: null },
        outcome: 'success',
        details: { prefix: t.adminKey.slice(0, 17) },
      }),
    ]);

    const subject = await createTenant(t);
    t.clock.advance(1000);
    const created = await t.http
      .post(`/v1/admin/tenants/${subject.id}/api-keys`)
      .set(bearer(t.adminKey))
      .send({ name: 'audited key' })
      .expect(201);
    await t.http.delete(`/v1/admin/tenants/${subject.id}/api-keys/${created.body.id}`).set(bearer(t.adminKey)).expect(200);
    await t.http.patch(`/v1/admin/tenants/${subject.id}`).set(bearer(t.adminKey)).send({ status: 'suspended' }).expect(200);
    await t.http.patch(`/v1/admin/tenants/${subject.id}`).set(bearer(t.adminKey)).send({ status: 'active' }).expect(200);
    const account = await createProviderAccount(t, subject, 'twilio');
    const endpoint = await t.http
      .post('/v1/endpoints')
      .set(bearer(subject.key))
      .send({ providerAccountId: account.id, userId: 'audited', capabilities: ['incoming'] })
      .expect(201);
    await t.http
      .patch(`/v1/endpoints/${endpoint.body.id}`)
      .set(bearer(subject.key))
      .send({ capabilities: ['incoming', 'outgoing'], disabled: true })
      .expect(200);

    const events = await t.http
      .get('/v1/admin/audit-events')
      .query({ tenantId: subject.id, limit: 100 })
      .set(bearer(t.adminKey))
      .expect(200);
    const byAction = (action: string) => events.body.data.filter((event: { action: string }) => event.action === action);
    const admin = { kind: 'admin', id: adminKeyId };
    expect(byAction('api_key.created')).toEqual([
      expect.objectContaining({
        actor: admin,
        target: { type: 'api_key', id: created.body.id },
        outcome: 'success',
        details: expect.objectContaining({ kind: 'tenant', name: 'audited key', prefix: created.body.prefix }),
      }),
      expect.objectContaining({
        target: { type: 'api_key', id: expect.any(String) },
        details: expect.objectContaining({ name: 'test key' }),
      }),
    ]);
    expect(byAction('api_key.revoked')).toEqual([
      expect.objectContaining({
        actor: admin,
        target: { type: 'api_key', id: created.body.id },
        outcome: 'success',
        details: { prefix: created.body.prefix },
      }),
    ]);
    expect(byAction('tenant.suspended')).toEqual([
      expect.objectContaining({ actor: admin, target: { type: 'tenant', id: subject.id }, details: { changed: ['status'] } }),
    ]);
    expect(byAction('tenant.activated')).toEqual([
      expect.objectContaining({ actor: admin, target: { type: 'tenant', id: subject.id }, details: { changed: ['status'] } }),
    ]);
    expect(byAction('endpoint.updated')).toEqual([
      expect.objectContaining({
        actor: { kind: 'tenant', id: await keyIdOf(subject.key) },
        target: { type: 'endpoint', id: endpoint.body.id },
        outcome: 'success',
        details: { changed: ['capabilities', 'disabled'] },
      }),
    ]);
  });

  it('records admin actions on a tenant under that tenant, visible to admins across tenants', async () => {
    await t.http.patch(`/v1/admin/tenants/${tenant.id}`).set(bearer(t.adminKey)).send({ name: 'Renamed' }).expect(200);
    const admin = await t.http
      .get('/v1/admin/audit-events')
      .query({ tenantId: tenant.id, action: 'tenant.updated' })
      .set(bearer(t.adminKey))
      .expect(200);
    expect(admin.body.data[0]).toMatchObject({
      actor: { kind: 'admin' },
      target: { type: 'tenant', id: tenant.id },
      details: { changed: ['name'] },
    });
    const other = await createTenant(t);
    const across = await t.http
      .get('/v1/admin/audit-events')
      .query({ action: 'tenant.created', limit: 100 })
      .set(bearer(t.adminKey))
      .expect(200);
    expect(across.body.data.map((event: { tenantId: string }) => event.tenantId)).toEqual(expect.arrayContaining([tenant.id, other.id]));
  });

  it('filters by time window and pages with a cursor', async () => {
    t.clock.advance(1000);
    await t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider: 'bandwidth', name: 'bw-early', ...validCredentials.bandwidth() })
      .expect(201);
    const start = t.clock.now();
    for (let i = 0; i < 3; i += 1) {
      t.clock.advance(1000);
      await t.http
        .post('/v1/provider-accounts')
        .set(bearer(tenant.key))
        .send({ provider: 'bandwidth', name: `bw-${i}`, ...validCredentials.bandwidth() })
        .expect(201);
    }
    const from = new Date(start.getTime() + 1).toISOString();
    const first = await t.http.get('/v1/audit-events').query({ from, limit: 2 }).set(bearer(tenant.key)).expect(200);
    expect(first.body.data.map((event: { details: { name: string } }) => event.details.name)).toEqual(['bw-2', 'bw-1']);
    const second = await t.http
      .get('/v1/audit-events')
      .query({ from, limit: 2, cursor: first.body.nextCursor })
      .set(bearer(tenant.key))
      .expect(200);
    expect(second.body.data.map((event: { details: { name: string } }) => event.details.name)).toEqual(['bw-0']);
    expect(second.body.nextCursor).toBeNull();
    const before = await t.http
      .get('/v1/audit-events')
      .query({ to: from, action: 'provider_account.created' })
      .set(bearer(tenant.key))
      .expect(200);
    const earlier = before.body.data.map((event: { details: { name: string } }) => event.details.name);
    expect(earlier).toContain('bw-early');
    expect(earlier).not.toContain('bw-0');
  });

  it('keeps the change and its event together: a failing audit write rolls the change back', async () => {
    await t.database.query(`ALTER TABLE audit_events ADD CONSTRAINT no_more_events CHECK (action <> 'tenant.created') NOT VALID`);
    try {
      const response = await t.http.post('/v1/admin/tenants').set(bearer(t.adminKey)).send({ slug: 'ghost', name: 'Ghost' });
      expect(response.status).toBe(500);
      expect(await t.prisma.tenant.count({ where: { slug: 'ghost' } })).toBe(0);
    } finally {
      await t.database.query('ALTER TABLE audit_events DROP CONSTRAINT no_more_events');
    }
  });
});
