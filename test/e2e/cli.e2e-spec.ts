import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { providerKits } from '../../src/providers/provider-kits';
import { generateApiKey } from '../../src/crypto/api-key-codec';
import { decodeJwt } from '../../src/providers/jwt';
import { startEmulators, Emulators } from '../../src/sandbox/emulators';
import { callJson, ServerProcess, startServer } from '../helpers/server-process';

/** Runs the `callpass` command (its TypeScript source, as the built bin runs it) and returns what it printed. */
function callpass(args: string[], env: Record<string, string>, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['-r', '@swc-node/register', 'src/cli/callpass.ts', ...args],
      { env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin ?? '');
  });
}

/** Each CLI run compiles and boots in its own process: seconds each on a loaded 2-core machine. */
const CLI_TEST_MS = 120_000;
/** A build from scratch takes a minute or two on a loaded 2-core machine. */
const BUILD_MS = 300_000;

describe('callpass CLI', () => {
  const serverDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-cli-server-'));
  const base = { ALLOW_PRIVATE_NETWORK_URLS: 'true' };
  const adminKey = generateApiKey('admin').key;
  let server: ServerProcess | undefined;
  let emulators: Emulators;
  let env: Record<string, string> = {};

  beforeAll(async () => {
    emulators = await startEmulators();
    server = await startServer({ ...base, DATA_DIR: serverDir, BOOTSTRAP_ADMIN_KEY: adminKey });
    env = { ...base, DATA_DIR: serverDir, CALLPASS_URL: server.url, CALLPASS_ADMIN_KEY: adminKey };
  }, CLI_TEST_MS);
  afterAll(async () => {
    await server?.stop();
    await emulators?.close();
    fs.rmSync(serverDir, { recursive: true, force: true });
  });

  /** A tenant of the test's own with a tenant key, made through the API: the CLI environment that acts as it. */
  async function tenantEnv(slug: string): Promise<Record<string, string>> {
    const tenant = await callJson(env.CALLPASS_URL, 'POST', '/v1/admin/tenants', adminKey, { slug, name: slug });
    const key = await callJson(env.CALLPASS_URL, 'POST', `/v1/admin/tenants/${tenant.body.id}/api-keys`, adminKey, { name: 'cli' });
    return { ...env, CALLPASS_TENANT_KEY: key.body.key };
  }

  it(
    'init sets up a fresh install and prints an admin key once; run again, it makes none',
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-cli-init-'));
      try {
        const first = await callpass(['--json', 'init'], { ...base, DATA_DIR: dataDir });
        expect(first.code).toBe(0);
        const report = JSON.parse(first.stdout) as { adminKey: string; encryptionKeys: string };
        expect(report.adminKey).toMatch(/^cp_admin_[0-9A-Za-z]{49}$/);
        expect(report.encryptionKeys).toContain('(created now)');
        expect(fs.existsSync(path.join(dataDir, 'encryption-keys'))).toBe(true);

        const again = await callpass(['init'], { ...base, DATA_DIR: dataDir });
        expect(again.code).toBe(0);
        expect(again.stdout).toMatch(/adminKey\s+-/);
        expect(again.stdout).not.toContain('cp_admin_');
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
    CLI_TEST_MS,
  );

  it(
    'creates and lists tenants, issues a tenant key, and refuses with exit code 1 what the API refuses',
    async () => {
      const created = await callpass(['--json', 'tenants', 'create', '--slug', 'acme', '--name', 'Acme Corp', '--max-ttl', '3600'], env);
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({ slug: 'acme', settings: { tokenTtl: { maxSeconds: 3600 } } });

      const list = await callpass(['tenants', 'list'], env);
      expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+SLUG\s+NAME\s+STATUS\s+CREATEDAT$/);
      expect(list.stdout).toMatch(/acme\s+Acme Corp\s+active/);

      const duplicate = await callpass(['tenants', 'create', '--slug', 'acme', '--name', 'Again'], env);
      expect(duplicate).toMatchObject({
        code: 1,
        stderr: 'callpass: tenant_slug_taken: Another tenant already uses this slug {"slug":"acme"}\n',
      });

      const key = await callpass(['--json', 'tenant-key', 'create', 'acme', '--name', 'backend'], env);
      expect((JSON.parse(key.stdout) as { key: string }).key).toMatch(/^cp_tenant_/);
    },
    CLI_TEST_MS,
  );

  it(
    'stores an account with secrets read from stdin, never from the command line, and mints a token it prints decoded',
    async () => {
      const tenant = await tenantEnv('globex');
      const twilio = providerKits.twilio.emulatedAccount(emulators.twilio);
      const config = Object.entries(twilio.config).flatMap(([field, value]) => ['--config', `${field}=${String(value)}`]);
      const account = await callpass(
        ['--json', 'accounts', 'create', '--provider', 'twilio', '--name', 'main', '--base-url', twilio.baseUrl, ...config],
        tenant,
        JSON.stringify(twilio.secrets),
      );
      expect(account.code).toBe(0);
      const stored = JSON.parse(account.stdout) as { id: string; secrets: Record<string, string> };
      expect(stored.secrets.apiKeySecret).toBe(`****${twilio.secrets.apiKeySecret.slice(-4)}`);
      expect(account.stdout + account.stderr).not.toContain(twilio.secrets.apiKeySecret);

      const endpoint = await callpass(['--json', 'endpoints', 'create', '--account', stored.id, '--user', 'alice_42'], tenant);
      const endpointId = (JSON.parse(endpoint.stdout) as { id: string }).id;
      const token = await callpass(['token', '--endpoint', endpointId, '--ttl', '600'], tenant);
      expect(token.code).toBe(0);
      expect(token.stdout).toMatch(/^provider\s+twilio$/m);
      const claims = token.stdout.match(/^claims\s+(.*)$/m)![1];
      expect(JSON.parse(claims)).toMatchObject({ grants: { identity: 'alice_42' } });
      const jwt = token.stdout.match(/^token\s+(\S+)$/m)![1];
      expect(decodeJwt(jwt)?.payload.exp).toBe((decodeJwt(jwt)?.payload.iat as number) + 600);
    },
    CLI_TEST_MS,
  );

  it(
    'suspends a tenant by slug; its key is refused next',
    async () => {
      const tenant = await tenantEnv('initech');
      expect((await callpass(['tenants', 'suspend', 'initech'], env)).code).toBe(0);
      const refused = await callpass(['token', '--endpoint', '00000000-0000-7000-8000-000000000000'], tenant);
      expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('tenant_suspended') });
    },
    CLI_TEST_MS,
  );

  it(
    'exits 2 on wrong usage or a missing key, and generates keys without storing them',
    async () => {
      expect((await callpass(['tenants', 'create', '--slug', 'x'], env)).code).toBe(2);
      expect((await callpass(['tenants', 'list'], base)).stderr).toBe('callpass: Set CALLPASS_ADMIN_KEY to a cp_admin_… key first.\n');
      const encryption = await callpass(['--json', 'keys', 'generate', 'encryption'], base);
      expect((JSON.parse(encryption.stdout) as { key: string }).key).toMatch(/^k\d{8}[0-9a-f]{4}:[A-Za-z0-9+/]{43}=$/);
      expect((await callpass(['keys', 'generate', 'nonsense'], base)).code).toBe(2);
    },
    CLI_TEST_MS,
  );

  it(
    'prints a bare key with --quiet, as docker-compose.yml and a .env file take it',
    async () => {
      expect((await callpass(['keys', 'generate', 'encryption', '--quiet'], base)).stdout).toMatch(
        /^k\d{8}[0-9a-f]{4}:[A-Za-z0-9+/]{43}=\n$/,
      );
      expect((await callpass(['keys', 'generate', 'admin', '-q'], base)).stdout).toMatch(/^cp_admin_[0-9A-Za-z]{49}\n$/);
    },
    CLI_TEST_MS,
  );

  it(
    "runs as the package's bin (`npx callpass`) from a source file, building first where the build is missing or stale",
    async () => {
      const { bin } = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { bin: { callpass: string } };
      expect(bin.callpass).not.toMatch(/^dist\//);
      const env = { PATH: process.env.PATH, ...base };
      const run = await promisify(execFile)(process.execPath, [bin.callpass, 'keys', 'generate', 'admin', '--quiet'], { env });
      expect(run.stdout).toMatch(/^cp_admin_[0-9A-Za-z]{49}\n$/);
      // A build says that it builds, in one line: the progress of Prisma and of the type checker is not shown.
      expect(run.stderr).toMatch(/^((No build yet|Sources changed since the last build): building Callpass \(a minute or two\)…\n)?$/);
    },
    BUILD_MS,
  );
});
