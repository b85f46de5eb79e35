import { createHash, randomBytes } from 'node:crypto';
import { providerKits } from '../../src/providers/provider-kits';
import { Emulators, startEmulators } from '../../src/sandbox/emulators';
import { createTenant, TestTenant } from '../factories/tenant.factory';
import { claimsAt, clientIssue, configureEndUserAuth, createSession, setTenantSettings } from '../helpers/end-users';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { startReplicaSet, ReplicaSet } from '../helpers/replica-set';
import { callJson } from '../helpers/server-process';
import { bearer } from '../helpers/test-app';
import { startTestIdp, TestIdp } from '../helpers/test-idp';
import { describeWith } from '../helpers/requirements';

describe('the browser token route', () => {
  let ctx: IssuingContext;
  let idp: TestIdp;
  let twilio: string;
  const jwtFor = (sub: string) => idp.sign(claimsAt(ctx, idp.issuer, sub));

  beforeAll(async () => {
    ctx = await createIssuingContext();
    idp = await startTestIdp();
    twilio = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    await setTenantSettings(ctx.t, ctx.tenant);
    await configureEndUserAuth(ctx.t, ctx.tenant, {
      issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }],
      sessions: true,
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await idp?.close();
  });

  it("mints the user's only endpoint, or the one of the named account or provider, and says when a choice is needed", async () => {
    const signalwireAccount = providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire);
    const signalwire = await ctx.createAccount(signalwireAccount);
    await ctx.createEndpoint(twilio, { userId: 'dana', identity: 'dana' });
    const token = await jwtFor('dana');
    expect((await clientIssue(ctx.t, ctx.tenant, token).expect(201)).body.provider).toBe('twilio');

    await ctx.createEndpoint(signalwire, { userId: 'dana', identity: 'dana@example.com' });
    const choice = await clientIssue(ctx.t, ctx.tenant, token).expect(400);
    expect(choice.body.error).toMatchObject({
      code: 'endpoint_choice_required',
      details: { providerAccounts: expect.arrayContaining([twilio, signalwire]) },
    });
    expect((await clientIssue(ctx.t, ctx.tenant, token, { provider: 'signalwire' }).expect(201)).body.identity).toBe('dana@example.com');
    expect((await clientIssue(ctx.t, ctx.tenant, token, { providerAccountId: twilio }).expect(201)).body.identity).toBe('dana');
    const none = await clientIssue(ctx.t, ctx.tenant, await jwtFor('nobody')).expect(404);
    expect(none.body.error.code).toBe('endpoint_not_found');
  });

  it('enrols a user on first request where the account allows it: concurrent first requests create one endpoint', async () => {
    const tenant = await createTenant(ctx.t);
    await setTenantSettings(ctx.t, tenant);
    await configureEndUserAuth(ctx.t, tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
    const plivo = providerKits.plivo.emulatedAccount(ctx.emulators.plivo);
    const account = await ctx.t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ ...plivo, name: 'plivo', policy: { autoEnroll: true, capabilities: ['outgoing'] } })
      .expect(201);
    const token = await jwtFor('erin');
    const responses = await Promise.all(Array.from({ length: 8 }, () => clientIssue(ctx.t, tenant, token)));
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(201));
    const endpoints = await ctx.t.prisma.endpoint.findMany({ where: { tenantId: tenant.id, userId: 'erin' } });
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]).toMatchObject({ providerAccountId: account.body.id, capabilities: ['outgoing'] });
    // Created at Plivo once, and the tokens name it.
    expect(ctx.emulators.plivo.accounts.get(plivo.config.authId)!.endpoints.size).toBe(1);
    expect(new Set(responses.map((response) => response.body.identity))).toEqual(new Set([endpoints[0].identity]));
    const events = await ctx.t.http.get('/v1/audit-events').query({ action: 'endpoint.created' }).set(bearer(tenant.key));
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0]).toMatchObject({ actor: { kind: 'end_user', id: `issuer:${idp.issuer}` }, outcome: 'success' });

    // A user id the provider cannot take as a name gets a derived, stable one.
    const oddUser = await clientIssue(ctx.t, tenant, await jwtFor('frank@example.com')).expect(201);
    expect(oddUser.body.identity).toMatch(/^u[0-9a-f]{24}/);
  });

  describe('never mints for anyone but the signed-in user of that tenant', () => {
    let other: TestTenant;
    let bobTokenId: string;
    let otherTenantTokenId: string;
    let otherAccount: string;
    let aliceSession: string;

    beforeAll(async () => {
      const signalwire = await ctx.createAccount(providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire));
      await ctx.createEndpoint(signalwire, { userId: 'alice', identity: 'alice@example.com' });
      const bob = await ctx.createEndpoint(signalwire, { userId: 'bob', identity: 'bob@example.com' });
      bobTokenId = (await ctx.issue({ endpointId: bob.id }).expect(201)).body.id;
      aliceSession = (await createSession(ctx.t, ctx.tenant, { userId: 'alice' })).session;

      other = await createTenant(ctx.t);
      await configureEndUserAuth(ctx.t, other, {
        issuers: [{ issuer: idp.issuer, audience: 'other-tenant', jwksUrl: idp.jwksUrl }],
        sessions: true,
      });
      const { provider, baseUrl, config, secrets } = providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire);
      otherAccount = (
        await ctx.t.http
          .post('/v1/provider-accounts')
          .set(bearer(other.key))
          .send({ provider, baseUrl, config, secrets, name: 'sw' })
          .expect(201)
      ).body.id;
      const otherAlice = await ctx.t.http
        .post('/v1/endpoints')
        .set(bearer(other.key))
        .send({ providerAccountId: otherAccount, userId: 'alice', identity: 'alice@other.example', capabilities: ['incoming', 'outgoing'] })
        .expect(201);
      otherTenantTokenId = (await ctx.t.http.post('/v1/tokens').set(bearer(other.key)).send({ endpointId: otherAlice.body.id }).expect(201))
        .body.id;
    });

    const attempts: [string, () => Promise<{ status: number; body: { error?: { code: string }; identity?: string } }>, number, string][] = [
      [
        'naming another user in the body',
        async () => clientIssue(ctx.t, ctx.tenant, await jwtFor('alice'), { userId: 'bob' }),
        400,
        'validation_failed',
      ],
      [
        "naming another user's endpoint",
        async () => clientIssue(ctx.t, ctx.tenant, await jwtFor('alice'), { endpointId: bobTokenId }),
        400,
        'validation_failed',
      ],
      [
        'naming another user in the query string',
        async () =>
          ctx.t.http
            .post(`/v1/client/${ctx.tenant.slug}/tokens?userId=bob&sub=bob`)
            .set(bearer(await jwtFor('alice')))
            .send({ provider: 'signalwire' }),
        201,
        'alice@example.com',
      ],
      [
        "refreshing another user's token (JWT)",
        async () => clientRefresh(ctx.tenant, await jwtFor('alice'), bobTokenId),
        404,
        'token_not_refreshable',
      ],
      [
        "refreshing another user's token (session)",
        async () => clientRefresh(ctx.tenant, aliceSession, bobTokenId),
        404,
        'token_not_refreshable',
      ],
      [
        "refreshing another tenant's token",
        async () => clientRefresh(ctx.tenant, await jwtFor('alice'), otherTenantTokenId),
        404,
        'token_not_refreshable',
      ],
      [
        "naming another tenant's account",
        async () => clientIssue(ctx.t, ctx.tenant, await jwtFor('alice'), { providerAccountId: otherAccount }),
        404,
        'endpoint_not_found',
      ],
      ["a session at another tenant's route", async () => clientIssue(ctx.t, other, aliceSession), 401, 'end_user_session_invalid'],
      [
        "a JWT for this tenant at another tenant's route",
        async () => clientIssue(ctx.t, other, await jwtFor('alice')),
        401,
        'end_user_audience_mismatch',
      ],
      ['a tenant key on the browser route', async () => clientIssue(ctx.t, ctx.tenant, ctx.tenant.key), 401, 'end_user_token_malformed'],
      [
        'an end-user credential on the tenant route',
        async () => ctx.t.http.post('/v1/tokens').set(bearer(aliceSession)).send({ userId: 'alice' }),
        401,
        'api_key_invalid',
      ],
    ];
    const clientRefresh = (tenant: TestTenant, credential: string, tokenId: string) =>
      ctx.t.http.post(`/v1/client/${tenant.slug}/tokens/${tokenId}/refresh`).set(bearer(credential)).send();

    it.each(attempts)('%s', async (_, attempt, status, outcome) => {
      const response = await attempt();
      expect(response.status).toBe(status);
      expect(response.body.error?.code ?? response.body.identity).toBe(outcome);
    });
  });

  it('signs a user out everywhere: sessions, earlier IdP tokens and kept SignalWire refresh credentials stop working', async () => {
    const signalwire = await ctx.createAccount(providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire));
    await ctx.createEndpoint(signalwire, { userId: 'gina', identity: 'gina@example.com' });
    const session = await createSession(ctx.t, ctx.tenant, { userId: 'gina', ttlSeconds: 3 * 3600 });
    const earlierJwt = await jwtFor('gina');
    const first = await clientIssue(ctx.t, ctx.tenant, earlierJwt, { provider: 'signalwire' }).expect(201);
    expect(first.body.refreshable).toBe(true);
    await ctx.t.http.post(`/v1/client/${ctx.tenant.slug}/tokens/${first.body.id}/refresh`).set(bearer(session.session)).expect(201);
    const latest = (await clientIssue(ctx.t, ctx.tenant, session.session, { provider: 'signalwire' }).expect(201)).body.id as string;

    const revoked = await ctx.t.http.post('/v1/users/gina/revoke').set(bearer(ctx.tenant.key)).expect(200);
    expect(revoked.body).toMatchObject({ userId: 'gina', sessionsRevoked: 1, refreshCredentialsDeleted: 2 });

    expect((await clientIssue(ctx.t, ctx.tenant, session.session).expect(401)).body.error.code).toBe('end_user_session_revoked');
    // The refusal says when signing in again works: the first second past the revocation plus the issuer's clock skew (60 s).
    const signInAfter = new Date((Math.floor(ctx.clock.now().getTime() / 1000) + 61) * 1000);
    const inSeconds = () => Math.ceil((signInAfter.getTime() - ctx.clock.now().getTime()) / 1000);
    const refusal = (await clientIssue(ctx.t, ctx.tenant, earlierJwt).expect(401)).body.error;
    expect(refusal).toMatchObject({
      code: 'end_user_revoked',
      details: { signInAfter: signInAfter.toISOString(), signInAfterSeconds: inSeconds() },
    });
    expect(refusal.message).toContain(`sign in again from ${signInAfter.toISOString()} (in ${inSeconds()} s)`);
    // Within the issuer's clock skew of the revocation, a new token is refused too: its iat could be a fast clock's.
    ctx.clock.advance(30_000);
    const early = (await clientIssue(ctx.t, ctx.tenant, await jwtFor('gina')).expect(401)).body.error;
    expect(early).toMatchObject({
      code: 'end_user_revoked',
      details: { signInAfter: signInAfter.toISOString(), signInAfterSeconds: inSeconds() },
    });
    expect(inSeconds()).toBeGreaterThan(29);
    // Signing in again (a token issued after the revocation) works, but the kept refresh credential is gone.
    ctx.clock.advance(31_000);
    const fresh = await jwtFor('gina');
    const refresh = await ctx.t.http.post(`/v1/client/${ctx.tenant.slug}/tokens/${latest}/refresh`).set(bearer(fresh)).expect(404);
    expect(refresh.body.error.code).toBe('token_not_refreshable');
    await clientIssue(ctx.t, ctx.tenant, fresh, { provider: 'signalwire' }).expect(201);
    const events = await ctx.t.http.get('/v1/audit-events').query({ action: 'end_user.revoked' }).set(bearer(ctx.tenant.key));
    expect(events.body.data[0]).toMatchObject({ target: { type: 'end_user', id: 'gina' }, details: { sessionsRevoked: 1 } });
  });

  it("refuses a token stamped at exactly the revocation's cut-off (its second plus the clock skew) and takes one a second later", async () => {
    await ctx.createEndpoint(twilio, { userId: 'gus', identity: 'gus' });
    await ctx.t.http.post('/v1/users/gus/revoke').set(bearer(ctx.tenant.key)).expect(200);
    // The revocation's whole second plus the issuer's clock skew (60 s): the last iat refused.
    const cutoff = Math.floor(ctx.clock.now().getTime() / 1000) + 60;
    ctx.clock.set(new Date(cutoff * 1000));
    const atCutoff = await jwtFor('gus');
    const refused = (await clientIssue(ctx.t, ctx.tenant, atCutoff).expect(401)).body.error;
    expect(refused).toMatchObject({
      code: 'end_user_revoked',
      details: { signInAfter: new Date((cutoff + 1) * 1000).toISOString(), signInAfterSeconds: 1 },
    });
    ctx.clock.advance(1000);
    expect((await clientIssue(ctx.t, ctx.tenant, await jwtFor('gus')).expect(201)).body.identity).toBe('gus');
  });

  it('lets an end user set only the options that narrow a token, and names the user in every refusal row', async () => {
    const signalwireAccount = providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire);
    const signalwire = await ctx.createAccount(signalwireAccount);
    await ctx.createEndpoint(twilio, { userId: 'ivan', identity: 'ivan' });
    await ctx.createEndpoint(signalwire, {
      userId: 'ivan',
      identity: 'ivan@example.com',
      providerOptions: { allowedAddresses: signalwireAccount.addresses.slice(0, 2) },
    });
    const token = await jwtFor('ivan');
    const params = await clientIssue(ctx.t, ctx.tenant, token, {
      provider: 'twilio',
      options: { outgoingParams: { callerId: '+15550001' } },
    }).expect(403);
    expect(params.body.error).toMatchObject({ code: 'option_not_allowed', details: { options: ['outgoingParams'] } });
    const guest = await clientIssue(ctx.t, ctx.tenant, token, {
      provider: 'signalwire',
      kind: 'guest',
      options: { allowedAddresses: signalwireAccount.addresses.slice(0, 1) },
    }).expect(201);
    expect(guest.body.allowedAddresses).toEqual(signalwireAccount.addresses.slice(0, 1));
    const [refusal] = await ctx.t.prisma.tokenIssuance.findMany({ where: { tenantId: ctx.tenant.id, errorCode: 'option_not_allowed' } });
    expect(refusal).toMatchObject({ actorKind: 'end_user', userId: 'ivan', outcome: 'refused' });
  });

  it("lets an end user bind a SignalWire token to their key only where the account's policy lists fingerprint", async () => {
    const signalwireAccount = providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire);
    const account = await ctx.createAccount(signalwireAccount);
    await ctx.createEndpoint(account, { userId: 'iris', identity: 'iris@example.com' });
    const token = await jwtFor('iris');
    const fingerprint = 'F'.repeat(43);
    const refused = await clientIssue(ctx.t, ctx.tenant, token, { provider: 'signalwire', options: { fingerprint } }).expect(403);
    expect(refused.body.error).toMatchObject({ code: 'option_not_allowed', details: { options: ['fingerprint'] } });

    await ctx.t.http
      .patch(`/v1/provider-accounts/${account}`)
      .set(bearer(ctx.tenant.key))
      .send({ policy: { endUserOptions: ['fingerprint'] } })
      .expect(200);
    const bound = await clientIssue(ctx.t, ctx.tenant, token, { provider: 'signalwire', options: { fingerprint } }).expect(201);
    expect(bound.body.refreshable).toBe(false);
    expect(ctx.emulators.signalwire.sats.get(bound.body.token)).toMatchObject({ kind: 'subscriber', fingerprint });
    // Only for the kind that can take it: a guest token stays as narrow as it was.
    const guest = await clientIssue(ctx.t, ctx.tenant, token, { provider: 'signalwire', kind: 'guest', options: { fingerprint } }).expect(
      403,
    );
    expect(guest.body.error).toMatchObject({ code: 'option_not_allowed', details: { options: ['fingerprint'] } });
    // And a tenant can delegate only what a kind declares delegable: never Twilio's signed outgoingParams.
    const twilioPolicy = await ctx.t.http
      .patch(`/v1/provider-accounts/${twilio}`)
      .set(bearer(ctx.tenant.key))
      .send({ policy: { endUserOptions: ['outgoingParams'] } })
      .expect(400);
    expect(twilioPolicy.body.error.details).toMatchObject({ fields: [{ field: 'policy.endUserOptions' }] });
  });

  it("never mints a token that outlives the end user's credential (at least the minimum)", async () => {
    await ctx.createEndpoint(twilio, { userId: 'judy', identity: 'judy' });
    const session = await createSession(ctx.t, ctx.tenant, { userId: 'judy', ttlSeconds: 120 });
    const token = await clientIssue(ctx.t, ctx.tenant, session.session, { ttlSeconds: 3600 }).expect(201);
    expect(token.body.expiresAt).toBe(new Date(ctx.clock.now().getTime() + 120_000).toISOString());
    const now = Math.floor(ctx.clock.now().getTime() / 1000);
    const shortJwt = await idp.sign({ ...claimsAt(ctx, idp.issuer, 'judy'), exp: now + 30 });
    expect((await clientIssue(ctx.t, ctx.tenant, shortJwt).expect(201)).body.expiresAt).toBe(new Date((now + 60) * 1000).toISOString());
  });

  it("never refreshes a token into one that outlives the end user's credential", async () => {
    const signalwire = await ctx.createAccount(providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire));
    await ctx.createEndpoint(signalwire, { userId: 'lena', identity: 'lena@example.com' });
    const refresh = (tokenId: string, credential: string) =>
      ctx.t.http.post(`/v1/client/${ctx.tenant.slug}/tokens/${tokenId}/refresh`).set(bearer(credential)).send();
    // A 60 s session mints a SAT that ends with it; a refreshed SAT would live 2 h, so the refresh is refused
    // before SignalWire's refresh token is spent (the browser client then mints anew, capped again).
    const short = await createSession(ctx.t, ctx.tenant, { userId: 'lena', ttlSeconds: 60 });
    ctx.clock.advance(1_000);
    const sat = await clientIssue(ctx.t, ctx.tenant, short.session, { provider: 'signalwire' }).expect(201);
    expect(sat.body.expiresAt).toBe(new Date(ctx.clock.now().getTime() + 60_000).toISOString());
    const refused = await refresh(sat.body.id, short.session).expect(422);
    expect(refused.body.error).toMatchObject({
      code: 'lifetime_exceeds_policy',
      details: { providerLifetimeSeconds: 7200, maxSeconds: 60 },
    });
    // A session that outlives the refreshed SAT refreshes it, until less than its lifetime is left.
    const long = await createSession(ctx.t, ctx.tenant, { userId: 'lena', ttlSeconds: 3 * 3600 });
    const chain = await clientIssue(ctx.t, ctx.tenant, long.session, { provider: 'signalwire' }).expect(201);
    const refreshed = await refresh(chain.body.id, long.session).expect(201);
    expect(refreshed.body.expiresAt).toBe(new Date(ctx.clock.now().getTime() + 7_200_000).toISOString());
    ctx.clock.advance(3_600_000 + 1_000);
    const late = await refresh(refreshed.body.id, long.session).expect(422);
    expect(late.body.error.code).toBe('lifetime_exceeds_policy');
    // The kept refresh token was not spent: the chain still refreshes for the tenant's backend, which has no such credential.
    await ctx.t.http.post(`/v1/tokens/${refreshed.body.id}/refresh`).set(bearer(ctx.tenant.key)).expect(201);
  });

  it('keeps a session bound to one account off the refresh chains of the same user on another account', async () => {
    const signalwire = await ctx.createAccount(providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire));
    await ctx.createEndpoint(twilio, { userId: 'kate', identity: 'kate' });
    await ctx.createEndpoint(signalwire, { userId: 'kate', identity: 'kate@example.com' });
    const chain = (await clientIssue(ctx.t, ctx.tenant, await jwtFor('kate'), { provider: 'signalwire' }).expect(201)).body.id as string;
    const twilioOnly = await createSession(ctx.t, ctx.tenant, { userId: 'kate', providerAccountId: twilio });
    const refused = await ctx.t.http
      .post(`/v1/client/${ctx.tenant.slug}/tokens/${chain}/refresh`)
      .set(bearer(twilioOnly.session))
      .expect(403);
    expect(refused.body.error.code).toBe('session_scope_exceeded');
  });

  /** A tenant of its own whose users sign in with the test IdP and get a Twilio endpoint on their first request. */
  async function tenantEnrollingOnTwilio(): Promise<TestTenant> {
    const tenant = await createTenant(ctx.t);
    await setTenantSettings(ctx.t, tenant);
    await configureEndUserAuth(ctx.t, tenant, { issuers: [{ issuer: idp.issuer, audience: 'callpass', jwksUrl: idp.jwksUrl }] });
    await ctx.t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ ...providerKits.twilio.emulatedAccount(ctx.emulators.twilio), name: 'jit', policy: { autoEnroll: true } })
      .expect(201);
    return tenant;
  }

  it('gives a user id shaped like a derived identity a derived identity of its own', async () => {
    const tenant = await tenantEnrollingOnTwilio();
    const derived = (await clientIssue(ctx.t, tenant, await jwtFor('frank@example.com')).expect(201)).body.identity as string;
    const squatter = await clientIssue(ctx.t, tenant, await jwtFor(derived)).expect(201);
    expect(squatter.body.identity).not.toBe(derived);
    expect((await clientIssue(ctx.t, tenant, await jwtFor('frank@example.com')).expect(201)).body.identity).toBe(derived);
  });

  it("maps users and identities both ways for the tenant's backend, with the derivation docs/end-users.md gives", async () => {
    const tenant = await tenantEnrollingOnTwilio();
    await clientIssue(ctx.t, tenant, await jwtFor('bob')).expect(201);
    const userId = 'auth0|6523f1a0c2';
    const identity = (await clientIssue(ctx.t, tenant, await jwtFor(userId)).expect(201)).body.identity as string;
    expect(identity).toBe(`u${createHash('sha256').update(`${tenant.id}\n${userId}`).digest('hex').slice(0, 24)}`);

    const byUser = await ctx.t.http.get('/v1/endpoints').query({ userId }).set(bearer(tenant.key)).expect(200);
    expect(byUser.body.data.map((endpoint: { identity: string }) => endpoint.identity)).toEqual([identity]);
    const byIdentity = await ctx.t.http.get('/v1/endpoints').query({ identity }).set(bearer(tenant.key)).expect(200);
    expect(byIdentity.body.data.map((endpoint: { userId: string }) => endpoint.userId)).toEqual([userId]);
    const elsewhere = await ctx.t.http.get('/v1/endpoints').query({ identity }).set(bearer(ctx.tenant.key)).expect(200);
    expect(elsewhere.body.data).toEqual([]);
  });

  it('follows the endpoint: a disabled endpoint mints nothing on its next request', async () => {
    const endpoint = await ctx.createEndpoint(twilio, { userId: 'hank', identity: 'hank' });
    const token = await jwtFor('hank');
    await clientIssue(ctx.t, ctx.tenant, token).expect(201);
    await ctx.t.http.patch(`/v1/endpoints/${endpoint.id}`).set(bearer(ctx.tenant.key)).send({ disabled: true }).expect(200);
    expect((await clientIssue(ctx.t, ctx.tenant, token).expect(403)).body.error.code).toBe('endpoint_disabled');
  });
});

