import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { generateApiKey } from '../../src/crypto/api-key-codec';
import { MIGRATIONS_DIR } from '../../src/database/migrator';
import { describeWith } from '../helpers/requirements';
import { callJson, runMainToExit, startServer } from '../helpers/server-process';
import { asServiceRole, createTestDatabase, TestDatabase } from '../helpers/test-database';
import { testEncryptionKey } from '../helpers/test-app';

/**
 * The service runs as a member of `callpass_runtime`, which the migrations grant to and which owns nothing: it can
 * append to the logs but not change them, and cannot switch their triggers off (every PostgreSQL suite runs the
 * service as such a role; this one shows what the role is refused, and how the two URLs are used at boot).
 */
describeWith(['postgresql'], 'the database roles', () => {
  let database: TestDatabase;
  let service: Client;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-roles-'));

  beforeAll(async () => {
    database = await createTestDatabase('postgresql');
    service = new Client({ connectionString: database.url });
    await service.connect();
  });
  afterAll(async () => {
    await service?.end();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const refused = (sql: string) =>
    service.query(sql).then(
      () => 'allowed',
      (error: Error) => error.message,
    );

  it('the service role may not change either log, even where the triggers would not look', async () => {
    for (const table of ['token_issuances', 'audit_events']) {
      expect(await refused(`UPDATE ${table} SET tenant_id = tenant_id WHERE false`)).toBe(`permission denied for table ${table}`);
      expect(await refused(`DELETE FROM ${table} WHERE false`)).toBe(`permission denied for table ${table}`);
      expect(await refused(`TRUNCATE ${table}`)).toBe(`permission denied for table ${table}`);
      expect(await refused(`ALTER TABLE ${table} DISABLE TRIGGER USER`)).toBe(`must be owner of table ${table}`);
      expect(await refused(`DROP TABLE ${table}`)).toBe(`must be owner of table ${table}`);
    }
    expect(await refused('DELETE FROM chain_heads WHERE false')).toBe('permission denied for table chain_heads');
    expect(await refused('UPDATE chain_starts SET log = log WHERE false')).toBe('permission denied for table chain_starts');
    expect(await refused('ALTER TABLE chain_heads DISABLE TRIGGER USER')).toBe('must be owner of table chain_heads');
    expect(await refused('CREATE TABLE shadow_log (id int)')).toBe('permission denied for schema public');
    expect(await refused('SELECT count(*) FROM _prisma_migrations')).toBe('permission denied for table _prisma_migrations');
    // What it needs, it has: reading and appending (every other suite issues tokens as this role).
    expect(await refused('SELECT count(*) FROM token_issuances')).toBe('allowed');
    expect(await refused('SELECT count(*) FROM tenants')).toBe('allowed');
  });

  describe('at boot', () => {
    let empty: TestDatabase;
    beforeEach(async () => {
      empty = await createTestDatabase('postgresql', { empty: true });
    });
    afterEach(() => empty?.drop());

    const env = (overrides: Record<string, string>) => ({
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      ENCRYPTION_KEYS: testEncryptionKey(),
      MIGRATE_ON_BOOT: 'true',
      LOG_FORMAT: 'json',
      ...overrides,
    });

    it('migrating with the service role alone is refused in one line that names MIGRATION_DATABASE_URL', async () => {
      const result = await runMainToExit(env({ DATABASE_URL: asServiceRole(empty.ownerUrl!) }));
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(/^Migrations need the owner of the tables, .* Set MIGRATION_DATABASE_URL to the owner's URL/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    });

    it('migrates as the owner, then serves as the service role, without the owner warning', async () => {
      const adminKey = generateApiKey('admin').key;
      const server = await startServer(
        env({ DATABASE_URL: asServiceRole(empty.ownerUrl!), MIGRATION_DATABASE_URL: empty.ownerUrl!, BOOTSTRAP_ADMIN_KEY: adminKey }),
      );
      try {
        const tenant = await callJson(server.url, 'POST', '/v1/admin/tenants', adminKey, { slug: 'roles', name: 'Roles' });
        expect(tenant.status).toBe(201);
        const [owner] = await empty.query<{ tableowner: string }>(`SELECT tableowner FROM pg_tables WHERE tablename = 'audit_events'`);
        expect(owner.tableowner).not.toBe('callpass_test_service');
        expect(await empty.query(`SELECT 1 FROM audit_events WHERE action = 'tenant.created'`)).toHaveLength(1);
        expect(server.output.join('\n')).not.toMatch(/as the owner of its tables/);
      } finally {
        await server.stop();
      }
    });

    it('`callpass migrate` (what compose and Kubernetes run first) migrates as the owner whatever MIGRATE_ON_BOOT says', async () => {
      const migrate = async () => {
        const { stdout } = await promisify(execFile)('node', ['dist/cli/callpass.js', '--json', 'migrate'], {
          env: {
            PATH: process.env.PATH,
            ...env({ DATABASE_URL: asServiceRole(empty.ownerUrl!), MIGRATION_DATABASE_URL: empty.ownerUrl!, MIGRATE_ON_BOOT: 'false' }),
          },
        });
        return JSON.parse(stdout) as { applied: string[]; alreadyApplied: number };
      };
      const migrations = fs.readdirSync(MIGRATIONS_DIR).filter((name) => !name.endsWith('.toml'));
      expect((await migrate()).applied).toEqual(migrations);
      expect(await migrate()).toEqual({ applied: [], alreadyApplied: migrations.length });
    });

    it('warns when the service itself connects as the owner', async () => {
      const server = await startServer(env({ DATABASE_URL: empty.ownerUrl! }));
      try {
        expect(await server.printed(/as the owner of its tables/)).toMatch(/MIGRATION_DATABASE_URL/);
      } finally {
        await server.stop();
      }
    });
  });
});
