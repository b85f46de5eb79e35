import { providerKits } from '../../src/providers/provider-kits';
import { createEndpoint, createTenant } from '../factories/tenant.factory';
import { bearer } from '../helpers/test-app';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';

/** Upstream calls: timeouts, safe retries with backoff and Retry-After, malformed answers, unreachable hosts. */
describe('provider failures', () => {
  let ctx: IssuingContext;
  let endpointId: string;
  const tokenCalls = () => ctx.emulators.plivo.requestsTo('POST', /\/JWT\/Token\/?$/).length;

  beforeAll(async () => {
    ctx = await createIssuingContext();
    const accountId = await ctx.createAccount(providerKits.plivo.emulatedAccount(ctx.emulators.plivo));
    endpointId = (await ctx.createEndpoint(accountId, { userId: 'f1', identity: 'fail', provision: true })).id;
  });
  afterEach(async () => {
    ctx.emulators.plivo.clearFaults();
    // Close any circuit a test opened, and clear its failure count: a pause, then one successful call.
    ctx.clock.advance(10_000);
    await ctx.issue({ endpointId }).expect(201);
  });
  afterAll(() => ctx?.close());

  /** A second tenant with its own Plivo account on the same emulator host. */
  const createIssuingContextTenant = async () => {
    const tenant = await createTenant(ctx.t);
    const account = providerKits.plivo.emulatedAccount(ctx.emulators.plivo);
    const created = await ctx.t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ ...account, name: 'neighbour' })
      .expect(201);
    const endpoint = await createEndpoint(ctx.t, tenant, created.body.id, { identity: 'neighbour', provision: true });
    return { key: tenant.key, endpointId: endpoint.id };
  };

  it('gives up on a slow provider after the timeout, without retrying (504 provider_unavailable)', async () => {
    ctx.emulators.plivo.failNext(1, { kind: 'hang' });
    const before = tokenCalls();
    const arrivals = ctx.emulators.plivo.receivedCount;
    const timeouts = ctx.clock.timeoutsRequested.length;
    const pending = ctx.issue({ endpointId }).then((response) => response);
    await ctx.emulators.plivo.received(arrivals + 1);
    expect(ctx.clock.timeoutsRequested.slice(timeouts)).toEqual([3000]);
    ctx.clock.advance(3_000);
    const response = await pending;
    expect(response.status).toBe(504);
    expect(response.body.error).toMatchObject({ code: 'provider_unavailable', details: { provider: 'plivo', reason: 'timeout' } });
    expect(tokenCalls()).toBe(before + 1);
  });

  it('retries a repeatable call on 5xx with jittered backoff, at most 3 attempts', async () => {
    ctx.emulators.plivo.failNext(2, { kind: 'status', status: 502 });
    const before = tokenCalls();
    const sleeps = ctx.clock.sleeps.length;
    await ctx.issue({ endpointId }).expect(201);
    expect(tokenCalls()).toBe(before + 3);
    const waits = ctx.clock.sleeps.slice(sleeps);
    expect(waits).toHaveLength(2);
    expect(waits.every((ms) => ms >= 0 && ms <= 1000)).toBe(true);

    ctx.emulators.plivo.failNext(3, { kind: 'status', status: 500 });
    const exhausted = await ctx.issue({ endpointId }).expect(503);
    expect(exhausted.body.error).toMatchObject({ code: 'provider_unavailable', details: { providerStatus: 500 } });
    expect(tokenCalls()).toBe(before + 6);
  });

  it('waits out a short Retry-After, and answers a long one at once with 503 and the hint', async () => {
    ctx.emulators.plivo.failNext(1, { kind: 'rate_limit', retryAfterSeconds: 1 });
    const sleeps = ctx.clock.sleeps.length;
    await ctx.issue({ endpointId }).expect(201);
    expect(ctx.clock.sleeps.slice(sleeps)).toEqual([1000]);

    ctx.emulators.plivo.failNext(1, { kind: 'rate_limit', retryAfterSeconds: 30 });
    const before = tokenCalls();
    const limited = await ctx.issue({ endpointId }).expect(503);
    expect(limited.body.error.details).toMatchObject({ reason: 'rate_limited', retryAfterSeconds: 30 });
    expect(limited.headers['retry-after']).toBe('30');
    expect(tokenCalls()).toBe(before + 1);

    // A hint of years (a timestamp where seconds were meant) is passed on as an hour at most.
    ctx.emulators.plivo.failNext(1, { kind: 'rate_limit', retryAfterSeconds: 1_764_500_000 });
    const absurd = await ctx.issue({ endpointId }).expect(503);
    expect(absurd.body.error.details).toMatchObject({ reason: 'rate_limited', retryAfterSeconds: 3600 });
    expect(absurd.headers['retry-after']).toBe('3600');
  });

  it('treats a malformed answer as 502 provider_bad_response, never a crash', async () => {
    ctx.emulators.plivo.failNext(1, { kind: 'garbage' });
    const garbage = await ctx.issue({ endpointId }).expect(502);
    expect(garbage.body.error.code).toBe('provider_bad_response');
    ctx.emulators.plivo.failNext(1, { kind: 'status', status: 200, body: { api_id: 'x', token: 42 } });
    expect((await ctx.issue({ endpointId }).expect(502)).body.error).toMatchObject({
      code: 'provider_bad_response',
      details: { missing: 'token' },
    });
    await ctx.issue({ endpointId }).expect(201);
  });

  it('answers 503 at once for an unreachable host', async () => {
    const unreachable = providerKits.plivo.emulatedAccount(ctx.emulators.plivo);
    const accountId = await ctx.createAccount(unreachable, { baseUrl: 'http://127.0.0.1:9' });
    const endpoint = await ctx.createEndpoint(accountId, { userId: 'f2', identity: 'nowhere' });
    const response = await ctx.issue({ endpointId: endpoint.id }).expect(503);
    expect(response.body.error).toMatchObject({ code: 'provider_unavailable', details: { reason: 'unreachable' } });
  });

  it('never retries a call that is not safe to repeat (a refresh consumes its token)', async () => {
    const signalwire = providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire);
    const accountId = await ctx.createAccount(signalwire);
    const endpoint = await ctx.createEndpoint(accountId, { userId: 'f3', identity: 'refresher@example.com' });
    const { body } = await ctx.issue({ endpointId: endpoint.id }).expect(201);
    ctx.emulators.signalwire.failNext(1, { kind: 'status', status: 503 });
    const before = ctx.emulators.signalwire.requestsTo('POST', /refresh$/).length;
    await ctx.t.http.post(`/v1/tokens/${body.id}/refresh`).set(bearer(ctx.tenant.key)).expect(503);
    expect(ctx.emulators.signalwire.requestsTo('POST', /refresh$/).length).toBe(before + 1);
    // The kept refresh token was never presented successfully, so a later refresh still works.
    await ctx.t.http.post(`/v1/tokens/${body.id}/refresh`).set(bearer(ctx.tenant.key)).expect(201);
  });

  it('cuts secrets a provider quotes back out of its error message', async () => {
    const plivo = providerKits.plivo.emulatedAccount(ctx.emulators.plivo);
    const accountId = await ctx.createAccount(plivo);
    const endpoint = await ctx.createEndpoint(accountId, { userId: 'f4', identity: 'ghostly' });
    ctx.emulators.plivo.failNext(1, {
      kind: 'status',
      status: 400,
      body: { api_id: 'x', error: `bad credentials ${plivo.secrets.authToken} for ghostly` },
    });
    const response = await ctx.issue({ endpointId: endpoint.id }).expect(422);
    expect(response.body.error.details.providerMessage).toBe('bad credentials [redacted] for ghostly');
    expect(ctx.t.logs.join('\n')).not.toContain(plivo.secrets.authToken);
  });

  it('treats an answer that is not valid HTTP as 502 provider_bad_response', async () => {
    ctx.emulators.plivo.failNext(1, { kind: 'malformed_http' });
    const response = await ctx.issue({ endpointId }).expect(502);
    expect(response.body.error).toMatchObject({ code: 'provider_bad_response', details: { reason: 'malformed_http' } });
  });

  it('a half-open circuit whose trial call gets a malformed answer opens again, rather than jamming', async () => {
    ctx.emulators.plivo.failNext(5, { kind: 'status', status: 500 });
    await ctx.issue({ endpointId }).expect(503);
    await ctx.issue({ endpointId }).expect(503);
    expect((await ctx.issue({ endpointId }).expect(503)).body.error.details.reason).toBe('circuit_open');
    ctx.emulators.plivo.clearFaults();
    ctx.clock.advance(10_000);
    ctx.emulators.plivo.failNext(1, { kind: 'malformed_http' });
    await ctx.issue({ endpointId }).expect(502);
    expect((await ctx.issue({ endpointId }).expect(503)).body.error.details.reason).toBe('circuit_open');
    ctx.clock.advance(10_000);
    await ctx.issue({ endpointId }).expect(201);
  });

  it("opens the circuit of the failing account only: another tenant's account on the same host still mints", async () => {
    const failing = await ctx.createAccount(providerKits.plivo.emulatedAccount(ctx.emulators.plivo));
    const failingEndpoint = await ctx.createEndpoint(failing, { userId: 'f6', identity: 'failing' });
    const neighbour = await createIssuingContextTenant();
    // An account of the same tenant whose calls failed three times in a row, not five: its circuit stays closed.
    const wobbly = await ctx.createAccount(providerKits.plivo.emulatedAccount(ctx.emulators.plivo));
    const wobblyEndpoint = await ctx.createEndpoint(wobbly, { userId: 'f7', identity: 'wobbly' });
    ctx.emulators.plivo.failNext(3, { kind: 'status', status: 500 });
    await ctx.issue({ endpointId: wobblyEndpoint.id }).expect(503);
    ctx.emulators.plivo.failNext(6, { kind: 'status', status: 500 });
    await ctx.issue({ endpointId: failingEndpoint.id }).expect(503);
    await ctx.issue({ endpointId: failingEndpoint.id }).expect(503);
    expect((await ctx.issue({ endpointId: failingEndpoint.id }).expect(503)).body.error.details.reason).toBe('circuit_open');
    await ctx.t.http.post('/v1/tokens').set(bearer(neighbour.key)).send({ endpointId: neighbour.endpointId }).expect(201);
    await ctx.issue({ endpointId }).expect(201);

    // The account shows its circuit open for up to 10 s more; the others' stay closed.
    const circuits = await ctx.t.http.get('/v1/provider-accounts').set(bearer(ctx.tenant.key)).expect(200);
    const circuit = circuits.body.data.find((account: { id: string }) => account.id === failing).circuit;
    const openForMs = Date.parse(circuit.openUntil) - ctx.clock.now().getTime();
    expect([circuit.state, openForMs > 0 && openForMs <= 10_000]).toEqual(['open', true]);
    ctx.clock.advance(openForMs);
    const trial = await ctx.t.http.get(`/v1/provider-accounts/${failing}`).set(bearer(ctx.tenant.key)).expect(200);
    expect(trial.body.circuit.state).toBe('half_open');
    expect(circuits.body.data.filter((account: { circuit: { state: string } }) => account.circuit.state !== 'closed')).toHaveLength(1);
    expect(circuits.body.data.find((account: { id: string }) => account.id === wobbly).circuit).toEqual({
      state: 'closed',
      openUntil: null,
    });
  });

  it('reads a SignalWire error body of an unexpected shape without failing', async () => {
    const signalwire = providerKits.signalwire.emulatedAccount(ctx.emulators.signalwire);
    const accountId = await ctx.createAccount(signalwire);
    const endpoint = await ctx.createEndpoint(accountId, { userId: 'f5', identity: 'odd@example.com' });
    ctx.emulators.signalwire.failNext(1, { kind: 'status', status: 422, body: { errors: 5 } });
    const response = await ctx.issue({ endpointId: endpoint.id }).expect(422);
    expect(response.body.error).toMatchObject({ code: 'provider_rejected_request', details: { providerStatus: 422 } });
  });
});