describe('the internal token route', () => {
  let ctx: IssuingContext;
  const serviceKey = async (scopes: string[]) =>
    (
      await ctx.t.http
        .post('/v1/admin/service-keys')
        .set(bearer(ctx.t.adminKey))
        .send({ name: scopes.join('+'), scopes })
        .expect(201)
    ).body;

  beforeAll(async () => {
    ctx = await createIssuingContext();
  });
  afterAll(() => ctx?.close());

  it("mints for a tenant's user on the service's own key, recorded as the service's act", async () => {
    const account = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    await ctx.createEndpoint(account, { userId: 'ivy', identity: 'ivy' });
    const key = await serviceKey(['tokens:issue']);
    const minted = await ctx.t.http
      .post(`/v1/internal/tenants/${ctx.tenant.id}/tokens`)
      .set(bearer(key.key))
      .send({ userId: 'ivy' })
      .expect(201);
    expect(minted.body.identity).toBe('ivy');
    const [row] = await ctx.t.prisma.tokenIssuance.findMany({ where: { id: minted.body.id } });
    expect(row).toMatchObject({ actorKind: 'service_key', actorId: key.id, userId: 'ivy' });

    const unscoped = await serviceKey(['usage:read']);
    const refused = await ctx.t.http
      .post(`/v1/internal/tenants/${ctx.tenant.id}/tokens`)
      .set(bearer(unscoped.key))
      .send({ userId: 'ivy' })
      .expect(403);
    expect(refused.body.error.code).toBe('insufficient_scope');
    await ctx.t.http
      .post('/v1/internal/tenants/01900000-0000-7000-8000-00000000abcd/tokens')
      .set(bearer(key.key))
      .send({ userId: 'ivy' })
      .expect(404);
    await ctx.t.http.post(`/v1/internal/tenants/${ctx.tenant.id}/tokens`).set(bearer(key.key)).send({}).expect(400);
  });

  it("mints nothing for a suspended tenant's enrolled user", async () => {
    const account = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    await ctx.createEndpoint(account, { userId: 'sue', identity: 'sue' });
    const key = await serviceKey(['tokens:issue']);
    const mint = () => ctx.t.http.post(`/v1/internal/tenants/${ctx.tenant.id}/tokens`).set(bearer(key.key)).send({ userId: 'sue' });
    await mint().expect(201);
    await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'suspended' }).expect(200);
    try {
      const refused = await mint().expect(403);
      expect(refused.body.error.code).toBe('tenant_suspended');
    } finally {
      await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'active' }).expect(200);
    }
  });

  it('enrols no one for a suspended tenant', async () => {
    const account = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio), { policy: { autoEnroll: true } });
    const key = await serviceKey(['tokens:issue']);
    await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'suspended' }).expect(200);
    try {
      const refused = await ctx.t.http
        .post(`/v1/internal/tenants/${ctx.tenant.id}/tokens`)
        .set(bearer(key.key))
        .send({ userId: 'newcomer', providerAccountId: account })
        .expect(403);
      expect(refused.body.error.code).toBe('tenant_suspended');
    } finally {
      await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'active' }).expect(200);
    }
    expect(await ctx.t.prisma.endpoint.count({ where: { tenantId: ctx.tenant.id, userId: 'newcomer' } })).toBe(0);
  });

  it("revokes a tenant's user with users:revoke", async () => {
    const key = await serviceKey(['users:revoke']);
    const revoked = await ctx.t.http.post(`/v1/internal/tenants/${ctx.tenant.id}/users/ivy/revoke`).set(bearer(key.key)).expect(200);
    expect(revoked.body).toMatchObject({ userId: 'ivy', sessionsRevoked: 0 });
    const events = await ctx.t.http.get('/v1/audit-events').query({ action: 'end_user.revoked' }).set(bearer(ctx.tenant.key));
    expect(events.body.data[0]).toMatchObject({ actor: { kind: 'service', id: key.id }, target: { id: 'ivy' } });
  });
});

