import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Module } from '@nestjs/common';
import { AppModule } from '../app.module';
import { createLogger } from '../common/logging/logger';
import { AppConfig } from '../config/app-config';
import { generateApiKey } from '../crypto/api-key-codec';
import { formatKeyEntry } from '../crypto/keyring';
import { DataDirInUseError, lockDataDir } from '../database/data-dir-lock';
import { DemoModule } from '../demo/demo.module';
import { DemoTenant } from '../demo/demo-tenant';
import { drain } from '../graceful-shutdown';
import { startServer } from '../server';
import { describeStartupError } from '../startup-errors';
import { EmulatedAccount } from '../providers/provider-kit';
import { PROVIDER_KITS } from '../providers/provider-kits';
import { ProviderName } from '../providers/provider-list';
import { Emulators, startEmulators } from './emulators';
import { seedDemoTenant } from './seed';

/**
 * `npm run sandbox`: Callpass on a fresh embedded database, with every provider's emulator on loopback, a demo
 * tenant seeded through the API, and the commands to mint each provider's token printed. Offline, in a minute.
 */
async function main(environment: SandboxEnvironment): Promise<void> {
  const { sandboxDir } = environment;
  const unlock = await ownSandboxDir(sandboxDir);
  const dataDir = path.join(sandboxDir, 'database');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const adminKey = generateApiKey('admin').key;
  // The service takes its settings from the environment (config/, also inside the app): the sandbox's go there.
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    ENCRYPTION_KEYS: formatKeyEntry('sandbox', randomBytes(32)),
    BOOTSTRAP_ADMIN_KEY: adminKey,
    ALLOW_PRIVATE_NETWORK_URLS: 'true',
    LOG_LEVEL: environment.logLevel,
    PORT: environment.port,
    // The demo's sign-in hands out sessions to anyone who asks: this machine only.
    HOST: '127.0.0.1',
  });
  const config = AppConfig.fromEnvironment(process.env);
  const emulators = await startEmulators();
  // The demo page signs users in for the demo tenant, which exists only once the server is up and seeded.
  let demoTenantReady!: (tenant: DemoTenant) => void;
  const demoTenant = new Promise<DemoTenant>((resolve) => (demoTenantReady = resolve));
  @Module({})
  class SandboxModule {}
  const app = await startServer(config, createLogger(config.logLevel), {
    module: SandboxModule,
    imports: [AppModule, DemoModule.forSandbox(demoTenant)],
  });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  const accounts = Object.fromEntries(PROVIDER_KITS.map((kit) => [kit.name, kit.emulatedAccount(emulators[kit.name])])) as Record<
    ProviderName,
    EmulatedAccount
  >;
  const demo = await seedDemoTenant(url, adminKey, accounts);
  demoTenantReady({ baseUrl: url, slug: demo.tenantSlug, tenantKey: demo.tenantKey });
  console.log(sandboxGuide(url, adminKey, demo, emulators));

  const stop = async () => {
    await drain(app);
    await emulators.close();
    await unlock();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** What the sandbox itself takes from the environment; the rest is the service's own settings (config/). */
interface SandboxEnvironment {
  /** SANDBOX_DATA_DIR, by default ./data/sandbox: its database (recreated on each start) and its lock. */
  sandboxDir: string;
  /** PORT, by default 3000. */
  port: string;
  /** LOG_LEVEL, by default warn: the guide printed at start is what matters here. */
  logLevel: string;
}

function sandboxEnvironment(env: Readonly<Record<string, string | undefined>>): SandboxEnvironment {
  return {
    sandboxDir: path.resolve(env.SANDBOX_DATA_DIR ?? './data/sandbox'),
    port: env.PORT ?? '3000',
    logLevel: env.LOG_LEVEL ?? 'warn',
  };
}

/**
 * Makes this sandbox the one owner of its folder before anything in it is wiped: a second `npm run sandbox` would
 * delete the running one's database. The database inside is locked again by the server, as `npm start` locks its own.
 */
async function ownSandboxDir(dir: string): Promise<() => Promise<void>> {
  fs.mkdirSync(dir, { recursive: true });
  try {
    return await lockDataDir(dir, (error) => {
      console.error(`Lost the lock on ${dir} (${error.message}); stopping.`);
      process.exit(1);
    });
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    throw new DataDirInUseError(
      `A sandbox in ${dir} is running already (${error.owner}): use that one, stop it, or set SANDBOX_DATA_DIR and PORT to run another.`,
      error.owner,
    );
  }
}

function sandboxGuide(url: string, adminKey: string, demo: Awaited<ReturnType<typeof seedDemoTenant>>, emulators: Emulators): string {
  const mint = (body: object) =>
    `curl -s -X POST ${url}/v1/tokens -H "authorization: Bearer ${demo.tenantKey}" -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
  const providers = PROVIDER_KITS.flatMap((kit) => [
    ...kit.sandboxGuide({
      mint,
      url,
      emulatorUrl: emulators[kit.name].url,
      accountId: demo.accounts[kit.name],
      endpointId: demo.endpoints[kit.name],
      allowedOrigin: demo.allowedOrigin,
    }),
    '',
  ]);
  return [
    '',
    `Callpass sandbox at ${url} (API docs: ${url}/docs). Provider emulators run on loopback; nothing leaves this machine.`,
    '',
    `  Demo page:  ${url}/demo   (sign in as any user, get each provider's token in the browser, watch it refresh)`,
    '',
    `  admin key:  ${adminKey}`,
    `  tenant key: ${demo.tenantKey}   (tenant "${demo.tenantSlug}")`,
    '',
    ...providers,
    '# Every token issued or refused:',
    `curl -s "${url}/v1/token-issuances?limit=20" -H "authorization: Bearer ${demo.tenantKey}"`,
    '',
    'Ctrl-C stops the sandbox; its database is recreated on each start.',
  ].join('\n');
}

// The entry point: the environment is read here, once.
const environment = sandboxEnvironment(process.env);
main(environment).catch((error: unknown) => {
  console.error(describeStartupError(error, { host: '127.0.0.1', port: Number(environment.port) }) ?? error);
  process.exit(1);
});
