import { providerKits } from '../../src/providers/provider-kits';
import { openRowSecret } from '../../src/crypto/row-secrets';
import { openSinkSecrets } from '../../src/audit-streaming/sink-secrets';
import { SecretBox } from '../../src/crypto/secret-box';
import { ProviderAccountsService } from '../../src/provider-accounts/provider-accounts.service';
import { startEmulators } from '../../src/sandbox/emulators';
import { PROVIDER_NAMES } from '../factories/credentials.factory';
import { createEndpoint, createProviderAccount, createTenant } from '../factories/tenant.factory';
import { FakeClock } from '../helpers/fake-clock';
import { bearer, createTestApp, TestApp, testEncryptionKey } from '../helpers/test-app';
import { createTestDatabase, TestDatabase } from '../helpers/test-database';

const ISSUER_SECRET = 'an-identity-provider-shared-secret-of-32+';

/** Runs `work` against an app that is closed afterwards, whatever happens. */
async function closing<T>(app: TestApp, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await app.close();
  }
}

describe('encryption key rotation', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database?.drop());

  it('re-wraps every secret onto a new primary key while serving, after which the old key can go', async () => {
    const oldKey = testEncryptionKey('k-old');
    const newKey = testEncryptionKey('k-new');
    const before = await createTestApp({ database, env: { ENCRYPTION_KEYS: oldKey } });
    const { tenant, accounts } = await closing(before, async () => {
      const created = await createTenant(before);
      await before.http
        .put('/v1/end-user-auth')
        .set(bearer(created.key))
        .send({ issuers: [{ issuer: 'https://idp.example', audience: 'callpass', secret: ISSUER_SECRET }], sessions: false })
        .expect(200);
      // Its receiver is not up: the sink is stored all the same, and its signing secret with it.
      await before.http
        .post('/v1/audit-sinks')
        .set(bearer(created.key))
        .send({ name: 'siem', kind: 'webhook', url: 'http://127.0.0.1:9/events' })
        .expect(201);
      return {
        tenant: created,
        accounts: await Promise.all(PROVIDER_NAMES.map((provider) => createProviderAccount(before, created, provider))),
      };
    });

    // Step 1: the new key is added and made primary; the old one stays for decryption.
    const during = await createTestApp({ database, env: { ENCRYPTION_KEYS: `${newKey},${oldKey}`, BOOTSTRAP_ADMIN_KEY: before.adminKey } });
    await closing(during, async () => {
      const usage = await during.http.get('/v1/admin/encryption-keys').set(bearer(before.adminKey)).expect(200);
      expect(usage.body).toEqual({
        primaryKeyId: 'k-new',
        providerAccounts: { 'k-old': PROVIDER_NAMES.length },
        providerSessions: {},
        endUserIssuers: { 'k-old': 1 },
        auditSinks: { 'k-old': 1 },
      });
      // A change made meanwhile is written under the new key straight away.
      await during.http.patch(`/v1/provider-accounts/${accounts[0].id}`).set(bearer(tenant.key)).send({ name: 'renamed' }).expect(200);
      const report = await during.http.post('/v1/admin/encryption-keys/rewrap').set(bearer(before.adminKey)).expect(200);
      expect(report.body).toEqual({ primaryKeyId: 'k-new', rewrapped: PROVIDER_NAMES.length + 2, failed: 0, remaining: 0 });
      const audited = await during.http
        .get('/v1/admin/audit-events')
        .query({ action: 'encryption.rewrapped' })
        .set(bearer(before.adminKey));
      expect(audited.body.data[0]).toMatchObject({
        actor: { kind: 'admin' },
        details: { rewrapped: PROVIDER_NAMES.length + 2, remaining: 0 },
      });
    });

    // Step 2: the old key is removed; every secret still decrypts.
    const after = await createTestApp({ database, env: { ENCRYPTION_KEYS: newKey } });
    await closing(after, async () => {
      const service = after.app.get(ProviderAccountsService);
      for (const account of accounts) {
        const row = await after.prisma.providerAccount.findUniqueOrThrow({ where: { id: account.id } });
        expect(row.secretKeyId).toBe('k-new');
        expect(service.secretsOf(row)).toEqual(account.secrets);
      }
      const issuer = await after.prisma.endUserIssuer.findFirstOrThrow({ where: { tenantId: tenant.id } });
      expect(issuer.secretKeyId).toBe('k-new');
      expect(openRowSecret(after.app.get(SecretBox), 'end_user_issuer', tenant.id, issuer.id, issuer.secretCiphertext!)).toBe(
        ISSUER_SECRET,
      );
      const sink = await after.prisma.auditSink.findFirstOrThrow({ where: { tenantId: tenant.id } });
      expect(sink.secretKeyId).toBe('k-new');
      expect(openSinkSecrets(after.app.get(SecretBox), sink).current).toMatch(/^whsec_/);
    });
  });

  it('re-wraps kept refresh tokens too: a refresh works after the old key is gone', async () => {
    const clock = new FakeClock();
    const emulators = await startEmulators({ now: () => clock.now() });
    try {
      const oldKey = testEncryptionKey('k-old');
      const newKey = testEncryptionKey('k-new');
      const signalwire = providerKits.signalwire.emulatedAccount(emulators.signalwire);
      const before = await createTestApp({ database, clock, env: { ENCRYPTION_KEYS: oldKey } });
      const { tenant, tokenId } = await closing(before, async () => {
        const created = await createTenant(before);
        const account = await before.http
          .post('/v1/provider-accounts')
          .set(bearer(created.key))
          .send({ provider: 'signalwire', baseUrl: signalwire.baseUrl, config: signalwire.config, secrets: signalwire.secrets, name: 'sw' })
          .expect(201);
        const endpoint = await createEndpoint(before, created, account.body.id, { identity: 'rotating@example.com' });
        const token = await before.http.post('/v1/tokens').set(bearer(created.key)).send({ endpointId: endpoint.id }).expect(201);
        return { tenant: created, tokenId: token.body.id as string };
      });

      const during = await createTestApp({
        database,
        clock,
        env: { ENCRYPTION_KEYS: `${newKey},${oldKey}`, BOOTSTRAP_ADMIN_KEY: before.adminKey },
      });
      await closing(during, async () => {
        const usage = await during.http.get('/v1/admin/encryption-keys').set(bearer(before.adminKey)).expect(200);
        expect(usage.body).toEqual({
          primaryKeyId: 'k-new',
          providerAccounts: { 'k-old': 1 },
          providerSessions: { 'k-old': 1 },
          endUserIssuers: {},
          auditSinks: {},
        });
        const report = await during.http.post('/v1/admin/encryption-keys/rewrap').set(bearer(before.adminKey)).expect(200);
        expect(report.body).toEqual({ primaryKeyId: 'k-new', rewrapped: 2, failed: 0, remaining: 0 });
      });

      const after = await createTestApp({ database, clock, env: { ENCRYPTION_KEYS: newKey } });
      await closing(after, async () => {
        const session = await after.prisma.providerSession.findFirstOrThrow({ where: { currentTokenId: tokenId } });
        expect(session.secretKeyId).toBe('k-new');
        await after.http.post(`/v1/tokens/${tokenId}/refresh`).set(bearer(tenant.key)).expect(201);
      });
    } finally {
      await emulators.close();
    }
  });

  it('reports rows it cannot re-wrap instead of stopping, and leaves them untouched', async () => {
    const key = testEncryptionKey('k-1');
    const app = await createTestApp({ database, env: { ENCRYPTION_KEYS: key } });
    const account = await closing(app, async () => createProviderAccount(app, await createTenant(app), 'twilio'));
    await database.query(
      `UPDATE provider_accounts SET secret_ciphertext = 'cpenc1.k-lost.AAAA.AAAA', secret_key_id = 'k-lost' WHERE id = $1`,
      [account.id],
    );

    const rotated = await createTestApp({
      database,
      env: { ENCRYPTION_KEYS: `${testEncryptionKey('k-2')},${key}`, BOOTSTRAP_ADMIN_KEY: app.adminKey },
    });
    await closing(rotated, async () => {
      const report = await rotated.http.post('/v1/admin/encryption-keys/rewrap').set(bearer(app.adminKey)).expect(200);
      expect(report.body).toMatchObject({ primaryKeyId: 'k-2', failed: 1, remaining: 1 });
      const row = await rotated.prisma.providerAccount.findUniqueOrThrow({ where: { id: account.id } });
      expect(row.secretCiphertext).toBe('cpenc1.k-lost.AAAA.AAAA');
    });
  });
});
