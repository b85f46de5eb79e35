import { DrainService } from '../../src/health/drain';
import { createTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

describe('health, docs and request ids', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('reports live and ready without authentication', async () => {
    await t.http.get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'not_configured' } });
  });

  it('serves the OpenAPI document and Swagger UI at /docs', async () => {
    const spec = await t.http.get('/docs/openapi.json').expect(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/v1/provider-accounts', '/v1/admin/tenants']));
    const ui = await t.http.get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('puts a request id of its own on every response, whatever the client sent', async () => {
    const generated = await t.http.get('/health/live');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const forged = await t.http.get('/v1/endpoints').set('x-request-id', 'trace-123');
    expect(forged.status).toBe(401);
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(forged.body.error).toBeDefined();
    const again = await t.http.get('/v1/endpoints').set('x-request-id', 'trace-123');
    expect(again.headers['x-request-id']).not.toBe(forged.headers['x-request-id']);
  });

  it("writes one structured JSON log line per request, keeping a client's id only as clientRequestId", async () => {
    const docs = await t.http.get('/docs/openapi.json').set('x-request-id', 'log-check-1');
    const refused = await t.http.get('/v1/endpoints').set('x-request-id', 'bad id with spaces');
    const lines = t.logs.map((raw) => JSON.parse(raw));
    expect(lines.filter((entry) => entry.reqId === docs.headers['x-request-id'])).toEqual([
      expect.objectContaining({
        msg: 'request',
        method: 'GET',
        route: '/docs/openapi.json',
        path: '/docs/openapi.json',
        status: 200,
        ms: expect.any(Number),
        clientRequestId: 'log-check-1',
      }),
    ]);
    const [line] = lines.filter((entry) => entry.reqId === refused.headers['x-request-id']);
    expect(line).toMatchObject({ msg: 'request', status: 401 });
    expect(line).not.toHaveProperty('clientRequestId');
  });

  it('logs healthy probes at debug only: a poll every few seconds is not news', async () => {
    const probes = [await t.http.get('/health/live').expect(200), await t.http.get('/health/ready').expect(200)];
    const probeIds = probes.map((probe) => probe.headers['x-request-id']);
    expect(t.logs.map((raw) => JSON.parse(raw)).filter((entry) => probeIds.includes(entry.reqId))).toEqual([]);
  });

  it('names the tenant a request was authenticated for in its log line', async () => {
    const tenant = await createTenant(t);
    const response = await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
    const [line] = t.logs.map((raw) => JSON.parse(raw)).filter((entry) => entry.reqId === response.headers['x-request-id']);
    expect(line).toMatchObject({ msg: 'request', route: '/v1/endpoints', status: 200, tenantId: tenant.id });
  });

  it('logs the route and path, never the query string (a key sent as ?access_token= stays out of the logs)', async () => {
    const key = 'cp_tenant_QueryStringCanary0000000000000000000000000000000000';
    const response = await t.http.get(`/v1/endpoints?access_token=${key}&limit=5`);
    expect(response.status).toBe(401);
    expect(t.logs.join('\n')).not.toContain('QueryStringCanary');
    const [line] = t.logs.map((raw) => JSON.parse(raw)).filter((entry) => entry.reqId === response.headers['x-request-id']);
    expect(line).toMatchObject({ route: '/v1/endpoints', path: '/v1/endpoints' });
  });

  it('sends security headers: no caching of API answers, no sniffing, no referrer, no framing, a CSP that allows nothing', async () => {
    const api = await t.http.get('/health/live').expect(200);
    expect(api.headers).toMatchObject({
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy':
        "default-src 'none';img-src 'none';style-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    });
    expect(api.headers['strict-transport-security']).toBeUndefined();
    const docs = await t.http.get('/docs').expect(200);
    expect(docs.headers['content-security-policy']).toContain("default-src 'self';img-src 'self' data:;style-src 'self' 'unsafe-inline'");
    expect(docs.headers['cache-control']).toBeUndefined();
  });

  it('sends Strict-Transport-Security when configured', async () => {
    const tls = await createTestApp({ env: { HSTS_MAX_AGE_SECONDS: '31536000' } });
    try {
      const response = await tls.http.get('/health/live').expect(200);
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await tls.close();
    }
  });
});

describe('readiness while draining', () => {
  it('answers 503 with shutdown: draining from the moment the drain begins, while liveness stays ok', async () => {
    const t = await createTestApp();
    try {
      await t.http.get('/health/ready').expect(200);
      t.app.get(DrainService).begin();
      const ready = await t.http.get('/health/ready').expect(503);
      expect(ready.body).toEqual({ status: 'unavailable', checks: { database: 'ok', redis: 'not_configured', shutdown: 'draining' } });
      const logged = t.logs.map((raw) => JSON.parse(raw)).filter((entry) => entry.reqId === ready.headers['x-request-id']);
      expect(logged).toEqual([expect.objectContaining({ msg: 'request', route: '/health/ready', status: 503 })]);
      const live = await t.http.get('/health/live').expect(200);
      // Every answer now closes its connection, so the listener can close once requests in flight are done.
      expect(live.headers.connection).toBe('close');
    } finally {
      await t.close();
    }
  });
});
