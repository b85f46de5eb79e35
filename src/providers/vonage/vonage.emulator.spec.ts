import { createHmac, createPrivateKey, KeyObject, sign } from 'node:crypto';
import { rsaKeyPair } from '../../../test/helpers/key-pairs';
import { adminToken, clientToken } from './vonage-tokens';
import { VonageEmulator } from './vonage.emulator';

const APP = '6c1f5e0a-1b2c-4d3e-8f4a-5b6c7d8e9f01';
const START = new Date('2026-03-01T12:00:00Z');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT with any header and claims, signed RS256 with `key` (or with `signature` as given). */
function jwt(claims: object, key: KeyObject, header: object = { alg: 'RS256', typ: 'JWT' }): string {
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

describe('VonageEmulator', () => {
  const pair = rsaKeyPair();
  const key = createPrivateKey(pair.privateKey);
  const stranger = createPrivateKey(rsaKeyPair().privateKey);
  let now: Date;
  let emulator: VonageEmulator;

  const iat = () => seconds(now);
  const claims = (overrides: Record<string, unknown> = {}) => ({
    application_id: APP,
    sub: 'alice',
    acl: { paths: { '/*/sessions/**': {} } },
    iat: iat(),
    jti: 'jti-1',
    exp: iat() + 600,
    ...overrides,
  });
  const without = (name: string) => Object.fromEntries(Object.entries(claims()).filter(([claim]) => claim !== name));
  const token = (ttlSeconds = 600, userName = 'alice') =>
    clientToken({ applicationId: APP, userName, tokenId: `t-${Math.random()}`, issuedAt: iat(), ttlSeconds, key });
  const admin = () => adminToken(APP, iat(), key);
  const call = async (method: string, path: string, body?: unknown, bearer: string | null = admin()) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
  };

  beforeEach(async () => {
    now = START;
    emulator = new VonageEmulator(() => now);
    emulator.addApplication(APP, pair.publicKey);
    await emulator.listen();
  });
  afterEach(() => emulator.close());

  describe('checks tokens as Vonage does (vonage.md §9.1)', () => {
    it('accepts a well-formed token, naming its application and user, also over POST /v1/verify', async () => {
      expect(emulator.verify(token())).toMatchObject({ valid: true, applicationId: APP, sub: 'alice' });
      expect(await call('POST', '/v1/verify', { token: token() }, null)).toMatchObject({
        status: 200,
        body: { valid: true, sub: 'alice' },
      });
      expect(await call('POST', '/v1/verify', { token: jwt(claims(), stranger) }, null)).toMatchObject({
        status: 401,
        body: { valid: false, code: 'system:error:invalid-token' },
      });
    });

    it('refuses alg none, HS256 keyed with the public key, a foreign signature, an unknown application and a non-JWT', () => {
      const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims())}.`;
      const hsInput = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims())}`;
      const confused = `${hsInput}.${createHmac('sha256', pair.publicKey).update(hsInput).digest('base64url')}`;
      for (const forged of [
        unsigned,
        confused,
        jwt(claims(), stranger),
        jwt(claims({ application_id: 'f'.repeat(36) }), key),
        'a.b',
        'x.y.z',
      ]) {
        expect(emulator.verify(forged)).toMatchObject({ valid: false, code: 'system:error:invalid-token' });
      }
      expect(emulator.verify('')).toMatchObject({ valid: false, code: 'system:error:missing-token' });
    });

    it('needs a jti, and iat or exp; iat must be a number and not in the future', () => {
      expect(emulator.verify(jwt(without('jti'), key))).toMatchObject({ valid: false, detail: 'jti is required' });
      const neither = Object.fromEntries(Object.entries(claims()).filter(([claim]) => claim !== 'iat' && claim !== 'exp'));
      expect(emulator.verify(jwt(neither, key))).toMatchObject({ valid: false, detail: 'iat or exp is required' });
      expect(emulator.verify(jwt(without('iat'), key))).toMatchObject({ valid: true });
      expect(emulator.verify(jwt(claims({ iat: String(iat()) }), key))).toMatchObject({ valid: false, detail: 'iat must be a number' });
      expect(emulator.verify(jwt(claims({ iat: iat() + 61 }), key))).toMatchObject({ valid: false, detail: 'iat is in the future' });
      expect(emulator.verify(jwt(claims({ iat: iat() + 60 }), key))).toMatchObject({ valid: true });
    });

    it('refuses an expired or fractional exp, and anything 24 h after iat whatever exp says', () => {
      expect(emulator.verify(jwt(claims({ exp: iat() }), key))).toMatchObject({ valid: false, code: 'system:error:expired-token' });
      expect(emulator.verify(jwt(claims({ exp: iat() + 0.5 }), key))).toMatchObject({ valid: false, detail: 'exp must be an integer' });
      const twoDays = jwt(claims({ exp: iat() + 172_800 }), key);
      now = new Date(START.getTime() + 86_400_000);
      expect(emulator.verify(twoDays)).toMatchObject({ valid: true });
      now = new Date(START.getTime() + 86_401_000);
      expect(emulator.verify(twoDays)).toMatchObject({ valid: false, code: 'system:error:expired-token' });
    });

    it('gives a token without exp 15 minutes from iat', () => {
      const open = jwt(without('exp'), key);
      now = new Date(START.getTime() + 900_000);
      expect(emulator.verify(open)).toMatchObject({ valid: true });
      now = new Date(START.getTime() + 901_000);
      expect(emulator.verify(open)).toMatchObject({ valid: false, code: 'system:error:expired-token' });
    });

    it('accepts a ttl claim and a numeric string exp unless its strict modes are on', () => {
      const withTtl = jwt(claims({ ttl: 600 }), key);
      const stringExp = jwt(claims({ exp: String(iat() + 600) }), key);
      expect(emulator.verify(withTtl)).toMatchObject({ valid: true });
      expect(emulator.verify(stringExp)).toMatchObject({ valid: true });
      emulator.checks.rejectTtlClaim = true;
      emulator.checks.rejectStringExp = true;
      expect(emulator.verify(withTtl)).toMatchObject({ valid: false, detail: 'Unknown claim ttl' });
      expect(emulator.verify(stringExp)).toMatchObject({ valid: false, detail: 'exp must be an integer' });
    });
  });

  describe('serves the Users API (§9.3, §9.4)', () => {
    it('wants an admin JWT of a known application, and answers RFC 7807 problems', async () => {
      for (const bearer of [null, jwt(claims(), stranger)]) {
        const refused = await call('GET', '/v1/users', undefined, bearer);
        expect(refused).toMatchObject({ status: 401, type: 'application/problem+json' });
        expect(refused.body).toMatchObject({
          type: 'https://developer.vonage.com/api-errors#unauthorized',
          title: 'Unauthorized',
          detail: 'You did not provide correct credentials.',
        });
      }
    });

    it('creates users with unique names (201, USR- id, regional link), refusing a taken name with the switchable status', async () => {
      const created = await call('POST', '/v1/users', { name: 'alice', display_name: 'Alice' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^USR-[0-9a-f-]{36}$/),
        name: 'alice',
        display_name: 'Alice',
        properties: { custom_data: {} },
        _links: { self: { href: `https://api-us-3.vonage.com/v1/users/${created.body.id}` } },
      });
      const taken = await call('POST', '/v1/users', { name: 'alice' });
      expect(taken).toMatchObject({ status: 409, body: { code: 'user:error:duplicate-name', title: 'Conflict' } });
      emulator.checks.duplicateNameStatus = 400;
      expect(await call('POST', '/v1/users', { name: 'alice' })).toMatchObject({
        status: 400,
        body: { code: 'user:error:duplicate-name' },
      });
      expect((await call('POST', '/v1/users', {})).body.name).toMatch(/^NAM-/);
    });

    it('checks channel shapes', async () => {
      const bad = [
        { sip: [{ uri: 'http://pbx.example' }] },
        { websocket: [{ uri: 'https://ws.example', 'content-type': 'audio/l16;rate=16000' }] },
        { websocket: [{ uri: 'wss://ws.example', 'content-type': 'audio/l16;rate=44100' }] },
      ];
      for (const channels of bad) expect((await call('POST', '/v1/users', { name: 'x', channels })).status).toBe(400);
      const good = {
        sip: [{ uri: 'sips:alice@pbx.example' }],
        websocket: [{ uri: 'wss://ws.example', 'content-type': 'audio/l16;rate=8000' }],
      };
      expect(await call('POST', '/v1/users', { name: 'x', channels: good })).toMatchObject({ status: 201, body: { channels: good } });
    });

    it('finds users by exact name, pages with a cursor, reads, deletes, and answers 404 user:error:not-found', async () => {
      for (const name of ['alice', 'alice2', 'bob', 'carol']) await call('POST', '/v1/users', { name });
      const found = await call('GET', '/v1/users?name=alice');
      expect(found.body._embedded.users.map((user: { name: string }) => user.name)).toEqual(['alice']);
      expect((await call('GET', '/v1/users?page_size=0')).status).toBe(400);
      expect((await call('GET', '/v1/users?page_size=101')).status).toBe(400);
      const first = await call('GET', '/v1/users?page_size=3');
      expect(first.body._embedded.users).toHaveLength(3);
      const next = new URL(first.body._links.next.href);
      const second = await call('GET', `/v1/users?${next.searchParams.toString()}`);
      expect(second.body._embedded.users.map((user: { name: string }) => user.name)).toEqual(['carol']);
      expect(second.body._links.next).toBeUndefined();
      const newest = await call('GET', '/v1/users?page_size=1&order=desc');
      expect(newest.body._embedded.users.map((user: { name: string }) => user.name)).toEqual(['carol']);

      const id = found.body._embedded.users[0].id as string;
      expect(await call('GET', `/v1/users/${id}`)).toMatchObject({ status: 200, body: { id, name: 'alice' } });
      expect((await call('DELETE', `/v1/users/${id}`)).status).toBe(204);
      expect(await call('DELETE', `/v1/users/${id}`)).toMatchObject({
        status: 404,
        body: {
          code: 'user:error:not-found',
          title: 'Not found.',
          type: 'https://developer.vonage.com/api/conversation#user:error:not-found',
        },
      });
    });

    it('answers 429 Rate Limit Hit while switched on', async () => {
      emulator.checks.rateLimited = true;
      expect(await call('POST', '/v1/users', { name: 'alice' })).toMatchObject({
        status: 429,
        body: { title: 'Rate Limit Hit', type: 'https://developer.vonage.com/api-errors#rate-limit' },
      });
    });
  });

  describe('opens Client SDK sessions (§9.2, §9.5)', () => {
    beforeEach(() => void emulator.addUser(APP, 'alice'));

    it('opens a session for an existing user whose ACL allows sessions, and refuses other users and expired tokens', async () => {
      const opened = await call('POST', '/v1/sessions', { token: token() }, null);
      expect(opened).toMatchObject({ status: 201, body: { session_id: expect.any(String), user: { name: 'alice' } } });
      expect(await call('POST', '/v1/sessions', { token: token(600, 'mallory') }, null)).toMatchObject({
        status: 404,
        body: { code: 'user:error:not-found' },
      });
      const expiring = token(60);
      now = new Date(START.getTime() + 60_000);
      expect(await call('POST', '/v1/sessions', { token: expiring }, null)).toMatchObject({
        status: 401,
        body: { code: 'system:error:expired-token' },
      });
    });

    it('wants the sessions path in the ACL, unless switched off', async () => {
      const narrow = jwt(claims({ acl: { paths: { '/*/users/**': {} } } }), key);
      expect(await call('POST', '/v1/sessions', { token: narrow }, null)).toMatchObject({ status: 403 });
      emulator.checks.sessionsNeedAcl = false;
      expect((await call('POST', '/v1/sessions', { token: narrow }, null)).status).toBe(201);
    });

    it('resumes a session for 15 minutes, refreshes it with a new token of the same user only', async () => {
      const sessionId = (await call('POST', '/v1/sessions', { token: token() }, null)).body.session_id as string;
      now = new Date(START.getTime() + 899_000);
      expect(await call('POST', '/v1/sessions', { token: token(), session_id: sessionId }, null)).toMatchObject({
        status: 200,
        body: { session_id: sessionId },
      });
      emulator.addUser(APP, 'bob');
      expect((await call('PUT', `/v1/sessions/${sessionId}`, { token: token(600, 'bob') }, null)).status).toBe(403);
      expect((await call('PUT', `/v1/sessions/${sessionId}`, { token: token() }, null)).status).toBe(200);
      now = new Date(now.getTime() + 901_000);
      expect(await call('POST', '/v1/sessions', { token: token(), session_id: sessionId }, null)).toMatchObject({
        status: 404,
        body: { code: 'session:error:not-found' },
      });
    });

    it('caps open sessions per user, and refuses sessions once the user is deleted', async () => {
      emulator.maxOpenSessionsPerUser = 2;
      for (let i = 0; i < 2; i += 1) expect((await call('POST', '/v1/sessions', { token: token() }, null)).status).toBe(201);
      expect(await call('POST', '/v1/sessions', { token: token() }, null)).toMatchObject({
        status: 403,
        body: { code: 'session:error:max-open-sessions' },
      });
      const alice = emulator.userNamed(APP, 'alice')!;
      expect((await call('DELETE', `/v1/users/${alice.id}`)).status).toBe(204);
      emulator.maxOpenSessionsPerUser = 10;
      expect(await call('POST', '/v1/sessions', { token: token() }, null)).toMatchObject({
        status: 404,
        body: { code: 'user:error:not-found' },
      });
    });
  });
});
