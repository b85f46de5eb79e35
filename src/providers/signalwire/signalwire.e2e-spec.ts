import { EmulatedSignalwireAccount } from './signalwire.kit';
import { providerKits } from '../provider-kits';
import { RefusalTallyService } from '../../token-log/refusal-tally';
import { fakeDateOnly } from '../../../test/helpers/fake-clock';
import { bearer } from '../../../test/helpers/test-app';
import { createIssuingContext, issuanceRows, IssuingContext } from '../../../test/helpers/issuing';

describe('SignalWire tokens', () => {
  let ctx: IssuingContext;
  let account: EmulatedSignalwireAccount;
  let accountId: string;
  let endpoint: { id: string; identity: string };

  const lastCall = (path: RegExp) => ctx.emulators.signalwire.requestsTo('POST', path).slice(-1)[0];

  beforeAll(async () => {
    // Behind a proxy, as in production: the embed tests act as different visitors through X-Forwarded-For.
    ctx = await createIssuingContext({ env: { TRUST_PROXY: 'true' } });
    account = providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire);
    accountId = await ctx.createAccount(account);
    endpoint = await ctx.createEndpoint(accountId, {
      userId: 'u-1',
      identity: 'alice@example.com',
      providerOptions: { allowedAddresses: account.addresses.slice(0, 2) },
    });
  });
  afterAll(() => ctx?.close());

  describe('subscriber SAT', () => {
    it('mints with the documented request, keeps the refresh token encrypted, and never returns it', async () => {
      const response = await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 900 }).expect(201);
      const now = Math.floor(ctx.clock.now().getTime() / 1000);
      const call = lastCall(/\/api\/fabric\/subscribers\/tokens$/);
      expect(call.basic).toEqual({ username: account.config.projectId, password: account.secrets.apiToken });
      expect(call.body).toEqual({ reference: 'alice@example.com', expire_at: now + 900 });
      expect(response.body).toMatchObject({
        provider: 'signalwire',
        kind: 'subscriber',
        identity: 'alice@example.com',
        capabilities: ['incoming', 'outgoing'],
        subscriberId: expect.any(String),
        refreshable: true,
      });
      expect(ctx.emulators.signalwire.sats.get(response.body.token)).toMatchObject({ kind: 'subscriber' });
      expect(JSON.stringify(response.body)).not.toMatch(/refresh_token|"Refresh"/);

      const [session] = await ctx.t.prisma.providerSession.findMany({ where: { currentTokenId: response.body.id } });
      const refreshTokens = [...ctx.emulators.signalwire.refreshTokens.keys()];
      expect(session.secretCiphertext).toMatch(/^cpenc1\./);
      for (const refreshToken of refreshTokens) expect(session.secretCiphertext).not.toContain(refreshToken.split('.')[3]);
    });

    it('refreshes through Callpass, rotating the kept refresh token; only the latest token can be refreshed', async () => {
      const first = await ctx.issue({ endpointId: endpoint.id }).expect(201);
      ctx.clock.advance(60_000);
      const second = await ctx.t.http.post(`/v1/tokens/${first.body.id}/refresh`).set(bearer(ctx.tenant.key)).expect(201);
      expect(second.body).toMatchObject({ provider: 'signalwire', kind: 'subscriber', identity: 'alice@example.com', refreshable: true });
      expect(second.body.id).not.toBe(first.body.id);
      expect(second.body.token).not.toBe(first.body.token);
      expect(new Date(second.body.expiresAt).getTime() - ctx.clock.now().getTime()).toBe(7200_000);
      const refreshCall = lastCall(/\/tokens\/refresh$/);
      expect(Object.keys(refreshCall.body as object)).toEqual(['refresh_token']);

      const stale = await ctx.t.http.post(`/v1/tokens/${first.body.id}/refresh`).set(bearer(ctx.tenant.key)).expect(404);
      expect(stale.body.error.code).toBe('token_not_refreshable');
      await ctx.t.http.post(`/v1/tokens/${second.body.id}/refresh`).set(bearer(ctx.tenant.key)).expect(201);

      const [row] = await issuanceRows(ctx, { id: second.body.id });
      expect(row.grants).toMatchObject({ refreshOf: first.body.id });
    });

    it('refuses to refresh once the endpoint is disabled, and for another tenant', async () => {
      const { body } = await ctx.issue({ endpointId: endpoint.id }).expect(201);
      const { createTenant } = await import('../../../test/factories/tenant.factory');
      const other = await createTenant(ctx.t);
      await ctx.t.http.post(`/v1/tokens/${body.id}/refresh`).set(bearer(other.key)).expect(404);
      await ctx.t.http.patch(`/v1/endpoints/${endpoint.id}`).set(bearer(ctx.tenant.key)).send({ disabled: true }).expect(200);
      try {
        const refused = await ctx.t.http.post(`/v1/tokens/${body.id}/refresh`).set(bearer(ctx.tenant.key)).expect(403);
        expect(refused.body.error.code).toBe('endpoint_disabled');
      } finally {
        await ctx.t.http.patch(`/v1/endpoints/${endpoint.id}`).set(bearer(ctx.tenant.key)).send({ disabled: false }).expect(200);
      }
    });

    it('refuses to refresh after the refresh window', async () => {
      const { body } = await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 600 }).expect(201);
      ctx.clock.advance((600 + 301) * 1000);
      const refused = await ctx.t.http.post(`/v1/tokens/${body.id}/refresh`).set(bearer(ctx.tenant.key)).expect(404);
      expect(refused.body.error).toMatchObject({ code: 'token_not_refreshable', details: { reason: 'expired' } });
    });

    it('refreshes until the last millisecond of the refresh window (expiry plus 300 s), and not at its end', async () => {
      // Two tokens of the same second, each with its own kept refresh token; the window ends 600 + 300 s after it.
      const [early, atEnd] = [
        (await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 600 }).expect(201)).body,
        (await ctx.issue({ endpointId: endpoint.id, ttlSeconds: 600 }).expect(201)).body,
      ];
      const windowEnd = new Date(early.expiresAt).getTime() + 300 * 1000;
      expect(new Date(atEnd.expiresAt).getTime() + 300 * 1000).toBe(windowEnd);
      ctx.clock.set(new Date(windowEnd - 1));
      await ctx.t.http.post(`/v1/tokens/${early.id}/refresh`).set(bearer(ctx.tenant.key)).expect(201);
      ctx.clock.set(new Date(windowEnd));
      const refused = await ctx.t.http.post(`/v1/tokens/${atEnd.id}/refresh`).set(bearer(ctx.tenant.key)).expect(404);
      expect(refused.body.error).toMatchObject({ code: 'token_not_refreshable', details: { reason: 'expired' } });
    });

    it('serialises concurrent refreshes of one token: one gets the new token, the other 409, and the chain goes on', async () => {
      const { body } = await ctx.issue({ endpointId: endpoint.id }).expect(201);
      const refresh = () => ctx.t.http.post(`/v1/tokens/${body.id}/refresh`).set(bearer(ctx.tenant.key));
      const refreshCalls = () => ctx.emulators.signalwire.requestsTo('POST', /refresh$/).length;
      const callsBefore = refreshCalls();
      // The first refresh is held at SignalWire while the second arrives.
      const held = ctx.emulators.signalwire.hold(1);
      const first = refresh().then((response) => response);
      await held.arrived();
      const second = await refresh();
      held.release();
      expect([(await first).status, second.status]).toEqual([201, 409]);
      expect(second.body.error.code).toBe('token_refresh_conflict');
      expect(refreshCalls()).toBe(callsBefore + 1);
      await ctx.t.http
        .post(`/v1/tokens/${(await first).body.id}/refresh`)
        .set(bearer(ctx.tenant.key))
        .expect(201);
    });

    it('keeps no refresh token where the policy caps tokens below the 2 h a refresh would give', async () => {
      const capped = await ctx.createAccount(account, { policy: { tokenTtl: { maxSeconds: 3600 } } });
      const cappedEndpoint = await ctx.createEndpoint(capped, { userId: 'u-capped', identity: 'capped@example.com' });
      const response = await ctx.issue({ endpointId: cappedEndpoint.id }).expect(201);
      expect(response.body.refreshable).toBe(false);
      await ctx.t.http.post(`/v1/tokens/${response.body.id}/refresh`).set(bearer(ctx.tenant.key)).expect(404);
    });

    it('refuses a refresh, before spending the refresh token, once the policy is tightened below 2 h', async () => {
      const { body } = await ctx.issue({ endpointId: endpoint.id }).expect(201);
      await ctx.t.http
        .patch(`/v1/provider-accounts/${accountId}`)
        .set(bearer(ctx.tenant.key))
        .send({ policy: { tokenTtl: { maxSeconds: 3600 } } })
        .expect(200);
      const refreshCalls = ctx.emulators.signalwire.requestsTo('POST', /refresh$/).length;
      try {
        const refused = await ctx.t.http.post(`/v1/tokens/${body.id}/refresh`).set(bearer(ctx.tenant.key)).expect(422);
        expect(refused.body.error.code).toBe('lifetime_exceeds_policy');
        expect(ctx.emulators.signalwire.requestsTo('POST', /refresh$/).length).toBe(refreshCalls);
      } finally {
        await ctx.t.http.patch(`/v1/provider-accounts/${accountId}`).set(bearer(ctx.tenant.key)).send({ policy: {} }).expect(200);
      }
      await ctx.t.http.post(`/v1/tokens/${body.id}/refresh`).set(bearer(ctx.tenant.key)).expect(201);
    });

    it('mints a client-bound SAT by forwarding the fingerprint with the sat:refresh scope, keeping no refresh token', async () => {
      const fingerprint = 'A'.repeat(43);
      const response = await ctx.issue({ endpointId: endpoint.id, options: { fingerprint } }).expect(201);
      expect(lastCall(/\/api\/fabric\/subscribers\/tokens$/).body).toMatchObject({ fingerprint, scope: 'sat:refresh' });
      expect(response.body.refreshable).toBe(false);
      expect(await ctx.t.prisma.providerSession.count({ where: { currentTokenId: response.body.id } })).toBe(0);
      await ctx.issue({ endpointId: endpoint.id, options: { fingerprint: 'short' } }).expect(400);
    });

    it('is minted only if the endpoint allows both directions', async () => {
      const outboundOnly = await ctx.createEndpoint(accountId, { userId: 'u-2', identity: 'bob@example.com', capabilities: ['outgoing'] });
      const response = await ctx.issue({ endpointId: outboundOnly.id }).expect(403);
      expect(response.body.error.code).toBe('capability_not_allowed');
    });
  });

  describe('guest and invite SATs', () => {
    it("mints a guest SAT limited to the endpoint's allowed addresses, or a subset of them", async () => {
      const all = await ctx.issue({ endpointId: endpoint.id, kind: 'guest' }).expect(201);
      expect(lastCall(/\/guests\/tokens$/).body).toMatchObject({ allowed_addresses: account.addresses.slice(0, 2) });
      expect(all.body).toMatchObject({ kind: 'guest', capabilities: ['outgoing'], allowedAddresses: account.addresses.slice(0, 2) });
      await ctx.issue({ endpointId: endpoint.id, kind: 'guest', options: { allowedAddresses: [account.addresses[1]] } }).expect(201);
      expect(lastCall(/\/guests\/tokens$/).body).toMatchObject({ allowed_addresses: [account.addresses[1]] });
    });

    it("refuses addresses outside the endpoint's list (403) and more than ten (400)", async () => {
      const outside = await ctx
        .issue({ endpointId: endpoint.id, kind: 'guest', options: { allowedAddresses: [account.addresses[2]] } })
        .expect(403);
      expect(outside.body.error).toMatchObject({ code: 'address_not_allowed', details: { refused: [account.addresses[2]] } });
      const many = Array.from({ length: 11 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
      await ctx.issue({ endpointId: endpoint.id, kind: 'guest', options: { allowedAddresses: many } }).expect(400);
      const setting = await ctx.t.http
        .patch(`/v1/endpoints/${endpoint.id}`)
        .set(bearer(ctx.tenant.key))
        .send({ providerOptions: { allowedAddresses: many } })
        .expect(400);
      expect(setting.body.error.details.fields[0].field).toBe('providerOptions.allowedAddresses');
    });

    it('mints an invite for one allowed address, authenticated by a subscriber SAT', async () => {
      const response = await ctx
        .issue({ endpointId: endpoint.id, kind: 'invite', options: { addressId: account.addresses[0] }, ttlSeconds: 300 })
        .expect(201);
      const invite = lastCall(/\/subscriber\/invites$/);
      expect(invite.body).toEqual({ address_id: account.addresses[0], expires_at: Math.floor(ctx.clock.now().getTime() / 1000) + 300 });
      expect(ctx.emulators.signalwire.sats.get(invite.bearer!)).toMatchObject({ kind: 'subscriber' });
      expect(response.body).toMatchObject({ kind: 'invite', addressId: account.addresses[0] });
      await ctx.issue({ endpointId: endpoint.id, kind: 'invite', options: { addressId: account.addresses[2] } }).expect(403);
      await ctx.issue({ endpointId: endpoint.id, kind: 'invite', options: {} }).expect(400);
    });

    it('needs the endpoint to list addresses first (422)', async () => {
      const plain = await ctx.createEndpoint(accountId, { userId: 'u-3', identity: 'carol@example.com' });
      const response = await ctx.issue({ endpointId: plain.id, kind: 'guest' }).expect(422);
      expect(response.body.error).toMatchObject({ code: 'provider_config_incomplete' });
    });

    it("passes SignalWire's own validation errors through as 422 with its code", async () => {
      ctx.emulators.signalwire.failNext(1, {
        kind: 'status',
        status: 422,
        body: {
          errors: [
            {
              type: 'validation_error',
              code: 'must_belong_to_project',
              message: 'Allowed addresses must belong to the project',
              attribute: 'allowed_addresses',
            },
          ],
        },
      });
      const response = await ctx.issue({ endpointId: endpoint.id, kind: 'guest' }).expect(422);
      expect(response.body.error.details).toMatchObject({
        provider: 'signalwire',
        providerCode: 'must_belong_to_project',
        attribute: 'allowed_addresses',
      });
    });
  });

  describe('public click-to-call embed', () => {
    const origin = 'https://shop.example.com';
    const exchange = (from?: string, ip = '203.0.113.7') => {
      const call = ctx.t.http.post(`/v1/signalwire/embeds/${accountId}/tokens`).set('x-forwarded-for', ip);
      return from ? call.set('origin', from) : call;
    };

    /** The rate limiter's windows follow Date (only Date is faked here), the token log's minutes the app's clock. */
    const nextMinute = () => {
      ctx.clock.advance(60_000);
      jest.setSystemTime(Date.now() + 60_000);
    };

    beforeAll(async () => {
      fakeDateOnly();
      await ctx.t.http
        .patch(`/v1/admin/tenants/${ctx.tenant.id}`)
        .set(bearer(ctx.t.adminKey))
        .send({ settings: { allowedOrigins: [origin] } })
        .expect(200);
    });
    afterAll(() => jest.useRealTimers());

    it("exchanges the account's c2c token for a guest SAT, for an allowed origin, without any key", async () => {
      nextMinute();
      const response = await exchange(origin).expect(201);
      expect(response.headers['access-control-allow-origin']).toBe(origin);
      expect(response.body).toMatchObject({ provider: 'signalwire', kind: 'embed', capabilities: ['outgoing'] });
      expect(lastCall(/\/embeds\/tokens$/).body).toEqual({ token: account.secrets.clickToCallToken });
      expect(lastCall(/\/embeds\/tokens$/).headers.authorization).toBeUndefined();
      expect(JSON.stringify(response.body)).not.toContain(account.secrets.clickToCallToken);
      const [row] = await issuanceRows(ctx, { id: response.body.id });
      expect(row).toMatchObject({ actorKind: 'public_embed', origin, outcome: 'issued', tokenKind: 'embed' });
    });

    it('answers the CORS preflight only for allowed origins', async () => {
      const allowed = await ctx.t.http.options(`/v1/signalwire/embeds/${accountId}/tokens`).set('origin', origin).expect(204);
      expect(allowed.headers['access-control-allow-origin']).toBe(origin);
      expect(allowed.headers['access-control-allow-methods']).toBe('POST');
      const other = await ctx.t.http.options(`/v1/signalwire/embeds/${accountId}/tokens`).set('origin', 'https://evil.example').expect(204);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('refuses other origins and requests without one (403), and counts them in the token log', async () => {
      nextMinute();
      const minute = new Date(ctx.clock.now().getTime() - (ctx.clock.now().getTime() % 60_000));
      const refused = await exchange('https://evil.example', '203.0.113.8').expect(403);
      expect(refused.body.error.code).toBe('origin_not_allowed');
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      await exchange(undefined, '203.0.113.8').expect(403);
      nextMinute();
      await ctx.t.app.get(RefusalTallyService).flush();
      const [row] = await issuanceRows(ctx, { issuedAt: minute, errorCode: 'origin_not_allowed' });
      expect(row).toMatchObject({ outcome: 'refused', actorKind: 'public_embed', providerAccountId: null, requestCount: 2 });
    });

    it('rate limits each visitor to 10 a minute, with Retry-After', async () => {
      nextMinute();
      for (let attempt = 0; attempt < 10; attempt += 1) await exchange(origin, '198.51.100.1').expect(201);
      const limited = await exchange(origin, '198.51.100.1').expect(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await exchange(origin, '198.51.100.2').expect(201);
      nextMinute();
      await exchange(origin, '198.51.100.1').expect(201);
    });

    it('limits each account to 600 exchanges a minute, whichever visitors make them', async () => {
      nextMinute();
      for (let visitor = 1; visitor <= 60; visitor += 1) {
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => exchange(origin, `192.0.2.${visitor}`).then((response) => response.status)),
        );
        expect(answers).toEqual(Array(10).fill(201));
      }
      const limited = await exchange(origin, '192.0.2.200').expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('counts rate-limited and unknown-embed exchanges in the token log, per minute', async () => {
      nextMinute();
      const minute = new Date(ctx.clock.now().getTime() - (ctx.clock.now().getTime() % 60_000));
      for (let attempt = 0; attempt < 13; attempt += 1) await exchange(origin, '198.51.100.77');
      await ctx.t.http.post('/v1/signalwire/embeds/00000000-0000-7000-8000-000000000000/tokens').set('origin', origin).expect(404);
      nextMinute();
      await ctx.t.app.get(RefusalTallyService).flush();
      const counted = await ctx.t.prisma.tokenIssuance.findMany({
        where: { actorKind: 'public_embed', issuedAt: minute, requestId: null },
        orderBy: { errorCode: 'asc' },
      });
      expect(counted.map(({ tenantId, errorCode, requestCount }) => ({ tenantId, errorCode, requestCount }))).toEqual([
        { tenantId: null, errorCode: 'embed_not_found', requestCount: 1 },
        { tenantId: ctx.tenant.id, errorCode: 'rate_limited', requestCount: 3 },
      ]);
    });

    it('refuses a suspended tenant and a disabled account as "no embed here", counted in the token log', async () => {
      nextMinute();
      const minute = new Date(ctx.clock.now().getTime() - (ctx.clock.now().getTime() % 60_000));
      await ctx.t.http.patch(`/v1/provider-accounts/${accountId}`).set(bearer(ctx.tenant.key)).send({ status: 'disabled' }).expect(200);
      try {
        const disabled = await exchange(origin, '198.51.100.31').expect(404);
        expect(disabled.body.error.code).toBe('embed_not_found');
      } finally {
        await ctx.t.http.patch(`/v1/provider-accounts/${accountId}`).set(bearer(ctx.tenant.key)).send({ status: 'active' }).expect(200);
      }
      await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'suspended' }).expect(200);
      try {
        await exchange(origin, '198.51.100.32').expect(404);
      } finally {
        await ctx.t.http.patch(`/v1/admin/tenants/${ctx.tenant.id}`).set(bearer(ctx.t.adminKey)).send({ status: 'active' }).expect(200);
      }
      await exchange(origin, '198.51.100.33').expect(201);
      nextMinute();
      await ctx.t.app.get(RefusalTallyService).flush();
      const [row] = await issuanceRows(ctx, { issuedAt: minute, errorCode: 'embed_not_found' });
      expect(row).toMatchObject({ outcome: 'refused', actorKind: 'public_embed', requestCount: 2 });
    });

    it('tells an anonymous caller that SignalWire failed, but not how', async () => {
      nextMinute();
      ctx.emulators.signalwire.failNext(1, {
        kind: 'status',
        status: 422,
        body: { errors: [{ code: 'invalid_parameter', message: 'internal detail', attribute: 'token' }] },
      });
      const response = await exchange(origin, '198.51.100.9').expect(422);
      expect(response.body.error).toEqual({ code: 'provider_rejected_request', message: expect.any(String), details: {} });
    });

    it('obeys the tenant and account policy like every other route (lifetime, capabilities)', async () => {
      nextMinute();
      await ctx.t.http
        .patch(`/v1/admin/tenants/${ctx.tenant.id}`)
        .set(bearer(ctx.t.adminKey))
        .send({ settings: { allowedOrigins: [origin], tokenTtl: { maxSeconds: 300 } } })
        .expect(200);
      try {
        const tooLong = await exchange(origin, '198.51.100.41').expect(422);
        expect(tooLong.body.error).toMatchObject({
          code: 'lifetime_exceeds_policy',
          details: { providerLifetimeSeconds: 3600, maxSeconds: 300 },
        });
      } finally {
        await ctx.t.http
          .patch(`/v1/admin/tenants/${ctx.tenant.id}`)
          .set(bearer(ctx.t.adminKey))
          .send({ settings: { allowedOrigins: [origin] } })
          .expect(200);
      }
      await ctx.t.http
        .patch(`/v1/provider-accounts/${accountId}`)
        .set(bearer(ctx.tenant.key))
        .send({ policy: { capabilities: ['incoming'] } })
        .expect(200);
      try {
        const outgoing = await exchange(origin, '198.51.100.42').expect(403);
        expect(outgoing.body.error.code).toBe('capability_not_allowed');
      } finally {
        await ctx.t.http.patch(`/v1/provider-accounts/${accountId}`).set(bearer(ctx.tenant.key)).send({ policy: {} }).expect(200);
      }
      const refusals = await issuanceRows(ctx, {
        actorKind: 'public_embed',
        errorCode: { in: ['lifetime_exceeds_policy', 'capability_not_allowed'] },
      });
      expect(refusals.map((row) => row.errorCode).sort()).toEqual(['capability_not_allowed', 'lifetime_exceeds_policy']);
    });

    it('answers 404 for unknown accounts, other providers, and accounts without a c2c token', async () => {
      nextMinute();
      await ctx.t.http.post('/v1/signalwire/embeds/00000000-0000-7000-8000-000000000000/tokens').set('origin', origin).expect(404);
      await ctx.t.http.post('/v1/signalwire/embeds/not-a-uuid/tokens').set('origin', origin).expect(404);
      const { clickToCallToken: _unused, ...secrets } = account.secrets;
      const plainId = await ctx.createAccount(account, { secrets });
      const response = await ctx.t.http.post(`/v1/signalwire/embeds/${plainId}/tokens`).set('origin', origin).expect(404);
      expect(response.body.error.code).toBe('embed_not_found');
    });

    it("answers another provider's account as no embed at all, to the exchange and to the CORS preflight", async () => {
      nextMinute();
      const twilioId = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
      const path = `/v1/signalwire/embeds/${twilioId}/tokens`;
      const refused = await ctx.t.http.post(path).set('origin', origin).set('x-forwarded-for', '203.0.113.61').expect(404);
      expect(refused.body.error.code).toBe('embed_not_found');
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await ctx.t.http.options(path).set('origin', origin).expect(204);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