/** Two server processes on one PostgreSQL: only the database stands between their first requests for one user. */
describeWith(['postgresql'], 'two replicas enrolling one user', () => {
  let replicas: ReplicaSet;
  let emulators: Emulators;

  beforeAll(async () => {
    emulators = await startEmulators();
    replicas = await startReplicaSet(2, { env: { ALLOW_PRIVATE_NETWORK_URLS: 'true' } });
  }, 60_000);
  afterAll(async () => {
    await replicas?.stop();
    await emulators?.close();
  });

  it('creates one endpoint when both get the first requests at the same moment', async () => {
    const [first, second] = replicas.urls;
    const { adminKey, database } = replicas;
    const slug = `replicas-${randomBytes(4).toString('hex')}`;
    const tenant = await callJson(first, 'POST', '/v1/admin/tenants', adminKey, { slug, name: 'Replicas' });
    const tenantKey = (await callJson(first, 'POST', `/v1/admin/tenants/${tenant.body.id}/api-keys`, adminKey, { name: 'k' })).body.key;
    const account = await callJson(second, 'POST', '/v1/provider-accounts', tenantKey, {
      ...providerKits.twilio.emulatedAccount(emulators.twilio),
      name: 'jit',
      policy: { autoEnroll: true },
    });
    expect(account.status).toBe(201);
    expect((await callJson(first, 'PUT', '/v1/end-user-auth', tenantKey, { issuers: [], sessions: true })).status).toBe(200);
    const { session } = (await callJson(second, 'POST', '/v1/sessions', tenantKey, { userId: 'lena' })).body;

    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, index) => callJson(index % 2 ? first : second, 'POST', `/v1/client/${slug}/tokens`, session, {})),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((answer) => (answer.body as { identity?: string }).identity)).size).toBe(1);
    const rows = await database.query<{ count: string }>('SELECT count(*) FROM endpoints WHERE tenant_id = $1 AND user_id = $2', [
      tenant.body.id,
      'lena',
    ]);
    expect(Number(rows[0].count)).toBe(1);
  });
});
