import { createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { validCredentials } from '../factories/credentials.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/** The console's sign-in: a key exchanged for a session cookie that acts as the key, with CSRF on every write. */
describe('console sessions', () => {
  let t: TestApp;
  let acme: TestTenant;
  let globex: TestTenant;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await createTenant(t);
    globex = await createTenant(t);
  });
  afterAll(() => t?.close());

  /** Signs in with `key`: the session's cookie (as a Cookie header) and its answer. */
  const signIn = async (key: string) => {
    const response = await t.http.post('/v1/console/sessions').send({ key }).expect(201);
    const setCookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
    const cookie = setCookie.find((line) => line.startsWith('__Host-callpass_console='))!;
    return { cookie: cookie.split(';')[0], setCookie: cookie, body: response.body as { csrfToken: string; [name: string]: unknown } };
  };

  it('sets a Secure, HttpOnly, SameSite=Strict __Host- cookie, even over http, and answers who the session acts as, never the key', async () => {
    const { setCookie, body } = await signIn(acme.key);
    expect(setCookie).toMatch(/^__Host-callpass_console=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(body).toMatchObject({ kind: 'tenant', tenantId: acme.id, idleMinutes: 30, csrfToken: expect.any(String) });
    expect(JSON.stringify(body)).not.toContain(acme.key);
  });

  it('reads with the cookie alone, and writes only with the CSRF token', async () => {
    const { cookie, body } = await signIn(acme.key);
    await t.http.get('/v1/provider-accounts').set('cookie', cookie).expect(200);
    const account = { provider: 'twilio', name: 'from-console', ...validCredentials.twilio() };
    const missing = await t.http.post('/v1/provider-accounts').set('cookie', cookie).send(account).expect(403);
    expect(missing.body.error.code).toBe('csrf_token_invalid');
    const wrong = await t.http
      .post('/v1/provider-accounts')
      .set({ cookie, 'x-csrf-token': `${body.csrfToken}x` })
      .send(account)
      .expect(403);
    expect(wrong.body.error.code).toBe('csrf_token_invalid');
    await t.http.post('/v1/provider-accounts').set({ cookie, 'x-csrf-token': body.csrfToken }).send(account).expect(201);
    const current = await t.http.get('/v1/console/sessions/current').set('cookie', cookie).expect(200);
    expect(current.body).toMatchObject({ id: body.id, csrfToken: body.csrfToken, kind: 'tenant' });
  });

  it('refuses every write the console pages make without the CSRF token, and changes nothing', async () => {
    const { cookie } = await signIn(acme.key);
    const account = await createProviderAccount(t, acme, 'twilio');
    const endpoint = await t.http
      .post('/v1/endpoints')
      .set(bearer(acme.key))
      .send({ providerAccountId: account.id, userId: 'csrf_user', capabilities: ['outgoing'] })
      .expect(201);
    const before = async () =>
      JSON.stringify(
        await Promise.all(
          ['/v1/settings', '/v1/provider-accounts', '/v1/endpoints', '/v1/end-user-auth', '/v1/api-keys', '/v1/sessions'].map(
            async (path) => (await t.http.get(path).set(bearer(acme.key)).expect(200)).body,
          ),
        ),
      );
    const stored = await before();
    const writes: [method: 'put' | 'post' | 'patch' | 'delete', path: string, body?: object][] = [
      ['put', '/v1/settings', { allowedOrigins: ['https://evil.example'] }],
      ['post', '/v1/provider-accounts', { provider: 'twilio', name: 'csrf', ...validCredentials.twilio() }],
      ['patch', `/v1/provider-accounts/${account.id}`, { status: 'disabled' }],
      ['patch', `/v1/endpoints/${endpoint.body.id}`, { disabled: true }],
      ['put', '/v1/end-user-auth', { issuers: [], sessions: true }],
      ['post', '/v1/end-user-auth/token-tests', { token: 'a.b.c' }],
      ['post', '/v1/api-keys', { name: 'csrf' }],
      ['post', '/v1/users/csrf_user/revoke'],
      ['delete', `/v1/provider-accounts/${account.id}`],
    ];
    for (const [method, path, body] of writes) {
      const refused = await t.http[method](path).set('cookie', cookie).send(body);
      expect([method, path, refused.status, refused.body.error?.code]).toEqual([method, path, 403, 'csrf_token_invalid']);
    }
    expect(await before()).toBe(stored);
  });

  it('never does more than its key: no admin route, no other tenant, and a key sent with it wins', async () => {
    const { cookie } = await signIn(acme.key);
    expect((await t.http.get('/v1/admin/tenants').set('cookie', cookie).expect(403)).body.error.code).toBe('forbidden');
    const theirs = await createProviderAccount(t, globex, 'twilio');
    await t.http.get(`/v1/provider-accounts/${theirs.id}`).set('cookie', cookie).expect(404);
    const asGlobex = await t.http
      .get(`/v1/provider-accounts/${theirs.id}`)
      .set({ cookie, ...bearer(globex.key) })
      .expect(200);
    expect(asGlobex.body.id).toBe(theirs.id);
  });

  it('opens with an admin key onto the operator routes; not with a service key or a bad key', async () => {
    const { cookie, body } = await signIn(t.adminKey);
    expect(body).toMatchObject({ kind: 'admin', tenantId: null });
    await t.http.get('/v1/admin/tenants').set('cookie', cookie).expect(200);
    const service = await t.http
      .post('/v1/admin/service-keys')
      .set(bearer(t.adminKey))
      .send({ name: 'metrics', scopes: ['metrics:read'] })
      .expect(201);
    const refused = await t.http.post('/v1/console/sessions').send({ key: service.body.key }).expect(403);
    expect(refused.body.error.code).toBe('console_key_not_allowed');
    expect((await t.http.post('/v1/console/sessions').send({ key: 'cp_tenant_nope' }).expect(401)).body.error.code).toBe('api_key_invalid');
    expect((await t.http.post('/v1/console/sessions').send({}).expect(400)).body.error.code).toBe('validation_failed');
  });

  it('signs out on the service: the cookie no longer works, even if kept', async () => {
    const { cookie, body } = await signIn(acme.key);
    expect((await t.http.delete('/v1/console/sessions/current').set('cookie', cookie).expect(403)).body.error.code).toBe(
      'csrf_token_invalid',
    );
    const out = await t.http.delete('/v1/console/sessions/current').set({ cookie, 'x-csrf-token': body.csrfToken }).expect(204);
    expect(String(out.headers['set-cookie'])).toMatch(
      /^__Host-callpass_console=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict$/,
    );
    const after = await t.http.get('/v1/provider-accounts').set('cookie', cookie).expect(401);
    expect(after.body.error.code).toBe('console_session_revoked');
    // Both ends are in the tenant's audit log, as the key that opened the session.
    const events = await t.http.get('/v1/audit-events?targetType=console_session').set(bearer(acme.key)).expect(200);
    const ofThisSession = (events.body.data as { action: string; target: { id: string }; actor: { kind: string } }[]).filter(
      (event) => event.target.id === body.id,
    );
    expect(ofThisSession.map(({ action, actor }) => `${action} by ${actor.kind}`).sort()).toEqual([
      'console_session.closed by tenant',
      'console_session.opened by tenant',
    ]);
  });

  it('ends after 30 idle minutes, and 12 hours after sign-in however active', async () => {
    const idle = await signIn(acme.key);
    const active = await signIn(acme.key);
    // A request every 20 minutes keeps a session for 11 h 40 min; the next, at 12 h, finds it at its end.
    for (let step = 0; step < 35; step += 1) {
      t.clock.advance(20 * 60_000);
      await t.http.get('/v1/console/sessions/current').set('cookie', active.cookie).expect(200);
    }
    expect((await t.http.get('/v1/provider-accounts').set('cookie', idle.cookie).expect(401)).body.error.code).toBe(
      'console_session_expired',
    );
    t.clock.advance(20 * 60_000);
    expect((await t.http.get('/v1/provider-accounts').set('cookie', active.cookie).expect(401)).body.error.code).toBe(
      'console_session_expired',
    );
  });

  it('stops with its key: a revoked key ends its sessions at once', async () => {
    const key = await t.http
      .post(`/v1/admin/tenants/${acme.id}/api-keys`)
      .set(bearer(t.adminKey))
      .send({ name: 'short-lived' })
      .expect(201);
    const { cookie } = await signIn(key.body.key);
    await t.http.get('/v1/provider-accounts').set('cookie', cookie).expect(200);
    await t.http.delete(`/v1/admin/tenants/${acme.id}/api-keys/${key.body.id}`).set(bearer(t.adminKey)).expect(200);
    expect((await t.http.get('/v1/provider-accounts').set('cookie', cookie).expect(401)).body.error.code).toBe('api_key_revoked');
  });

  it("ends the browser's previous session when it signs in again", async () => {
    const first = await signIn(acme.key);
    const again = await t.http.post('/v1/console/sessions').set('cookie', first.cookie).send({ key: acme.key }).expect(201);
    expect(again.body.id).not.toBe(first.body.id);
    const kept = await t.http.get('/v1/provider-accounts').set('cookie', first.cookie).expect(401);
    expect(kept.body.error.code).toBe('console_session_revoked');
  });

  it('refuses a cookie that is not a session, and any cookie on a route for end users or services', async () => {
    const forged = await t.http.get('/v1/provider-accounts').set('cookie', '__Host-callpass_console=forged').expect(401);
    expect(forged.body.error.code).toBe('console_session_invalid');
    const { cookie } = await signIn(t.adminKey);
    await t.http.get('/metrics').set('cookie', cookie).expect(401);
  });
});

describe('console turned off', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ env: { CONSOLE_ENABLED: 'false' } })));
  afterAll(() => t?.close());

  it('signs nobody in', async () => {
    const refused = await t.http.post('/v1/console/sessions').send({ key: t.adminKey }).expect(404);
    expect(refused.body.error.code).toBe('console_disabled');
  });
});
