import { createTenant, TestTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';
import { WebhookReceiver } from '../helpers/webhook-receiver';

const FIVE_MINUTES = 5 * 60_000;

/** A tenant's own keys (/v1/api-keys), and the fresh sign-in a console session needs to create any key. */
describe('tenant API keys', () => {
  let t: TestApp;
  let acme: TestTenant;
  let globex: TestTenant;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await createTenant(t);
    globex = await createTenant(t);
  });
  afterAll(() => t?.close());

  /** Signs in to the console with `key`: the cookie (as a Cookie header) and the CSRF token its writes carry. */
  const signIn = async (key: string) => {
    const response = await t.http.post('/v1/console/sessions').send({ key }).expect(201);
    const cookie = ([] as string[])
      .concat(response.headers['set-cookie'] ?? [])
      .find((line) => line.startsWith('__Host-callpass_console='))!;
    const csrfToken = (response.body as { csrfToken: string }).csrfToken;
    return { cookie: { cookie: cookie.split(';')[0] }, writes: { cookie: cookie.split(';')[0], 'x-csrf-token': csrfToken } };
  };

  const listed = async (tenant: TestTenant) => {
    const page = await t.http.get('/v1/api-keys?limit=100').set(bearer(tenant.key)).expect(200);
    return page.body.data as { id: string; name: string; prefix: string; revokedAt: string | null; [field: string]: unknown }[];
  };

  it('issues a key shown once, lists the tenant’s own keys by prefix, and revokes one: its next request is refused', async () => {
    const created = await t.http.post('/v1/api-keys').set(bearer(acme.key)).send({ name: 'ci' }).expect(201);
    expect(created.body).toMatchObject({ kind: 'tenant', tenantId: acme.id, name: 'ci', key: expect.stringMatching(/^cp_tenant_/) });
    const key = created.body.key as string;
    expect(key.startsWith(created.body.prefix as string)).toBe(true);
    await t.http.get('/v1/provider-accounts').set(bearer(key)).expect(200);

    const mine = await listed(acme);
    expect(mine.map((row) => row.name).sort()).toEqual(['ci', 'test key']);
    expect(mine.every((row) => !('key' in row))).toBe(true);
    const everything = JSON.stringify(mine);
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(acme.key);
    const firstPage = await t.http.get('/v1/api-keys?limit=1').set(bearer(acme.key)).expect(200);
    expect(firstPage.body.data).toHaveLength(1);
    const secondPage = await t.http.get(`/v1/api-keys?limit=1&cursor=${firstPage.body.nextCursor}`).set(bearer(acme.key)).expect(200);
    expect(secondPage.body.data.map((row: { id: string }) => row.id)).toEqual([mine[1].id]);

    const revoked = await t.http.delete(`/v1/api-keys/${created.body.id}`).set(bearer(acme.key)).expect(200);
    expect(revoked.body.revokedAt).toBe(t.clock.now().toISOString());
    expect((await t.http.get('/v1/provider-accounts').set(bearer(key)).expect(401)).body.error.code).toBe('api_key_revoked');

    const events = await t.http.get(`/v1/audit-events?targetType=api_key&targetId=${created.body.id}`).set(bearer(acme.key)).expect(200);
    expect(
      (events.body.data as { action: string; actor: { kind: string } }[]).map(({ action, actor }) => `${action} by ${actor.kind}`).sort(),
    ).toEqual(['api_key.created by tenant', 'api_key.revoked by tenant']);
  });

  it("answers 404 for another tenant's key, which keeps working, and never lists it", async () => {
    const theirs = await t.http.post('/v1/api-keys').set(bearer(globex.key)).send({ name: 'globex backend' }).expect(201);
    const refused = await t.http.delete(`/v1/api-keys/${theirs.body.id}`).set(bearer(acme.key)).expect(404);
    expect(refused.body.error.code).toBe('api_key_not_found');
    expect((await t.http.delete('/v1/api-keys/not-a-uuid').set(bearer(acme.key)).expect(404)).body.error.code).toBe('api_key_not_found');
    await t.http.get('/v1/provider-accounts').set(bearer(theirs.body.key)).expect(200);
    expect((await listed(acme)).map((row) => row.id)).not.toContain(theirs.body.id);
    expect((await listed(globex)).find((row) => row.id === theirs.body.id)?.revokedAt).toBeNull();
  });

  it('takes no other kind of key, nor a tenant id in the body', async () => {
    expect((await t.http.get('/v1/api-keys').set(bearer(t.adminKey)).expect(403)).body.error.code).toBe('forbidden');
    const smuggled = await t.http.post('/v1/api-keys').set(bearer(acme.key)).send({ name: 'x', tenantId: globex.id }).expect(400);
    expect(smuggled.body.error.code).toBe('validation_failed');
  });

  it('lets a console session list and revoke, and create only in the 5 minutes after its sign-in', async () => {
    const session = await signIn(acme.key);
    const victim = await t.http.post('/v1/api-keys').set(bearer(acme.key)).send({ name: 'to revoke' }).expect(201);
    await t.http.get('/v1/api-keys').set(session.cookie).expect(200);
    // Writes still need the CSRF token.
    const noToken = await t.http.post('/v1/api-keys').set(session.cookie).send({ name: 'no token' }).expect(403);
    expect(noToken.body.error.code).toBe('csrf_token_invalid');
    expect((await t.http.delete(`/v1/api-keys/${victim.body.id}`).set(session.cookie).expect(403)).body.error.code).toBe(
      'csrf_token_invalid',
    );
    await t.http.get('/v1/provider-accounts').set(bearer(victim.body.key)).expect(200);

    t.clock.advance(FIVE_MINUTES);
    const fresh = await t.http.post('/v1/api-keys').set(session.writes).send({ name: 'from the console' }).expect(201);
    await t.http.get('/v1/provider-accounts').set(bearer(fresh.body.key)).expect(200);

    t.clock.advance(1);
    const stale = await t.http.post('/v1/api-keys').set(session.writes).send({ name: 'too late' }).expect(403);
    expect(stale.body.error).toMatchObject({
      code: 'console_reauthentication_required',
      message: expect.stringMatching(/^Sign in again to do this: /),
      details: { maxSignInAgeSeconds: 300, signedInAt: new Date(t.clock.now().getTime() - FIVE_MINUTES - 1).toISOString() },
    });
    expect((await listed(acme)).map((row) => row.name)).not.toContain('too late');
    const refusals = await t.http.get('/v1/audit-events?action=api_key.created').set(bearer(acme.key)).expect(200);
    expect(refusals.body.data).toContainEqual(
      expect.objectContaining({
        outcome: 'failure',
        errorCode: 'console_reauthentication_required',
        actor: expect.objectContaining({ kind: 'tenant' }),
      }),
    );

    // The same session still lists and revokes; a new sign-in creates again.
    await t.http.get('/v1/api-keys').set(session.cookie).expect(200);
    await t.http.delete(`/v1/api-keys/${victim.body.id}`).set(session.writes).expect(200);
    expect((await t.http.get('/v1/provider-accounts').set(bearer(victim.body.key)).expect(401)).body.error.code).toBe('api_key_revoked');
    const again = await signIn(acme.key);
    await t.http.post('/v1/api-keys').set(again.writes).send({ name: 'after signing in again' }).expect(201);
  });

  it("refuses an admin console session's stale sign-in on every admin route that creates a key", async () => {
    const creates: [path: string, body: Record<string, unknown>][] = [
      ['/v1/admin/admin-keys', { name: 'operator' }],
      ['/v1/admin/service-keys', { name: 'metrics', scopes: ['metrics:read'] }],
      [`/v1/admin/tenants/${acme.id}/api-keys`, { name: 'for acme' }],
    ];
    const session = await signIn(t.adminKey);
    for (const [path, body] of creates) await t.http.post(path).set(session.writes).send(body).expect(201);
    t.clock.advance(FIVE_MINUTES + 1_000);
    for (const [path, body] of creates) {
      const refused = await t.http.post(path).set(session.writes).send(body).expect(403);
      expect([path, refused.body.error.code]).toEqual([path, 'console_reauthentication_required']);
    }
    await t.http.get('/v1/admin/admin-keys').set(session.cookie).expect(200);
  });

  it('refuses a stale console sign-in what else outlives the session: identity providers, audit sinks, end-user sessions', async () => {
    await t.http.put('/v1/end-user-auth').set(bearer(acme.key)).send({ issuers: [], sessions: true }).expect(200);
    const inbox = new WebhookReceiver();
    await inbox.start();
    const sink = await t.http
      .post('/v1/audit-sinks')
      .set(bearer(acme.key))
      .send({ name: 'ours', kind: 'webhook', url: inbox.url })
      .expect(201);
    const session = await signIn(acme.key);
    const writes: [method: 'put' | 'post', path: string, body: Record<string, unknown>][] = [
      ['put', '/v1/end-user-auth', { issuers: [], sessions: true }],
      ['post', '/v1/sessions', { userId: 'alice' }],
      ['post', '/v1/audit-sinks', { name: 'exfiltration', kind: 'webhook', url: 'https://sink.example.com/hook' }],
    ];
    // Fresh, the first two go through (a sink is not tried fresh: it would be sent a test message).
    await t.http.put('/v1/end-user-auth').set(session.writes).send(writes[0][2]).expect(200);
    await t.http.post('/v1/sessions').set(session.writes).send(writes[1][2]).expect(201);
    t.clock.advance(FIVE_MINUTES + 1_000);
    for (const [method, path, body] of writes) {
      const refused = await t.http[method](path).set(session.writes).send(body);
      expect([path, refused.status, refused.body.error.code]).toEqual([path, 403, 'console_reauthentication_required']);
    }
    // Nor may it move a sink elsewhere; renaming one moves nothing.
    const moved = await t.http.patch(`/v1/audit-sinks/${sink.body.id}`).set(session.writes).send({ url: 'https://sink.example.com/hook' });
    expect([moved.status, moved.body.error.code]).toEqual([403, 'console_reauthentication_required']);
    expect((await t.http.get(`/v1/audit-sinks/${sink.body.id}`).set(bearer(acme.key)).expect(200)).body.url).toBe(inbox.url);
    await t.http.patch(`/v1/audit-sinks/${sink.body.id}`).set(session.writes).send({ name: 'renamed' }).expect(200);
    await t.http.put('/v1/end-user-auth').set(bearer(acme.key)).send(writes[0][2]).expect(200);
    await t.http.delete(`/v1/audit-sinks/${sink.body.id}`).set(bearer(acme.key)).expect(204);
    await inbox.stop();
  });

  it('never lets a key outlive the key that created it', async () => {
    const expiresAt = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    const shortLived = await t.http
      .post(`/v1/admin/tenants/${acme.id}/api-keys`)
      .set(bearer(t.adminKey))
      .send({ name: 'contractor', expiresAt })
      .expect(201);
    const forever = await t.http.post('/v1/api-keys').set(bearer(shortLived.body.key)).send({ name: 'forever' }).expect(201);
    expect(forever.body.expiresAt).toBe(expiresAt);
    const sooner = new Date(t.clock.now().getTime() + 60_000).toISOString();
    const earlier = await t.http
      .post('/v1/api-keys')
      .set(bearer(shortLived.body.key))
      .send({ name: 'sooner', expiresAt: sooner })
      .expect(201);
    expect(earlier.body.expiresAt).toBe(sooner);
    const later = new Date(t.clock.now().getTime() + 7_200_000).toISOString();
    const capped = await t.http.post('/v1/api-keys').set(bearer(shortLived.body.key)).send({ name: 'later', expiresAt: later }).expect(201);
    expect(capped.body.expiresAt).toBe(expiresAt);

    // An admin key that expires makes keys of every kind that expire by then too.
    const operator = await t.http
      .post('/v1/admin/admin-keys')
      .set(bearer(t.adminKey))
      .send({ name: 'temporary operator', expiresAt })
      .expect(201);
    for (const path of ['/v1/admin/admin-keys', `/v1/admin/tenants/${acme.id}/api-keys`]) {
      const made = await t.http.post(path).set(bearer(operator.body.key)).send({ name: 'made by a temporary operator' }).expect(201);
      expect([path, made.body.expiresAt]).toEqual([path, expiresAt]);
    }
    t.clock.advance(3_600_000);
    expect((await t.http.get('/v1/endpoints').set(bearer(forever.body.key)).expect(401)).body.error.code).toBe('api_key_expired');
    // A key that does not expire creates keys that need not either.
    expect((await t.http.post('/v1/api-keys').set(bearer(acme.key)).send({ name: 'lasting' }).expect(201)).body.expiresAt).toBeNull();
  });

  it('leaves a bearer key alone, even sent with a stale console cookie', async () => {
    const session = await signIn(acme.key);
    t.clock.advance(FIVE_MINUTES * 3);
    await t.http.post('/v1/api-keys').set(bearer(acme.key)).send({ name: 'by bearer' }).expect(201);
    await t.http
      .post('/v1/api-keys')
      .set({ ...session.writes, ...bearer(acme.key) })
      .send({ name: 'bearer wins' })
      .expect(201);
    await t.http.post('/v1/admin/admin-keys').set(bearer(t.adminKey)).send({ name: 'by bearer' }).expect(201);
  });
});
