import { providerKits } from '../../src/providers/provider-kits';
import { MetricsListenerService } from '../../src/metrics/metrics-listener';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';
import { bearer, createTestApp } from '../helpers/test-app';
import { closedPort } from '../helpers/tcp-proxy';

/** The value of one sample in Prometheus text, e.g. `callpass_tokens_total{provider="twilio",…}`; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  const line = text
    .split('\n')
    .find((candidate) =>
      candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `) ? wanted.every((pair) => candidate.includes(pair)) : false,
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('metrics', () => {
  let ctx: IssuingContext;
  let metricsKey: string;
  let endpoint: { id: string; userId: string };

  beforeAll(async () => {
    ctx = await createIssuingContext({ env: { METRICS_PORT: '0' } });
    const accountId = await ctx.createAccount(providerKits.twilio.emulatedAccount(ctx.emulators.twilio));
    endpoint = (await ctx.createEndpoint(accountId)) as unknown as typeof endpoint;
    const created = await ctx.t.http
      .post('/v1/admin/service-keys')
      .set(bearer(ctx.t.adminKey))
      .send({ name: 'prometheus', scopes: ['metrics:read'] })
      .expect(201);
    metricsKey = created.body.key;
  });
  afterAll(() => ctx?.close());

  const scrape = async () => (await ctx.t.http.get('/metrics').set(bearer(metricsKey)).expect(200)).text;

  it('on the API port, only for a service key with metrics:read', async () => {
    expect((await ctx.t.http.get('/metrics').expect(401)).body.error.code).toBe('authentication_required');
    expect((await ctx.t.http.get('/metrics').set(bearer(ctx.tenant.key)).expect(403)).body.error.code).toBe('forbidden');
    const usageKey = await ctx.t.http
      .post('/v1/admin/service-keys')
      .set(bearer(ctx.t.adminKey))
      .send({ name: 'usage', scopes: ['usage:read'] })
      .expect(201);
    const refused = await ctx.t.http.get('/metrics').set(bearer(usageKey.body.key)).expect(403);
    expect(refused.body.error).toMatchObject({ code: 'insufficient_scope', details: { requiredScope: 'metrics:read' } });
    const response = await ctx.t.http.get('/metrics').set(bearer(metricsKey)).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('counts tokens by provider, kind and outcome, their latency, the token log batches and the caches', async () => {
    const before = await scrape();
    for (let index = 0; index < 3; index += 1) await ctx.issue({ endpointId: endpoint.id }).expect(201);
    await ctx.issue({ endpointId: endpoint.id, capabilities: ['nonsense'] }).expect(400);
    await ctx.issue({ endpointId: endpoint.id, kind: 'no_such_kind' }).expect(400);
    await ctx.issue({ endpointId: endpoint.id, kind: 'another_made_up_kind' }).expect(400);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);

    expect(delta('callpass_tokens_total', { provider: 'twilio', kind: 'access_token', outcome: 'issued' })).toBe(3);
    // A kind the caller made up is not a label: labels stay a small fixed set whatever callers send.
    expect(
      delta('callpass_tokens_total', { provider: 'twilio', kind: 'unsupported', outcome: 'refused', code: 'token_kind_not_supported' }),
    ).toBe(2);
    expect(after).not.toMatch(/no_such_kind|another_made_up_kind/);
    expect(delta('callpass_token_route_refusals_total', { code: 'validation_failed' })).toBe(1);
    expect(delta('callpass_issuance_duration_seconds_count', { provider: 'twilio', outcome: 'issued' })).toBe(3);
    // Every row written (3 issued, 2 refused in the pipeline, 1 before it) went through a committed batch.
    expect(delta('callpass_token_log_batch_rows_sum')).toBe(6);
    expect(delta('callpass_cache_lookups_total', { cache: 'api_keys', result: 'hit' })).toBeGreaterThanOrEqual(3);
    expect(delta('callpass_cache_lookups_total', { cache: 'issuance_targets', result: 'hit' })).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'callpass_dependency_up', { dependency: 'database' })).toBe(1);
    expect(after).toContain('process_cpu_seconds_total');
  });

  it('labels nothing with a tenant, user, key or endpoint', async () => {
    const text = await scrape();
    for (const id of [ctx.tenant.id, endpoint.id, endpoint.userId, ctx.tenant.key, metricsKey]) expect(text).not.toContain(id);
  });

  it('also on METRICS_PORT, a listener of its own that serves nothing else', async () => {
    const port = ctx.t.app.get(MetricsListenerService).port;
    expect(port).toEqual(expect.any(Number));
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('callpass_tokens_total');
    expect((await fetch(`http://127.0.0.1:${port}/v1/tokens`)).status).toBe(404);
  });
});

describe('readiness and metrics with Redis unreachable', () => {
  it('still ready (the service works without it) but degraded, and the dependency reported down', async () => {
    const t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` } });
    try {
      const ready = await t.http.get('/health/ready').expect(200);
      expect(ready.body).toEqual({ status: 'degraded', checks: { database: 'ok', redis: 'unreachable' } });
      const created = await t.http
        .post('/v1/admin/service-keys')
        .set(bearer(t.adminKey))
        .send({ name: 'prometheus', scopes: ['metrics:read'] })
        .expect(201);
      const text = (await t.http.get('/metrics').set(bearer(created.body.key)).expect(200)).text;
      expect(sample(text, 'callpass_dependency_up', { dependency: 'redis' })).toBe(0);
    } finally {
      await t.close();
    }
  });
});
