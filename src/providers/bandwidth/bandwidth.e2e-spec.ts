import { randomBytes } from 'node:crypto';
import { providerKits } from '../provider-kits';
import { BandwidthAdapter } from './bandwidth.adapter';
import { BandwidthTokenCache } from './bandwidth-token-cache';
import { bearer } from '../../../test/helpers/test-app';
import { createIssuingContext, issuanceRows, IssuingContext } from '../../../test/helpers/issuing';

/** The adapter's token cache, to see requests reach it. */
const bandwidthCache = (ctx: IssuingContext) =>
  (ctx.t.app.get<BandwidthAdapter>(BandwidthAdapter) as unknown as { cache: BandwidthTokenCache }).cache;

/** Resolves once `method` of `target` has been called `times` times from now: a barrier, not a delay. */
function callsTo<T extends object>(target: T, method: keyof T & string, times: number): Promise<void> {
  const original = target[method] as (...args: unknown[]) => unknown;
  let calls = 0;
  return new Promise((resolve) => {
    const spy = jest.spyOn(target, method as never).mockImplementation(((...args: unknown[]) => {
      calls += 1;
      if (calls === times) {
        spy.mockRestore();
        resolve();
      }
      return original.apply(target, args);
    }) as never);
  });
}

describe('Bandwidth tokens', () => {
  let ctx: IssuingContext;
  const tokenCalls = () => ctx.emulators.bandwidth.requestsTo('POST', /\/api\/v1\/oauth2\/token$/);

  beforeAll(async () => {
    ctx = await createIssuingContext();
  });
  afterAll(() => ctx?.close());

  const setUp = async (network: 'global' | 'us') => {
    const account = providerKits.bandwidth.emulatedAccount(ctx.emulators.bandwidth, network);
    const accountId = await ctx.createAccount(account);
    const endpoint = await ctx.createEndpoint(accountId, { userId: `bw-${network}-${randomBytes(4).toString('hex')}` });
    return { account, accountId, endpoint };
  };

  it('asks the Global identity server with client credentials and scope voice.webrtc', async () => {
    const { account, endpoint } = await setUp('global');
    const response = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    const [call] = tokenCalls().slice(-1);
    expect(call.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call.basic).toEqual({ username: account.config.clientId, password: account.secrets.clientSecret });
    expect(call.body).toEqual({ grant_type: 'client_credentials', scope: 'voice.webrtc' });
    expect(response.body).toMatchObject({
      provider: 'bandwidth',
      kind: 'access_token',
      capabilities: ['incoming', 'outgoing'],
      tokenType: 'Bearer',
      network: 'global',
      expiresAt: new Date(ctx.clock.now().getTime() + 600_000).toISOString(),
    });
  });

  it('asks the US server without a scope', async () => {
    const { endpoint } = await setUp('us');
    await ctx.issue({ endpointId: endpoint.id }).expect(201);
    expect(tokenCalls().slice(-1)[0].body).toEqual({ grant_type: 'client_credentials' });
  });

  it('reuses one token per account until 30 s before it expires, auditing every issuance with its id', async () => {
    const { accountId, endpoint } = await setUp('global');
    const before = tokenCalls().length;
    const first = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    const second = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    expect(second.body.token).toBe(first.body.token);
    expect(tokenCalls().length).toBe(before + 1);
    ctx.clock.advance(569_000);
    expect((await ctx.issue({ endpointId: endpoint.id }).expect(201)).body.token).toBe(first.body.token);
    ctx.clock.advance(2_000);
    const renewed = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    expect(renewed.body.token).not.toBe(first.body.token);
    expect(tokenCalls().length).toBe(before + 2);

    const rows = await issuanceRows(ctx, { providerAccountId: accountId });
    const firstJti = JSON.parse(Buffer.from(first.body.token.split('.')[1], 'base64url').toString()).jti;
    expect(rows.filter((row) => row.tokenFingerprint === firstJti)).toHaveLength(3);
    expect(rows).toHaveLength(4);
  });

  it('collapses 200 concurrent cold requests into one upstream call; each is still audited', async () => {
    const { accountId, endpoint } = await setUp('global');
    const before = tokenCalls().length;
    // The identity server holds the first call until all 200 requests have asked the cache, so they must share it.
    const held = ctx.emulators.bandwidth.hold(1);
    const asked = callsTo(bandwidthCache(ctx), 'get', 200);
    const pending = Promise.all(Array.from({ length: 200 }, () => ctx.issue({ endpointId: endpoint.id }).then((response) => response)));
    await held.arrived();
    await asked;
    held.release();
    const responses = await pending;
    expect(responses.map((response) => response.status)).toEqual(Array(200).fill(201));
    expect(new Set(responses.map((response) => response.body.token)).size).toBe(1);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(200);
    expect(tokenCalls().length).toBe(before + 1);
    expect(await ctx.t.prisma.tokenIssuance.count({ where: { providerAccountId: accountId, outcome: 'issued' } })).toBe(200);
  });

  it('serves the cached token while the identity server is down, as long as it has life left', async () => {
    const { endpoint } = await setUp('global');
    const first = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    ctx.clock.advance(580_000);
    ctx.emulators.bandwidth.failNext(3, { kind: 'status', status: 503 });
    const stale = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    expect(stale.body.token).toBe(first.body.token);
    expect(new Date(stale.body.refreshAfter).getTime()).toBeLessThanOrEqual(new Date(stale.body.expiresAt).getTime());
    ctx.clock.advance(15_000);
    ctx.emulators.bandwidth.failNext(3, { kind: 'status', status: 503 });
    const down = await ctx.issue({ endpointId: endpoint.id }).expect(503);
    expect(down.body.error.code).toBe('provider_unavailable');
    // Six failures in a row opened the host's circuit: calls fail at once, without reaching Bandwidth...
    const calls = tokenCalls().length;
    expect((await ctx.issue({ endpointId: endpoint.id }).expect(503)).body.error.details.reason).toBe('circuit_open');
    expect(tokenCalls().length).toBe(calls);
    // ...until one trial call, 10 s later, finds it back and closes the circuit.
    ctx.emulators.bandwidth.clearFaults();
    ctx.clock.advance(10_000);
    await ctx.issue({ endpointId: endpoint.id }).expect(201);
    await ctx.issue({ endpointId: endpoint.id }).expect(201);
  });

  it('fetches a new token after the credentials are rotated', async () => {
    const { account, accountId, endpoint } = await setUp('global');
    const first = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    const secret = 'R'.repeat(32);
    ctx.emulators.bandwidth.addClient(account.config.clientId, secret, 'global');
    await ctx.t.http
      .patch(`/v1/provider-accounts/${accountId}`)
      .set(bearer(ctx.tenant.key))
      .send({ secrets: { clientSecret: secret } })
      .expect(200);
    const second = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    expect(second.body.token).not.toBe(first.body.token);
    expect(tokenCalls().slice(-1)[0].basic?.password).toBe(secret);
  });

  it("drops an account's cached token when the account changes or is deleted", async () => {
    const { accountId, endpoint } = await setUp('global');
    await ctx.issue({ endpointId: endpoint.id }).expect(201);
    const forget = jest.spyOn(bandwidthCache(ctx), 'forget');
    try {
      await ctx.t.http
        .patch(`/v1/provider-accounts/${accountId}`)
        .set(bearer(ctx.tenant.key))
        .send({ name: `renamed-${accountId}` })
        .expect(200);
      expect(forget).toHaveBeenCalledWith(accountId);
      await ctx.t.http.delete(`/v1/endpoints/${endpoint.id}`).set(bearer(ctx.tenant.key)).expect(204);
      forget.mockClear();
      await ctx.t.http.delete(`/v1/provider-accounts/${accountId}`).set(bearer(ctx.tenant.key)).expect(204);
      expect(forget).toHaveBeenCalledWith(accountId);
    } finally {
      forget.mockRestore();
    }
  });

  it("refuses a token that would outlive the policy's maximum, since Bandwidth sets the lifetime", async () => {
    const { accountId, endpoint } = await setUp('global');
    await ctx.t.http
      .patch(`/v1/provider-accounts/${accountId}`)
      .set(bearer(ctx.tenant.key))
      .send({ policy: { tokenTtl: { maxSeconds: 300 } } })
      .expect(200);
    const response = await ctx.issue({ endpointId: endpoint.id }).expect(422);
    expect(response.body.error).toMatchObject({
      code: 'lifetime_exceeds_policy',
      details: { providerLifetimeSeconds: 600, maxSeconds: 300 },
    });
    const [row] = await issuanceRows(ctx, { endpointId: endpoint.id });
    expect(row).toMatchObject({ outcome: 'refused', errorCode: 'lifetime_exceeds_policy' });
  });

  it('maps invalid_client to 502 provider_auth_failed and invalid_scope to 422', async () => {
    const { accountId, endpoint } = await setUp('global');
    await ctx.t.http
      .patch(`/v1/provider-accounts/${accountId}`)
      .set(bearer(ctx.tenant.key))
      .send({ secrets: { clientSecret: 'x'.repeat(20) } })
      .expect(200);
    const unauthorised = await ctx.issue({ endpointId: endpoint.id }).expect(502);
    expect(unauthorised.body.error.code).toBe('provider_auth_failed');

    const us = providerKits.bandwidth.emulatedAccount(ctx.emulators.bandwidth, 'global');
    const mislabelled = await ctx.createAccount(us, { config: { ...us.config, network: 'us' } });
    const mislabelledEndpoint = await ctx.createEndpoint(mislabelled, { userId: 'bw-scope' });
    const badScope = await ctx.issue({ endpointId: mislabelledEndpoint.id }).expect(422);
    expect(badScope.body.error.details).toMatchObject({ provider: 'bandwidth', providerStatus: 400, providerCode: 'invalid_scope' });
  });
});
