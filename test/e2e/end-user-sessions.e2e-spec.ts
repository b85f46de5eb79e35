import { providerKits } from '../../src/providers/provider-kits';
import { createTenant } from '../factories/tenant.factory';
import { clientIssue, configureEndUserAuth, createSession, setTenantSettings } from '../helpers/end-users';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer } from '../helpers/test-app';
import { createSigningKey } from '../helpers/test-idp';

describe('Callpass end-user sessions', () => {
  let ctx: IssuingContext;
  let accountId: string;

  beforeAll(async () => {
    ctx = await createIssuingContext();
    accountId = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    await setTenantSettings(ctx.t, ctx.tenant);
    await configureEndUserAuth(ctx.t, ctx.tenant, { sessions: true });
    await ctx.createEndpoint(accountId, { userId: 'alice', identity: 'alice' });
  });
  afterAll(() => ctx?.close());

  it('are created only once the tenant turns them on', async () => {
    const tenant = await createTenant(ctx.t);
    const refused = await ctx.t.http.post('/v1/sessions').set(bearer(tenant.key)).send({ userId: 'alice' }).expect(403);
    expect(refused.body.error.code).toBe('end_user_sessions_disabled');
    const configured = await configureEndUserAuth(ctx.t, tenant, { sessions: true });
    expect(configured).toEqual({ issuers: [], sessions: true });
    expect((await ctx.t.http.get('/v1/end-user-auth').set(bearer(tenant.key)).expect(200)).body).toEqual(configured);
    expect(await createSession(ctx.t, tenant, { userId: 'alice' })).toMatchObject({ userId: 'alice', session: expect.any(String) });
  });

  it('are configured with one or both of issuers and sessions: what a PUT leaves out is off', async () => {
    const tenant = await createTenant(ctx.t);
    const put = (body: object) => ctx.t.http.put('/v1/end-user-auth').set(bearer(tenant.key)).send(body).expect(200);
    expect((await put({ sessions: true })).body).toEqual({ issuers: [], sessions: true });
    const issuer = { issuer: 'https://login.example/', audience: 'callpass', publicKeyPem: (await createSigningKey()).publicPem };
    const issuersOnly = await put({ issuers: [issuer] });
    expect(issuersOnly.body).toMatchObject({ issuers: [{ issuer: issuer.issuer }], sessions: false });
  });

  it('hand the browser a checksummed credential, shown once and stored as a hash, that mints for its user only', async () => {
    const created = await createSession(ctx.t, ctx.tenant, { userId: 'alice' });
    expect(created).toMatchObject({
      userId: 'alice',
      capabilities: [],
      providerAccountId: null,
      expiresAt: new Date(ctx.clock.now().getTime() + 900_000).toISOString(),
      revokedAt: null,
    });
    expect(created.session).toMatch(/^cp_sess_[0-9A-Za-z]{49}$/);
    const row = await ctx.t.prisma.endUserSession.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.stringify(row)).not.toContain(created.session.slice(8));

    const token = await clientIssue(ctx.t, ctx.tenant, created.session).expect(201);
    expect(token.body).toMatchObject({ provider: 'twilio', identity: 'alice', capabilities: ['incoming', 'outgoing'] });
    const [issued] = await ctx.t.prisma.tokenIssuance.findMany({ where: { id: token.body.id } });
    expect(issued).toMatchObject({ actorKind: 'end_user', actorId: `session:${created.id}`, userId: 'alice' });

    const listed = await ctx.t.http.get('/v1/sessions').query({ userId: 'alice' }).set(bearer(ctx.tenant.key)).expect(200);
    expect(listed.body.data.map((session: { id: string }) => session.id)).toContain(created.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.session);
    const events = await ctx.t.http.get('/v1/audit-events').query({ action: 'end_user_session.created' }).set(bearer(ctx.tenant.key));
    const success = events.body.data.find((event: { outcome: string }) => event.outcome === 'success');
    expect(success).toMatchObject({ actor: { kind: 'tenant' }, target: { id: created.id }, details: { userId: 'alice' } });
    expect(JSON.stringify(events.body)).not.toContain(created.session);
  });

  it('narrow what the token may do, and to which account', async () => {
    const otherAccount = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    const incoming = await createSession(ctx.t, ctx.tenant, { userId: 'alice', capabilities: ['incoming'], providerAccountId: accountId });
    expect((await clientIssue(ctx.t, ctx.tenant, incoming.session).expect(201)).body.capabilities).toEqual(['incoming']);
    const outgoing = await clientIssue(ctx.t, ctx.tenant, incoming.session, { capabilities: ['outgoing'] }).expect(403);
    expect(outgoing.body.error.code).toBe('capability_not_allowed');
    const elsewhere = await clientIssue(ctx.t, ctx.tenant, incoming.session, { providerAccountId: otherAccount }).expect(403);
    expect(elsewhere.body.error.code).toBe('session_scope_exceeded');
  });

  it('stop working when revoked, when expired, and when the tenant turns sessions off', async () => {
    const revoked = await createSession(ctx.t, ctx.tenant, { userId: 'alice' });
    await ctx.t.http.delete(`/v1/sessions/${revoked.id}`).set(bearer(ctx.tenant.key)).expect(200);
    expect((await clientIssue(ctx.t, ctx.tenant, revoked.session).expect(401)).body.error.code).toBe('end_user_session_revoked');

    const expiring = await createSession(ctx.t, ctx.tenant, { userId: 'alice', ttlSeconds: 60 });
    await clientIssue(ctx.t, ctx.tenant, expiring.session).expect(201);
    ctx.clock.advance(60_000);
    expect((await clientIssue(ctx.t, ctx.tenant, expiring.session).expect(401)).body.error.code).toBe('end_user_session_expired');

    // Revoking the tenant key that created a session ends the session too.
    const secondKey = await ctx.t.http
      .post(`/v1/admin/tenants/${ctx.tenant.id}/api-keys`)
      .set(bearer(ctx.t.adminKey))
      .send({ name: 'second' })
      .expect(201);
    const bySecondKey = await createSession(ctx.t, { ...ctx.tenant, key: secondKey.body.key }, { userId: 'alice' });
    await clientIssue(ctx.t, ctx.tenant, bySecondKey.session).expect(201);
    await ctx.t.http.delete(`/v1/admin/tenants/${ctx.tenant.id}/api-keys/${secondKey.body.id}`).set(bearer(ctx.t.adminKey)).expect(200);
    expect((await clientIssue(ctx.t, ctx.tenant, bySecondKey.session).expect(401)).body.error.code).toBe('end_user_session_revoked');

    const live = await createSession(ctx.t, ctx.tenant, { userId: 'alice' });
    await configureEndUserAuth(ctx.t, ctx.tenant, { sessions: false });
    try {
      expect((await clientIssue(ctx.t, ctx.tenant, live.session).expect(401)).body.error.code).toBe('end_user_session_invalid');
    } finally {
      await configureEndUserAuth(ctx.t, ctx.tenant, { sessions: true });
    }
    await clientIssue(ctx.t, ctx.tenant, live.session).expect(201);
  });

  it('refuse bad requests with 4xx: unknown account, too long, malformed credentials, unknown ids', async () => {
    const unknownAccount = await ctx.t.http
      .post('/v1/sessions')
      .set(bearer(ctx.tenant.key))
      .send({ userId: 'alice', providerAccountId: '01900000-0000-7000-8000-00000000abcd' })
      .expect(404);
    expect(unknownAccount.body.error.code).toBe('provider_account_not_found');
    await ctx.t.http.post('/v1/sessions').set(bearer(ctx.tenant.key)).send({ userId: 'alice', ttlSeconds: 86_401 }).expect(400);
    // An empty list would read as "nothing" but narrow nothing: it is refused.
    await ctx.t.http.post('/v1/sessions').set(bearer(ctx.tenant.key)).send({ userId: 'alice', capabilities: [] }).expect(400);
    await ctx.t.http.post('/v1/sessions').set(bearer(ctx.tenant.key)).send({ userId: 'a\u0000b' }).expect(400);
    await ctx.t.http.delete('/v1/sessions/not-a-uuid').set(bearer(ctx.tenant.key)).expect(404);
    const missing = await ctx.t.http.get('/v1/sessions/not-a-uuid').set(bearer(ctx.tenant.key)).expect(404);
    expect(missing.body.error.code).toBe('end_user_session_not_found');
    const forged = `cp_sess_${'A'.repeat(49)}`;
    expect((await clientIssue(ctx.t, ctx.tenant, forged).expect(401)).body.error.code).toBe('end_user_session_invalid');
  });

  it('keep the first revocation time when revoked again', async () => {
    const session = await createSession(ctx.t, ctx.tenant, { userId: 'rita' });
    const first = await ctx.t.http.delete(`/v1/sessions/${session.id}`).set(bearer(ctx.tenant.key)).expect(200);
    expect(first.body.revokedAt).toBe(ctx.clock.now().toISOString());
    ctx.clock.advance(5_000);
    const again = await ctx.t.http.delete(`/v1/sessions/${session.id}`).set(bearer(ctx.tenant.key)).expect(200);
    expect(again.body.revokedAt).toBe(first.body.revokedAt);
    const read = await ctx.t.http.get(`/v1/sessions/${session.id}`).set(bearer(ctx.tenant.key)).expect(200);
    expect(read.body.revokedAt).toBe(first.body.revokedAt);
  });
});
