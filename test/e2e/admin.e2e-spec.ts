import { generateApiKey, hashApiKey } from '../../src/crypto/api-key-codec';
import { createTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';
import { createTestDatabase } from '../helpers/test-database';

describe('admin API: tenants and keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  describe('tenants', () => {
    it('creates, reads, lists and renames a tenant', async () => {
      const created = await t.http
        .post('/v1/admin/tenants')
        .set(bearer(t.adminKey))
        .send({ slug: 'globex', name: 'Globex', settings: { tokenTtl: { defaultSeconds: 600, maxSeconds: 3600 } } })
        .expect(201);
      expect(created.body).toMatchObject({
        slug: 'globex',
        name: 'Globex',
        status: 'active',
        settings: { tokenTtl: { defaultSeconds: 600, maxSeconds: 3600 } },
      });

      await t.http
        .get(`/v1/admin/tenants/${created.body.id}`)
        .set(bearer(t.adminKey))
        .expect(200)
        .expect(({ body }) => expect(body.slug).toBe('globex'));
      const renamed = await t.http
        .patch(`/v1/admin/tenants/${created.body.id}`)
        .set(bearer(t.adminKey))
        .send({ name: 'Globex Corp' })
        .expect(200);
      expect(renamed.body.name).toBe('Globex Corp');
      const list = await t.http.get('/v1/admin/tenants').set(bearer(t.adminKey)).expect(200);
      expect(list.body.data.map((tenant: { slug: string }) => tenant.slug)).toContain('globex');
    });

    it('refuses a duplicate slug with 409 tenant_slug_taken and keeps the first tenant', async () => {
      await t.http.post('/v1/admin/tenants').set(bearer(t.adminKey)).send({ slug: 'dupe', name: 'One' }).expect(201);
      const second = await t.http.post('/v1/admin/tenants').set(bearer(t.adminKey)).send({ slug: 'dupe', name: 'Two' }).expect(409);
      expect(second.body.error.code).toBe('tenant_slug_taken');
      const list = await t.http.get('/v1/admin/tenants').set(bearer(t.adminKey));
      expect(
        list.body.data.filter((tenant: { slug: string }) => tenant.slug === 'dupe').map((tenant: { name: string }) => tenant.name),
      ).toEqual(['One']);
    });

    it('rejects a default TTL above the maximum', async () => {
      const response = await t.http
        .post('/v1/admin/tenants')
        .set(bearer(t.adminKey))
        .send({ slug: 'ttl', name: 'TTL', settings: { tokenTtl: { defaultSeconds: 7200, maxSeconds: 3600 } } })
        .expect(400);
      expect(response.body.error).toMatchObject({
        code: 'validation_failed',
        details: { fields: [{ field: 'settings.tokenTtl.defaultSeconds' }] },
      });
    });

    it('answers 404 tenant_not_found for unknown and malformed ids', async () => {
      for (const id of ['00000000-0000-7000-8000-000000000000', 'not-a-uuid']) {
        const response = await t.http.get(`/v1/admin/tenants/${id}`).set(bearer(t.adminKey)).expect(404);
        expect(response.body.error.code).toBe('tenant_not_found');
      }
    });

    it('pages through tenants with a cursor, newest first, without repeats', async () => {
      for (let i = 0; i < 5; i += 1) await createTenant(t);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t.http
          .get('/v1/admin/tenants')
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set(bearer(t.adminKey))
          .expect(200);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.data.map((tenant: { id: string }) => tenant.id));
        cursor = page.body.nextCursor ?? undefined;
      } while (cursor);
      const all = await t.http.get('/v1/admin/tenants').query({ limit: 100 }).set(bearer(t.adminKey));
      expect(seen).toEqual(all.body.data.map((tenant: { id: string }) => tenant.id));
      expect(new Set(seen).size).toBe(seen.length);
      const created = all.body.data.map((tenant: { createdAt: string }) => tenant.createdAt);
      expect(created).toEqual([...created].sort().reverse());
      await t.http
        .get('/v1/admin/tenants')
        .query({ cursor: 'garbage' })
        .set(bearer(t.adminKey))
        .expect(400)
        .expect(({ body }) => expect(body.error.code).toBe('invalid_cursor'));
    });
  });

  describe('tenant API keys', () => {
    it('shows a key once, stores only its hash, and lists it by prefix', async () => {
      const tenant = await createTenant(t);
      const created = await t.http.post(`/v1/admin/tenants/${tenant.id}/api-keys`).set(bearer(t.adminKey)).send({ name: 'ci' }).expect(201);
      expect(created.body.key).toMatch(/^cp_tenant_[0-9A-Za-z]{49}$/);
      expect(created.body.prefix).toBe(created.body.key.slice(0, 18));

      const stored = await t.prisma.apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
      expect(stored.secretHash).toBe(hashApiKey(created.body.key));
      expect(JSON.stringify(stored)).not.toContain(created.body.key);

      const list = await t.http.get(`/v1/admin/tenants/${tenant.id}/api-keys`).set(bearer(t.adminKey)).expect(200);
      expect(list.body.data.find((key: { id: string }) => key.id === created.body.id)).toEqual(
        expect.objectContaining({ prefix: created.body.prefix, name: 'ci', revokedAt: null }),
      );
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    });

    it('a revoked key gets 401 api_key_revoked on its next request', async () => {
      const tenant = await createTenant(t);
      await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
      const [key] = (await t.http.get(`/v1/admin/tenants/${tenant.id}/api-keys`).set(bearer(t.adminKey))).body.data;
      const revoked = await t.http.delete(`/v1/admin/tenants/${tenant.id}/api-keys/${key.id}`).set(bearer(t.adminKey)).expect(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      const refused = await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(401);
      expect(refused.body.error.code).toBe('api_key_revoked');
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="callpass"');
      // Revoking again keeps the original revocation time.
      const again = await t.http.delete(`/v1/admin/tenants/${tenant.id}/api-keys/${key.id}`).set(bearer(t.adminKey)).expect(200);
      expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    });

    it('revoking a key again later keeps the first revocation time, in the answer and in the row', async () => {
      const tenant = await createTenant(t);
      const created = await t.http
        .post(`/v1/admin/tenants/${tenant.id}/api-keys`)
        .set(bearer(t.adminKey))
        .send({ name: 'twice' })
        .expect(201);
      const first = await t.http.delete(`/v1/admin/tenants/${tenant.id}/api-keys/${created.body.id}`).set(bearer(t.adminKey)).expect(200);
      expect(first.body.revokedAt).toBe(t.clock.now().toISOString());
      t.clock.advance(5 * 60_000);
      const second = await t.http.delete(`/v1/admin/tenants/${tenant.id}/api-keys/${created.body.id}`).set(bearer(t.adminKey)).expect(200);
      expect(second.body.revokedAt).toBe(first.body.revokedAt);
      const stored = await t.prisma.apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
      expect(stored.revokedAt?.toISOString()).toBe(first.body.revokedAt);
    });

    it('an expired key gets 401 api_key_expired once its time passes', async () => {
      const tenant = await createTenant(t);
      const expiresAt = new Date(t.clock.now().getTime() + 60_000).toISOString();
      const created = await t.http
        .post(`/v1/admin/tenants/${tenant.id}/api-keys`)
        .set(bearer(t.adminKey))
        .send({ name: 'short', expiresAt })
        .expect(201);
      await t.http.get('/v1/endpoints').set(bearer(created.body.key)).expect(200);
      t.clock.advance(60_000);
      const refused = await t.http.get('/v1/endpoints').set(bearer(created.body.key)).expect(401);
      expect(refused.body.error.code).toBe('api_key_expired');
    });

    it('refuses an expiry in the past', async () => {
      const tenant = await createTenant(t);
      const response = await t.http
        .post(`/v1/admin/tenants/${tenant.id}/api-keys`)
        .set(bearer(t.adminKey))
        .send({ name: 'old', expiresAt: new Date(t.clock.now().getTime() - 1000).toISOString() })
        .expect(400);
      expect(response.body.error.details.fields).toEqual([{ field: 'expiresAt', messages: ['expiresAt must be in the future'] }]);
    });

    it('refuses an expiry equal to the current instant: it must be strictly in the future', async () => {
      const tenant = await createTenant(t);
      // The fake clock keeps whole milliseconds, so the ISO string round-trips to exactly now; moving it on stays monotonic.
      t.clock.advance(1_789);
      const response = await t.http
        .post(`/v1/admin/tenants/${tenant.id}/api-keys`)
        .set(bearer(t.adminKey))
        .send({ name: 'now', expiresAt: t.clock.now().toISOString() })
        .expect(400);
      expect(response.body.error.details.fields).toEqual([{ field: 'expiresAt', messages: ['expiresAt must be in the future'] }]);
      const list = await t.http.get(`/v1/admin/tenants/${tenant.id}/api-keys`).set(bearer(t.adminKey)).expect(200);
      expect(list.body.data.map((key: { name: string }) => key.name)).not.toContain('now');
    });

    it('records when a key was last used, to the minute', async () => {
      const tenant = await createTenant(t);
      const hash = hashApiKey(tenant.key);
      // The write is off the request path; poll the row until it lands.
      const lastUsedBecomes = async (expected: Date) => {
        for (let attempt = 0; attempt < 200; attempt += 1) {
          const row = await t.prisma.apiKey.findUniqueOrThrow({ where: { secretHash: hash } });
          if (row.lastUsedAt?.getTime() === expected.getTime()) return;
          await new Promise((resolve) => setImmediate(resolve));
        }
        throw new Error(`lastUsedAt never became ${expected.toISOString()}`);
      };
      await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
      await lastUsedBecomes(t.clock.now());
      t.clock.advance(61_000);
      await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
      await lastUsedBecomes(t.clock.now());
    });

    it('suspending a tenant refuses its keys on the next request; reactivating restores them', async () => {
      const tenant = await createTenant(t);
      await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
      await t.http.patch(`/v1/admin/tenants/${tenant.id}`).set(bearer(t.adminKey)).send({ status: 'suspended' }).expect(200);
      const refused = await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(403);
      expect(refused.body.error.code).toBe('tenant_suspended');
      await t.http.patch(`/v1/admin/tenants/${tenant.id}`).set(bearer(t.adminKey)).send({ status: 'active' }).expect(200);
      await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
    });

    it('lists and revokes only the keys of the tenant in the URL', async () => {
      const owner = await createTenant(t);
      const other = await createTenant(t);
      const ownerKeys = await t.http.get(`/v1/admin/tenants/${owner.id}/api-keys`).set(bearer(t.adminKey)).expect(200);
      const otherKeys = await t.http.get(`/v1/admin/tenants/${other.id}/api-keys`).set(bearer(t.adminKey)).expect(200);
      expect(ownerKeys.body.data.map((key: { tenantId: string }) => key.tenantId)).toEqual([owner.id]);
      expect(otherKeys.body.data.map((key: { tenantId: string }) => key.tenantId)).toEqual([other.id]);

      const otherKeyId = otherKeys.body.data[0].id as string;
      const crossed = await t.http.delete(`/v1/admin/tenants/${owner.id}/api-keys/${otherKeyId}`).set(bearer(t.adminKey)).expect(404);
      expect(crossed.body.error.code).toBe('api_key_not_found');
      await t.http.get('/v1/endpoints').set(bearer(other.key)).expect(200);
      const adminKeys = (await t.http.get('/v1/admin/admin-keys').set(bearer(t.adminKey))).body.data as { id: string; prefix: string }[];
      const adminKeyId = adminKeys.find((key) => t.adminKey.startsWith(key.prefix))!.id;
      await t.http.delete(`/v1/admin/tenants/${owner.id}/api-keys/${adminKeyId}`).set(bearer(t.adminKey)).expect(404);
      await t.http.get('/v1/admin/tenants').set(bearer(t.adminKey)).expect(200);
    });

    it('answers the revocation of a key by something that is no id as of a key not found, on every key route, and audits it', async () => {
      const tenant = await createTenant(t);
      for (const route of ['/v1/admin/admin-keys', '/v1/admin/service-keys', `/v1/admin/tenants/${tenant.id}/api-keys`]) {
        const refused = await t.http.delete(`${route}/not-a-key-id`).set(bearer(t.adminKey));
        expect(`${refused.status} ${refused.body.error?.code}`).toBe('404 api_key_not_found');
      }
      const failures = await t.prisma.auditEvent.findMany({ where: { action: 'api_key.revoked', targetId: 'not-a-key-id' } });
      expect(failures.map((event) => `${event.outcome} ${event.errorCode}`)).toEqual(Array(3).fill('failure api_key_not_found'));
    });

    it('refuses keys for a tenant that does not exist', async () => {
      const response = await t.http
        .post('/v1/admin/tenants/00000000-0000-7000-8000-000000000000/api-keys')
        .set(bearer(t.adminKey))
        .send({ name: 'x' })
        .expect(404);
      expect(response.body.error.code).toBe('tenant_not_found');
    });
  });

  describe('key kinds', () => {
    it('tenant keys cannot reach admin routes, and admin keys cannot act as a tenant', async () => {
      const tenant = await createTenant(t);
      const asTenant = await t.http.get('/v1/admin/tenants').set(bearer(tenant.key)).expect(403);
      expect(asTenant.body.error.code).toBe('forbidden');
      await t.http.get('/v1/provider-accounts').set(bearer(t.adminKey)).expect(403);
    });

    it('unknown, malformed and missing keys get 401 with distinct codes', async () => {
      const unknown = await t.http
        .get('/v1/admin/tenants')
        .set(bearer(generateApiKey('admin').key))
        .expect(401);
      expect(unknown.body.error.code).toBe('api_key_invalid');
      const tampered = await t.http
        .get('/v1/admin/tenants')
        .set(bearer(`${t.adminKey.slice(0, -1)}${t.adminKey.endsWith('x') ? 'y' : 'x'}`))
        .expect(401);
      expect(tampered.body.error.code).toBe('api_key_invalid');
      const missing = await t.http.get('/v1/admin/tenants').expect(401);
      expect(missing.body.error.code).toBe('authentication_required');
      const basic = await t.http
        .get('/v1/admin/tenants')
        .set('authorization', `Basic ${Buffer.from('a:b').toString('base64')}`)
        .expect(401);
      expect(basic.body.error.code).toBe('authentication_required');
    });

    it('never accepts a key from the query string', async () => {
      const response = await t.http.get('/v1/admin/tenants').query({ access_token: t.adminKey }).expect(401);
      expect(response.body.error.code).toBe('authentication_required');
    });

    it('admins can issue a second admin key and revoke the bootstrap key; a restart does not bring it back', async () => {
      const database = await createTestDatabase();
      try {
        const first = await createTestApp({ database, clock: t.clock });
        const bootstrapKey = first.adminKey;
        try {
          const second = await first.http.post('/v1/admin/admin-keys').set(bearer(bootstrapKey)).send({ name: 'ops' }).expect(201);
          expect(second.body.key).toMatch(/^cp_admin_/);
          const list = await first.http.get('/v1/admin/admin-keys').set(bearer(second.body.key)).expect(200);
          const bootstrap = list.body.data.find((key: { name: string }) => key.name === 'bootstrap');
          await first.http.delete(`/v1/admin/admin-keys/${bootstrap.id}`).set(bearer(second.body.key)).expect(200);
          await first.http.get('/v1/admin/tenants').set(bearer(bootstrapKey)).expect(401);
        } finally {
          await first.close();
        }
        const restarted = await createTestApp({ database, clock: t.clock, env: { BOOTSTRAP_ADMIN_KEY: bootstrapKey } });
        try {
          const refused = await restarted.http.get('/v1/admin/tenants').set(bearer(bootstrapKey)).expect(401);
          expect(refused.body.error.code).toBe('api_key_revoked');
          // Registered once, at the first start: a restart with the same key records and announces nothing.
          expect(await restarted.prisma.auditEvent.count({ where: { action: 'api_key.bootstrapped' } })).toBe(1);
          expect(restarted.logs.filter((line) => line.includes('Registered the bootstrap admin key'))).toEqual([]);
        } finally {
          await restarted.close();
        }
      } finally {
        await database.drop();
      }
    });
  });
});
