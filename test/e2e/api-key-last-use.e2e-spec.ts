import { hashApiKey } from '../../src/crypto/api-key-codec';
import { createTenant } from '../factories/tenant.factory';
import { bearer, createTestApp, TestApp } from '../helpers/test-app';

/** API keys whose last use cannot be written: the request goes on, and the failure is told. */
describe('an API key whose last use cannot be recorded', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('still authenticates, and logs a warning naming the key instead of failing the request', async () => {
    const tenant = await createTenant(t);
    const key = await t.prisma.apiKey.findUniqueOrThrow({ where: { secretHash: hashApiKey(tenant.key) } });
    expect(key.lastUsedAt).toBeNull();
    await t.database.query('ALTER TABLE api_keys ADD CONSTRAINT no_last_use CHECK (last_used_at IS NULL) NOT VALID');
    try {
      const logsBefore = t.logs.length;
      await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
      // The write is off the request path: wait for its warning, a turn of the event loop at a time.
      const warned = () => t.logs.slice(logsBefore).filter((line) => line.includes(`Could not record last use of key ${key.id}`));
      for (let attempt = 0; warned().length === 0 && attempt < 2_000; attempt += 1) await new Promise((resolve) => setImmediate(resolve));
      expect(warned()).toHaveLength(1);
      expect(JSON.parse(warned()[0])).toMatchObject({ level: 40 });
      // Within the minute the key is not written again, so not warned about again either.
      await t.http.get('/v1/endpoints').set(bearer(tenant.key)).expect(200);
      for (let attempt = 0; attempt < 50; attempt += 1) await new Promise((resolve) => setImmediate(resolve));
      expect(warned()).toHaveLength(1);
    } finally {
      await t.database.query('ALTER TABLE api_keys DROP CONSTRAINT no_last_use');
    }
    expect((await t.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt).toBeNull();
  });
});
