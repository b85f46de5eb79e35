import { randomUUID } from 'node:crypto';
import { decodeJwt } from '../jwt';
import { telnyxKit } from './telnyx.kit';
import { TelnyxEmulator } from './telnyx.emulator';

/** The fake Telnyx against telnyx.md §11, over HTTP on loopback, on a clock the test moves. */
describe('Telnyx emulator', () => {
  let now = new Date('2024-06-03T10:00:00.000Z');
  const emulator = new TelnyxEmulator(() => now);
  let account: ReturnType<typeof telnyxKit.emulatedAccount>;

  beforeAll(() => emulator.listen());
  beforeEach(() => {
    account = telnyxKit.emulatedAccount(emulator);
    emulator.tokenTtlSeconds = 86_400;
    emulator.clockSkewSeconds = 0;
    emulator.rateLimited = false;
    emulator.requestsPerMinute = 600;
  });
  afterAll(() => emulator.close());

  const call = async (method: string, path: string, options: { key?: string; body?: unknown; raw?: string } = {}) => {
    const key = options.key ?? account.secrets.apiKey;
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(options.body !== undefined || options.raw !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : undefined;
    return { status: response.status, headers: response.headers, text, json };
  };
  const create = async (fields: Record<string, unknown> = {}) => {
    const created = await call('POST', '/v2/telephony_credentials', { body: { connection_id: account.config.connectionId, ...fields } });
    expect(created.status).toBe(201);
    return created.json.data as Record<string, string>;
  };

  it('answers an unknown or missing key 401 with code 10009, rate-limit headers included', async () => {
    for (const key of ['KEY_unknown', '']) {
      const response = await call('GET', '/v2/telephony_credentials', { key });
      expect(response.status).toBe(401);
      expect(response.json.errors[0]).toMatchObject({ code: '10009', title: 'Authentication failed' });
      expect(response.headers.get('x-ratelimit-limit')).toBe('600');
    }
  });

  it('creates a credential with every documented field, on a credential connection of the key’s account only', async () => {
    const data = await create({ name: 'alice' });
    expect(data).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      record_type: 'credential',
      name: 'alice',
      resource_id: `connection:${account.config.connectionId}`,
      expired: false,
      sip_username: expect.stringMatching(/^gencred[A-Za-z0-9]{22}$/),
      sip_password: expect.stringMatching(/^[0-9a-f]{32}$/),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      expires_at: null,
      user_id: emulator.accounts.get(account.secrets.apiKey)!.userId,
    });
    const missing = await call('POST', '/v2/telephony_credentials', { body: { name: 'x' } });
    expect(missing.status).toBe(422);
    expect(missing.json.errors[0]).toMatchObject({ code: '10004', source: { pointer: '/connection_id' } });

    const other = telnyxKit.emulatedAccount(emulator);
    emulator.accounts.get(account.secrets.apiKey)!.connections.set('42', 'ip');
    for (const connectionId of [other.config.connectionId, '42', 42]) {
      const refused = await call('POST', '/v2/telephony_credentials', { body: { connection_id: connectionId } });
      expect(refused.status).toBe(422);
      expect(refused.json.errors[0].source).toEqual({ pointer: '/connection_id' });
    }
    expect((await call('POST', '/v2/telephony_credentials', { raw: '[1, 2]' })).status).toBe(400);
  });

  it('reads expires_at with or without a zone and fraction, as UTC when none is given', async () => {
    expect((await create({ expires_at: '2030-09-18T00:00:00' })).expires_at).toBe('2030-09-18T00:00:00.000Z');
    expect((await create({ expires_at: '2030-09-18T22:25:27.521Z' })).expires_at).toBe('2030-09-18T22:25:27.521Z');
    expect((await create({ expires_at: '2030-09-18T02:00:00+02:00' })).expires_at).toBe('2030-09-18T00:00:00.000Z');
    const refused = await call('POST', '/v2/telephony_credentials', {
      body: { connection_id: account.config.connectionId, expires_at: 'tomorrow' },
    });
    expect(refused.json.errors[0].source).toEqual({ pointer: '/expires_at' });
  });

  it('keeps at most 1000 credentials under one tag', async () => {
    const owner = emulator.accounts.get(account.secrets.apiKey)!;
    for (let i = 0; i < 999; i += 1) {
      const id = randomUUID();
      emulator.credentials.set(id, {
        owner,
        id,
        connectionId: account.config.connectionId,
        name: `n${i}`,
        tag: 'full',
        sipUsername: `gencred${i}`,
        sipPassword: '0'.repeat(32),
        createdAt: now,
        updatedAt: now,
      });
    }
    await create({ tag: 'full' });
    const refused = await call('POST', '/v2/telephony_credentials', { body: { connection_id: account.config.connectionId, tag: 'full' } });
    expect(refused.status).toBe(422);
    expect(refused.json.errors[0].source).toEqual({ pointer: '/tag' });
    await create({ tag: 'another' });
  });

  it('mints a text/plain HS512 login token with the documented claims and a new jti each time', async () => {
    const { id } = await create();
    const first = await call('POST', `/v2/telephony_credentials/${id}/token`);
    const second = await call('POST', `/v2/telephony_credentials/${id}/token`);
    expect(first.status).toBe(201);
    expect(first.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(first.text).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const { header, payload } = decodeJwt(first.text)!;
    const iat = now.getTime() / 1000;
    expect(header).toEqual({ alg: 'HS512', typ: 'JWT' });
    expect(payload).toEqual({
      aud: 'telnyx_telephony',
      iss: 'telnyx_telephony',
      sub: id,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iat,
      nbf: iat - 1,
      exp: iat + 86_400,
      tel_token: expect.any(String),
      typ: 'access',
    });
    expect(decodeJwt(second.text)!.payload.jti).not.toBe(payload.jti);
    expect(emulator.loginProblem(first.text)).toBeUndefined();
    expect(emulator.loginProblem(`${first.text.slice(0, -2)}xx`)).toBe('signature');
  });

  it('caps exp at the credential’s expiry, with a configurable lifetime and clock skew', async () => {
    emulator.tokenTtlSeconds = 2_419_200;
    emulator.clockSkewSeconds = 7;
    const { id } = await create({ expires_at: new Date(now.getTime() + 3_600_000).toISOString() });
    const capped = decodeJwt((await call('POST', `/v2/telephony_credentials/${id}/token`)).text)!.payload;
    expect(capped).toMatchObject({ iat: now.getTime() / 1000 + 7, exp: now.getTime() / 1000 + 3600 });
    const { id: lasting } = await create();
    expect(decodeJwt((await call('POST', `/v2/telephony_credentials/${lasting}/token`)).text)!.payload.exp).toBe(
      now.getTime() / 1000 + 7 + 2_419_200,
    );
  });

  it('treats another account’s and a deleted credential as unknown (404 10005); a deleted one no longer logs in', async () => {
    const { id } = await create();
    const token = (await call('POST', `/v2/telephony_credentials/${id}/token`)).text;
    const stranger = telnyxKit.emulatedAccount(emulator);
    for (const method of ['GET', 'DELETE']) {
      const response = await call(method, `/v2/telephony_credentials/${id}`, { key: stranger.secrets.apiKey });
      expect(response.status).toBe(404);
      expect(response.json.errors[0].code).toBe('10005');
    }
    expect((await call('POST', `/v2/telephony_credentials/${id}/token`, { key: stranger.secrets.apiKey })).status).toBe(404);
    const deleted = await call('DELETE', `/v2/telephony_credentials/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json.data.id).toBe(id);
    expect((await call('GET', `/v2/telephony_credentials/${id}`)).status).toBe(404);
    const after = await call('POST', `/v2/telephony_credentials/${id}/token`);
    expect(after.status).toBe(404);
    expect(after.json.errors[0]).toMatchObject({ code: '10005', title: 'Resource not found' });
    expect(emulator.loginProblem(token)).toBe('credential deleted');
  });

  it('updates a live credential; an expired one refuses tokens and PATCH with object-shaped errors', async () => {
    const { id } = await create({ name: 'before', expires_at: new Date(now.getTime() + 60_000).toISOString() });
    const patched = await call('PATCH', `/v2/telephony_credentials/${id}`, { body: { name: 'after', tag: 'group' } });
    expect(patched.status).toBe(200);
    expect(patched.json.data).toMatchObject({ id, name: 'after' });
    expect((await call('GET', `/v2/telephony_credentials/${id}`)).json.data.name).toBe('after');
    const token = (await call('POST', `/v2/telephony_credentials/${id}/token`)).text;

    now = new Date(now.getTime() + 60_000);
    expect((await call('GET', `/v2/telephony_credentials/${id}`)).json.data.expired).toBe(true);
    const refused = await call('PATCH', `/v2/telephony_credentials/${id}`, { body: { name: 'again' } });
    expect(refused.status).toBe(422);
    expect(refused.json).toEqual({ errors: { status: "can't update credentials in expired status" } });
    emulator.expiredCredentialStatus = 400;
    const noToken = await call('POST', `/v2/telephony_credentials/${id}/token`);
    expect(noToken.status).toBe(400);
    expect(noToken.json.errors).toEqual({ status: "can't create tokens for credentials in expired status" });
    emulator.expiredCredentialStatus = 422;
    expect(emulator.loginProblem(token)).toBe('expired');
  });

  it('lists the account’s credentials with filters (resource_id needs the connection: prefix) and pages', async () => {
    const lister = telnyxKit.emulatedAccount(emulator);
    const list = async (query: string) => (await call('GET', `/v2/telephony_credentials?${query}`, { key: lister.secrets.apiKey })).json;
    const made = [];
    for (const name of ['a', 'b', 'c']) {
      const response = await call('POST', '/v2/telephony_credentials', {
        key: lister.secrets.apiKey,
        body: {
          connection_id: lister.config.connectionId,
          name,
          ...(name === 'c' ? { expires_at: '2000-01-01T00:00:00Z', tag: 't' } : {}),
        },
      });
      made.push(response.json.data as { id: string; sip_username: string });
    }
    const all = await list('');
    expect(emulator.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v2/telephony_credentials' });
    expect(all.data.map((row: { name: string }) => row.name)).toEqual(['a', 'b', 'c']);
    expect(all.meta).toEqual({ page_number: 1, page_size: 20, total_pages: 1, total_results: 3 });
    expect((await list(`filter[resource_id]=connection:${lister.config.connectionId}`)).meta.total_results).toBe(3);
    expect((await list(`filter[resource_id]=${lister.config.connectionId}`)).meta.total_results).toBe(0);
    expect((await list('filter[name]=b')).data.map((row: { id: string }) => row.id)).toEqual([made[1].id]);
    expect((await list('filter[status]=expired')).data.map((row: { name: string }) => row.name)).toEqual(['c']);
    expect((await list('filter[tag]=t')).meta.total_results).toBe(1);
    expect((await list(`filter[sip_username]=${made[0].sip_username}`)).data[0].id).toBe(made[0].id);
    const second = await list('page[number]=2&page[size]=2');
    expect(second.data.map((row: { name: string }) => row.name)).toEqual(['c']);
    expect(second.meta).toEqual({ page_number: 2, page_size: 2, total_pages: 2, total_results: 3 });
    expect((await call('GET', '/v2/telephony_credentials?page[size]=251', { key: lister.secrets.apiKey })).status).toBe(400);
  });

  it('counts calls per key and minute in x-ratelimit-*, answering 429 code 10011 beyond the limit or while switched on', async () => {
    now = new Date('2024-06-03T11:00:45.000Z');
    emulator.requestsPerMinute = 2;
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await call('GET', '/v2/telephony_credentials'));
    expect(answers.map((answer) => [answer.status, answer.headers.get('x-ratelimit-remaining')])).toEqual([
      [200, '1'],
      [200, '0'],
      [429, '0'],
    ]);
    expect(answers[2].json.errors[0]).toMatchObject({ code: '10011' });
    expect(answers[2].headers.get('x-ratelimit-reset')).toBe('15');
    now = new Date('2024-06-03T11:01:00.000Z');
    expect((await call('GET', '/v2/telephony_credentials')).status).toBe(200);
    emulator.rateLimited = true;
    const limited = await call('POST', '/v2/telephony_credentials', { body: { connection_id: account.config.connectionId } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-reset')).toBe('60');
  });
});
