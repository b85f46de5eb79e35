import { createTestApp, TestApp } from '../helpers/test-app';

describe('health, docs and request ids', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('reports live and ready without authentication', async () => {
    await t.http.get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok' } });
  });

  it('serves the OpenAPI document and Swagger UI at /docs', async () => {
    const spec = await t.http.get('/docs/openapi.json').expect(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/v1/provider-accounts', '/v1/admin/tenants']));
    const ui = await t.http.get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('puts a request id on every response, echoing a well-formed incoming one', async () => {
    const generated = await t.http.get('/health/live');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await t.http.get('/v1/endpoints').set('x-request-id', 'trace-123');
    expect(echoed.status).toBe(401);
    expect(echoed.headers['x-request-id']).toBe('trace-123');
    const refused = await t.http.get('/health/live').set('x-request-id', 'bad id with spaces');
    expect(refused.headers['x-request-id']).not.toBe('bad id with spaces');
  });

  it('writes one structured JSON log line per request', async () => {
    await t.http.get('/health/live').set('x-request-id', 'log-check-1');
    await t.http.get('/v1/endpoints').set('x-request-id', 'log-check-2');
    const lines = t.logs.map((raw) => JSON.parse(raw));
    expect(lines.filter((entry) => entry.reqId === 'log-check-1')).toEqual([
      expect.objectContaining({ msg: 'request', method: 'GET', url: '/health/live', status: 200, ms: expect.any(Number) }),
    ]);
    expect(lines.filter((entry) => entry.reqId === 'log-check-2')).toEqual([expect.objectContaining({ msg: 'request', status: 401 })]);
  });
});
