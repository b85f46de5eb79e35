import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateApiKey } from '../../src/crypto/api-key-codec';
import { MIGRATIONS_DIR } from '../../src/database/migrator';
import { validCredentials } from '../factories/credentials.factory';
import { eventually } from '../helpers/eventually';
import { callJson as call, runMainToExit, startServer } from '../helpers/server-process';
import { WebhookReceiver } from '../helpers/webhook-receiver';

/** `npm start` with no DATABASE_URL: the real main.ts on embedded PGlite in a local data folder. */
describe('embedded database boot (main.ts, PGlite)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-embedded-'));
  const adminKey = generateApiKey('admin').key;
  const env = { DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: adminKey, LOG_LEVEL: 'info' };
  const migrations = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((name) => fs.existsSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'))).length;
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('creates the data folder, migrates, serves ready, and keeps data and secrets across a restart', async () => {
    const twilio = validCredentials.twilio();
    let tenantKey = '';
    let accountId = '';
    const first = await startServer(env);
    try {
      expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);
      expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(true);
      expect(fs.statSync(path.join(dataDir, 'encryption-keys')).mode & 0o777).toBe(0o600);
      expect(first.output.join('\n')).toMatch(/ENCRYPTION_KEYS is not set/);
      expect(first.output.join('\n')).toContain(`Migrations: ${migrations} applied, 0 already applied`);

      const tenant = await call(first.url, 'POST', '/v1/admin/tenants', adminKey, { slug: 'acme', name: 'Acme' });
      expect(tenant.status).toBe(201);
      tenantKey = (await call(first.url, 'POST', `/v1/admin/tenants/${tenant.body.id}/api-keys`, adminKey, { name: 'k' })).body.key;
      const account = await call(first.url, 'POST', '/v1/provider-accounts', tenantKey, { provider: 'twilio', name: 'main', ...twilio });
      expect(account.status).toBe(201);
      accountId = account.body.id;
    } finally {
      // A clean stop: exit code 0, or the SIGTERM re-raised once the app has closed.
      const stopped = await first.stop();
      expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);
    }

    const second = await startServer(env);
    try {
      expect(second.output.join('\n')).toContain(`Migrations: 0 applied, ${migrations} already applied`);
      expect(second.output.join('\n')).not.toMatch(/created now/);
      const tenants = await call(second.url, 'GET', '/v1/admin/tenants', adminKey);
      expect(tenants.body.data.map((row: { slug: string }) => row.slug)).toEqual(['acme']);
      // A partial secret update merges into the stored secrets, which only works if they still decrypt.
      const rotated = await call(second.url, 'PATCH', `/v1/provider-accounts/${accountId}`, tenantKey, {
        secrets: { authToken: 'f'.repeat(32) },
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.secrets).toEqual({ apiKeySecret: `****${twilio.secrets.apiKeySecret.slice(-4)}`, authToken: '****ffff' });
    } finally {
      await second.stop();
    }
  });

  it('lets one process at a time own the data folder; a second refuses with one line, the first keeps serving', async () => {
    const owner = await startServer(env);
    try {
      const second = await runMainToExit(env);
      expect(second.code).toBe(1);
      expect(second.stderr.trim()).toMatch(
        new RegExp(
          `^The embedded database in ${dataDir} is in use by process \\d+ on \\S+ \\(another Callpass\\)\\. Stop it, or give this process its own DATA_DIR\\.$`,
        ),
      );
      const tenant = await call(owner.url, 'POST', '/v1/admin/tenants', adminKey, { slug: 'after-refusal', name: 'Still here' });
      expect(tenant.status).toBe(201);
    } finally {
      await owner.stop();
    }
    expect(fs.existsSync(path.join(dataDir, 'lock'))).toBe(false);
    const next = await startServer(env);
    try {
      const tenants = await call(next.url, 'GET', '/v1/admin/tenants', adminKey);
      expect(tenants.body.data.map((row: { slug: string }) => row.slug)).toContain('after-refusal');
    } finally {
      await next.stop();
    }
  });

  it('takes over the lock of a process that crashed', async () => {
    const crashed = await startServer(env);
    await crashed.kill();
    expect(fs.existsSync(path.join(dataDir, 'lock'))).toBe(true);
    const next = await startServer(env);
    try {
      expect((await fetch(`${next.url}/health/ready`)).status).toBe(200);
    } finally {
      await next.stop();
    }
  });

  it('delivers audit streams from the serving thread (the embedded database has one owner)', async () => {
    const receiver = new WebhookReceiver();
    await receiver.start();
    const server = await startServer({ ...env, ALLOW_PRIVATE_NETWORK_URLS: 'true', AUDIT_STREAM_POLL_MS: '50' });
    try {
      const tenant = await call(server.url, 'POST', '/v1/admin/tenants', adminKey, { slug: 'streamed', name: 'Streamed' });
      const key = (await call(server.url, 'POST', `/v1/admin/tenants/${tenant.body.id}/api-keys`, adminKey, { name: 'k' })).body.key;
      const sink = await call(server.url, 'POST', '/v1/audit-sinks', key, {
        name: 'siem',
        kind: 'webhook',
        url: receiver.url,
        logs: ['audit_events'],
      });
      expect(sink.status).toBe(201);
      const secret = (sink.body as unknown as { secret: string }).secret;
      // The sink's own creation is the first event of what it receives.
      await eventually(() => receiver.store(secret).items.length > 0, 'the sink receives its creation');
      expect(receiver.store(secret).items.map((item) => item.content?.action)).toEqual(['audit_sink.created']);
    } finally {
      await server.stop();
      await receiver.stop();
    }
  });

  it('refuses to boot on a bad variable with one line naming it', async () => {
    const result = await runMainToExit({ ...env, PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid configuration: PORT must be an integer number');
  });

  it('refuses to boot in production without encryption keys', async () => {
    const result = await runMainToExit({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://127.0.0.1:1/none' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Invalid configuration: ENCRYPTION_KEYS is required when NODE_ENV=production (make one with `npx callpass keys generate encryption --quiet`)',
    );
  });
});
