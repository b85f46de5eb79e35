import { MAX_PARAM_LENGTH } from '../../src/app.setup';
import { createEndpoint, createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { configureEndUserAuth, createSession } from '../helpers/end-users';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/** Every character percent-encoded, as a client may send any of them. */
const encodeEveryByte = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** The longest user ids the API accepts (200 code points), and how each is written in a path. */
const LONGEST_IDS = [
  { name: '200 ASCII characters', id: `u${'x'.repeat(199)}`, inPath: (id: string) => id },
  { name: '200 ASCII characters, each percent-encoded', id: `v${'y'.repeat(199)}`, inPath: encodeEveryByte },
  // 4 UTF-8 bytes each: 2,400 characters in the path, 400 UTF-16 units decoded.
  { name: '200 emoji, percent-encoded', id: '\u{1F600}'.repeat(200), inPath: encodeURIComponent },
  { name: '200 accented letters, percent-encoded', id: 'é'.repeat(200), inPath: encodeURIComponent },
];

/**
 * Security review F1: ids over 100 characters could not be revoked (Fastify's default maxParamLength) although the
 * API accepted ids up to 200 elsewhere. Every route that takes a user id, in a path, a query or a body, accepts
 * the longest one.
 */
describe('user ids at their longest', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let accountId: string;
  let serviceKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t);
    accountId = (await createProviderAccount(t, tenant, 'twilio')).id;
    await configureEndUserAuth(t, tenant, { sessions: true });
    const service = await t.http
      .post('/v1/admin/service-keys')
      .set(bearer(t.adminKey))
      .send({ name: 'long-ids', scopes: ['endpoints:read', 'tokens:issue', 'users:revoke'] })
      .expect(201);
    serviceKey = service.body.key;
  });
  afterAll(() => t?.close());

  it.each(LONGEST_IDS.map((entry, index) => [entry.name, entry, index] as const))(
    'are accepted by every route: %s',
    async (_name, { id, inPath }, index) => {
      expect([...id]).toHaveLength(200);
      const tenantCall = (method: 'get' | 'post', path: string) => t.http[method](path).set(bearer(tenant.key));
      const serviceCall = (method: 'get' | 'post', path: string) => t.http[method](path).set(bearer(serviceKey));
      const endpoint = await createEndpoint(t, tenant, accountId, { userId: id, identity: `longest${index}` });
      expect(endpoint.userId).toBe(id);

      const listed = await tenantCall('get', '/v1/endpoints').query({ userId: id }).expect(200);
      expect(listed.body.data.map((row: { id: string }) => row.id)).toEqual([endpoint.id]);
      const ofUser = await serviceCall('get', `/v1/internal/tenants/${tenant.id}/endpoints`).query({ userId: id }).expect(200);
      expect(ofUser.body.data.map((row: { id: string }) => row.id)).toEqual([endpoint.id]);
      await tenantCall('post', '/v1/tokens').send({ userId: id }).expect(201);
      await serviceCall('post', `/v1/internal/tenants/${tenant.id}/tokens`).send({ userId: id }).expect(201);
      const logged = await tenantCall('get', '/v1/token-issuances').query({ userId: id }).expect(200);
      expect(logged.body.data).toHaveLength(2);

      await createSession(t, tenant, { userId: id });
      const sessions = await tenantCall('get', '/v1/sessions').query({ userId: id }).expect(200);
      expect(sessions.body.data).toHaveLength(1);
      const revoked = await tenantCall('post', `/v1/users/${inPath(id)}/revoke`).expect(200);
      expect(revoked.body).toMatchObject({ userId: id, sessionsRevoked: 1 });

      await createSession(t, tenant, { userId: id });
      const revokedByService = await serviceCall('post', `/v1/internal/tenants/${tenant.id}/users/${inPath(id)}/revoke`).expect(200);
      expect(revokedByService.body).toMatchObject({ userId: id, sessionsRevoked: 1 });
    },
  );

  it('refuses one character more the same way on every route (400 validation_failed)', async () => {
    const tooLong = 'é'.repeat(201);
    const refusals = [
      await t.http.post(`/v1/users/${encodeURIComponent(tooLong)}/revoke`).set(bearer(tenant.key)),
      await t.http.post(`/v1/internal/tenants/${tenant.id}/users/${encodeURIComponent(tooLong)}/revoke`).set(bearer(serviceKey)),
      await t.http
        .post('/v1/endpoints')
        .set(bearer(tenant.key))
        .send({ providerAccountId: accountId, userId: tooLong, identity: 'toolong' }),
      await t.http.post('/v1/sessions').set(bearer(tenant.key)).send({ userId: tooLong }),
      await t.http.post('/v1/tokens').set(bearer(tenant.key)).send({ userId: tooLong }),
      await t.http.post(`/v1/internal/tenants/${tenant.id}/tokens`).set(bearer(serviceKey)).send({ userId: tooLong }),
    ];
    expect(
      refusals.map((response) => `${response.status} ${response.body.error.code} ${response.body.error.details.fields[0].field}`),
    ).toEqual(refusals.map(() => '400 validation_failed userId'));
  });

  it('counts an id in code points everywhere: 200 letters with variation selectors are refused on creation as on revocation', async () => {
    // class-validator's Length counts a letter and its variation selector as one: 200 by that count, 400 code points.
    const selectors = 'a\uFE0F'.repeat(200);
    const created = await t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ providerAccountId: accountId, userId: selectors, identity: 'selectors' })
      .expect(400);
    expect(created.body.error.details.fields[0].field).toBe('userId');
    await t.http
      .post(`/v1/users/${encodeURIComponent(selectors)}/revoke`)
      .set(bearer(tenant.key))
      .expect(400);
  });

  it('answers a path segment longer than any id with a coded 414 in the usual shape and headers', async () => {
    const response = await t.http
      .post(`/v1/users/${'a'.repeat(MAX_PARAM_LENGTH + 1)}/revoke`)
      .set(bearer(tenant.key))
      .expect(414);
    expect(response.body).toEqual({
      error: {
        code: 'path_parameter_too_long',
        message: 'A path segment is longer than any id the API accepts',
        details: { maxLength: MAX_PARAM_LENGTH },
      },
    });
    expect(response.headers).toMatchObject({ 'x-request-id': expect.any(String), 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('answers a broken percent-encoding in a path with a coded 400 in the usual shape', async () => {
    const response = await t.http.post('/v1/users/%E0%A4%A/revoke').set(bearer(tenant.key)).expect(400);
    expect(response.body).toEqual({ error: { code: 'bad_request', message: 'The request cannot be processed', details: {} } });
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
  });
});
