import { Writable } from 'node:stream';
import { createLogger } from '../../src/common/logging/logger';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/**
 * The log's second fence: fields that may hold a secret are censored wherever a log call puts them, whatever the
 * code meant to log. Nothing logs them on purpose, so the app's own logger (the one its requests log through) is
 * handed an object carrying each of them.
 */
describe("the service log's censored fields", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const SECRET = 'canary-0f3a9c';
  const nestedFields = ['secrets', 'apiKeySecret', 'authToken', 'apiToken', 'clientSecret', 'password', 'token', 'refreshToken', 'key'];

  it('censors every secret-bearing field, at the top and one level down, and leaves the rest as it is', async () => {
    // A request first: the logger below is the one that request lines go through.
    await t.http.get('/v1/endpoints').set(bearer(t.adminKey));
    const logger = t.app.getHttpAdapter().getInstance().log;
    const before = t.logs.length;
    logger.info(
      {
        authorization: `Bearer ${SECRET}`,
        headers: { authorization: `Bearer ${SECRET}`, accept: 'application/json' },
        secrets: { authToken: SECRET },
        token: SECRET,
        refreshToken: SECRET,
        key: SECRET,
        password: SECRET,
        nested: Object.fromEntries([...nestedFields.map((field) => [field, SECRET]), ['kept', 'visible']]),
        kept: 'visible',
      },
      'censorship probe',
    );
    const lines = t.logs.slice(before).filter((line) => line.includes('censorship probe'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    const logged = JSON.parse(lines[0]) as Record<string, unknown>;
    const censored = '[redacted]';
    expect(logged).toMatchObject({
      authorization: censored,
      headers: { authorization: censored, accept: 'application/json' },
      secrets: censored,
      token: censored,
      refreshToken: censored,
      key: censored,
      password: censored,
      nested: Object.fromEntries([...nestedFields.map((field) => [field, censored]), ['kept', 'visible']]),
      kept: 'visible',
    });
  });

  it("censors a request's authorization and cookie headers where a logger of the service is given the raw request", () => {
    // Fastify's own request lines keep no headers at all; a bare logger made as main.ts makes it still censors them.
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    logger.info({ req: { headers: { authorization: `Bearer ${SECRET}`, cookie: `session=${SECRET}`, 'user-agent': 'probe' } } }, 'raw');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      req: { headers: { authorization: '[redacted]', cookie: '[redacted]', 'user-agent': 'probe' } },
    });
  });
});
