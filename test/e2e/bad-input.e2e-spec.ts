import net, { AddressInfo } from 'node:net';
import { createProviderAccount, createTenant, TestTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/** Whatever a client sends, it gets a 4xx with a stable code in the one error shape: never a 500. */
describe('bad input', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let accountId: string;
  let logsBefore = 0;
  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t);
    accountId = (await createProviderAccount(t, tenant, 'twilio')).id;
  });
  afterAll(() => t?.close());
  beforeEach(() => {
    logsBefore = t.logs.length;
  });
  // Whatever a test sent, nothing reached the 500 path (which logs at error level).
  afterEach(() => {
    const serverErrors = t.logs
      .slice(logsBefore)
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.level >= 50);
    expect(serverErrors).toEqual([]);
  });

  const expectError = (
    response: { status: number; body: { error?: { code?: string; message?: string; details?: unknown } } },
    status: number,
    code: string,
  ) => {
    expect({ status: response.status, code: response.body.error?.code }).toEqual({ status, code });
    expect(typeof response.body.error?.message).toBe('string');
    expect(response.body.error?.details).toEqual(expect.any(Object));
  };

  it('malformed JSON → 400 invalid_json', async () => {
    const response = await t.http.post('/v1/endpoints').set(bearer(tenant.key)).set('content-type', 'application/json').send('{"userId": ');
    expectError(response, 400, 'invalid_json');
  });

  it('empty JSON body → 400 invalid_json', async () => {
    const response = await t.http.post('/v1/endpoints').set(bearer(tenant.key)).set('content-type', 'application/json').send('');
    expectError(response, 400, 'invalid_json');
  });

  it('a body that is not JSON → 415 unsupported_media_type', async () => {
    const response = await t.http.post('/v1/endpoints').set(bearer(tenant.key)).set('content-type', 'application/xml').send('<a/>');
    expectError(response, 415, 'unsupported_media_type');
  });

  it('an oversized body → 413 payload_too_large', async () => {
    const response = await t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ userId: 'x'.repeat(70 * 1024) });
    expectError(response, 413, 'payload_too_large');
  });

  it('unknown fields → 400 validation_failed naming them', async () => {
    const response = await t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ providerAccountId: accountId, userId: 'u', admin: true });
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details.fields).toEqual([{ field: 'admin', messages: ['property admin should not exist'] }]);
  });

  it('wrong types, arrays and nulls where objects belong → 400 validation_failed', async () => {
    for (const body of [
      [],
      { providerAccountId: 42, userId: ['a'] },
      { providerAccountId: null, userId: null },
      { capabilities: 'incoming' },
    ]) {
      const response = await t.http.post('/v1/endpoints').set(bearer(tenant.key)).send(body);
      expectError(response, 400, 'validation_failed');
    }
    const secretsAsString = await t.http
      .post('/v1/provider-accounts')
      .set(bearer(tenant.key))
      .send({ provider: 'twilio', name: 'x', config: 'a', secrets: 7 });
    expectError(secretsAsString, 400, 'validation_failed');
  });

  it('keys named like object members (toString, valueOf, ...) → 400 validation_failed, as any unknown field', async () => {
    await t.http
      .post('/v1/endpoints')
      .set(bearer(tenant.key))
      .send({ providerAccountId: accountId, userId: 'members', capabilities: ['outgoing'] })
      .expect(201);
    /** The answer to `body` must be the answer to the same body with the member's name replaced by an unknown one. */
    const answeredAsUnknown = async (send: (name: string) => Promise<{ status: number; body: unknown }>, member: string) => {
      const [asMember, asUnknown] = [await send(member), await send('bogus')];
      expect(asUnknown.status).toBe(400);
      expect({ status: asMember.status, body: JSON.stringify(asMember.body).replaceAll(member, 'bogus') }).toEqual({
        status: asUnknown.status,
        body: JSON.stringify(asUnknown.body),
      });
    };
    const issue = (body: Record<string, unknown>) => t.http.post('/v1/tokens').set(bearer(tenant.key)).send(body);
    for (const member of ['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'toLocaleString', '__defineGetter__']) {
      await answeredAsUnknown((name) => issue({ userId: 'members', [name]: 1 }), member);
      await answeredAsUnknown((name) => issue({ userId: 'members', options: { [name]: 1 } }), member);
    }
    // Nested DTOs (an issuer in a list) and free-form objects, where class-transformer dropped them the same way.
    await answeredAsUnknown(
      (name) =>
        t.http
          .put('/v1/end-user-auth')
          .set(bearer(tenant.key))
          .send({ sessions: true, issuers: [{ issuer: 'https://idp.example/', audience: 'callpass', secret: 's'.repeat(32), [name]: 1 }] }),
      'valueOf',
    );
    const field = async (body: Record<string, unknown>) =>
      (await t.http.post('/v1/endpoints').set(bearer(tenant.key)).send(body).expect(400)).body.error.details.fields;
    expect(await field({ providerAccountId: accountId, userId: 'm2', providerOptions: { toString: 'x' } })).toEqual([
      { field: 'providerOptions.toString', messages: ['property toString should not exist'] },
    ]);
    await answeredAsUnknown(
      (name) =>
        t.http
          .get('/v1/endpoints')
          .query({ [name]: '1' })
          .set(bearer(tenant.key)),
      'toString',
    );
    // Nothing was minted for any of them.
    expect(await t.prisma.tokenIssuance.count({ where: { tenantId: tenant.id, outcome: 'issued' } })).toBe(0);
  });

  it('bad query strings → 400, unknown query parameters refused', async () => {
    expectError(await t.http.get('/v1/endpoints').query({ limit: 0 }).set(bearer(tenant.key)), 400, 'validation_failed');
    expectError(await t.http.get('/v1/endpoints').query({ limit: 'many' }).set(bearer(tenant.key)), 400, 'validation_failed');
    expectError(await t.http.get('/v1/endpoints').query({ providerAccountId: 'nope' }).set(bearer(tenant.key)), 400, 'validation_failed');
    expectError(await t.http.get('/v1/token-issuances').query({ from: 'yesterday' }).set(bearer(tenant.key)), 400, 'validation_failed');
    expectError(await t.http.get('/v1/endpoints').query({ drop: 'table' }).set(bearer(tenant.key)), 400, 'validation_failed');
    expectError(await t.http.get('/v1/endpoints').query({ cursor: 'eyJ4IjoxfQ' }).set(bearer(tenant.key)), 400, 'invalid_cursor');
    for (const at of ['0000-01-01T00:00:00.000Z', '+100000-01-01T00:00:00.000Z', '2026-11-22']) {
      const cursor = Buffer.from(JSON.stringify([at, '01900000-0000-7000-8000-000000000001'])).toString('base64url');
      expectError(await t.http.get('/v1/endpoints').query({ cursor }).set(bearer(tenant.key)), 400, 'invalid_cursor');
    }
  });

  it('ids that are not UUIDs, or hostile strings, → 404 not found', async () => {
    for (const id of ['123', "' OR 1=1 --", '..%2F..%2Fetc', 'a'.repeat(90)]) {
      expectError(await t.http.get(`/v1/provider-accounts/${id}`).set(bearer(tenant.key)), 404, 'provider_account_not_found');
      expectError(await t.http.patch(`/v1/endpoints/${id}`).set(bearer(tenant.key)).send({ disabled: true }), 404, 'endpoint_not_found');
    }
  });

  it('NUL characters anywhere (path, query, body, keys) → 400 validation_failed', async () => {
    expectError(await t.http.delete('/v1/endpoints/abc%00def').set(bearer(tenant.key)), 400, 'validation_failed');
    expectError(await t.http.get('/v1/endpoints').query({ userId: 'a\u0000b' }).set(bearer(tenant.key)), 400, 'validation_failed');
    const inBody = await t.http.post('/v1/admin/tenants').set(bearer(t.adminKey)).send({ slug: 'nul-test', name: 'a\u0000b' });
    expectError(inBody, 400, 'validation_failed');
    expect(inBody.body.error.details.fields).toEqual([{ field: 'name', messages: ['must not contain NUL characters'] }]);
    const inKey = await t.http
      .patch(`/v1/provider-accounts/${accountId}`)
      .set(bearer(tenant.key))
      .send({ config: { 'a\u0000': 1 } });
    expectError(inKey, 400, 'validation_failed');
  });

  it('unpaired UTF-16 surrogates (which PostgreSQL JSON refuses) → 400 validation_failed, paired ones pass', async () => {
    const lone = await t.http.post('/v1/endpoints').set(bearer(tenant.key)).send({ providerAccountId: accountId, userId: 'a\ud800b' });
    expectError(lone, 400, 'validation_failed');
    expect(lone.body.error.details.fields).toEqual([{ field: 'userId', messages: ['must not contain unpaired UTF-16 surrogates'] }]);
    // A URL cannot carry one: its bytes are UTF-8, and an unpaired surrogate has no UTF-8 form.
    const paired = await t.http.get('/v1/endpoints').query({ userId: 'smile\ud83d\ude00' }).set(bearer(tenant.key));
    expect(paired.status).toBe(200);
  });

  it('unknown routes and methods → 404 route_not_found', async () => {
    expectError(await t.http.get('/v1/nothing-here').set(bearer(tenant.key)), 404, 'route_not_found');
    expectError(await t.http.put('/v1/endpoints').set(bearer(tenant.key)).send({}), 404, 'route_not_found');
  });

  it('a JSON body with prototype-pollution keys is refused, not merged', async () => {
    const response = await t.http
      .patch(`/v1/provider-accounts/${accountId}`)
      .set(bearer(tenant.key))
      .set('content-type', 'application/json')
      .send('{"config": {"__proto__": {"polluted": true}}}');
    expectError(response, 400, 'invalid_json');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('deeply nested JSON → 400 json_too_deep on every body route, before anything walks it', async () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    for (const [method, route, key] of [
      ['post', '/v1/tokens', tenant.key],
      ['post', '/v1/endpoints', tenant.key],
      ['patch', `/v1/provider-accounts/${accountId}`, tenant.key],
      ['post', '/v1/admin/tenants', t.adminKey],
    ] as const) {
      const deep = await t.http[method](route)
        .set(bearer(key))
        .set('content-type', 'application/json')
        .send(`{"options": ${nested(2000)}}`);
      expectError(deep, 400, 'json_too_deep');
    }
    const justOver = await t.http
      .post('/v1/tokens')
      .set(bearer(tenant.key))
      .set('content-type', 'application/json')
      .send(`{"options": ${nested(32)}}`);
    expectError(justOver, 400, 'json_too_deep');
    // 32 levels is still a body (refused for its content, not its depth).
    const shallow = await t.http
      .post('/v1/tokens')
      .set(bearer(tenant.key))
      .set('content-type', 'application/json')
      .send(`{"options": ${nested(31)}}`);
    expectError(shallow, 400, 'validation_failed');
  });
});

describe('malformed HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOG_LEVEL: 'trace' } });
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(() => t?.close());

  it('answers 400 in the error shape and logs neither the raw packet nor its Authorization header', async () => {
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const canary = 'cp_tenant_RawPacketCanary00000000000000000000000000000000000';
    const socket = net.connect(port, '127.0.0.1');
    socket.write(`GET /v1/endpoints HTTP/1.1\r\nHost: callpass\r\nAuthorization: Bearer ${canary}\r\nBroken header line\r\n\r\n`);
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    const answer = Buffer.concat(chunks).toString();
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'bad_request', message: expect.any(String), details: {} },
    });
    // Fastify's own handler would log the parser error at trace, raw packet (a byte array) and all.
    expect(t.logs.length).toBeGreaterThan(0);
    expect(t.logs.join('\n')).not.toMatch(/rawPacket|client error|RawPacketCanary/);
  });
});
