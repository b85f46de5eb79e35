import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { AdminBootstrapService } from '../../api-keys/admin-bootstrap.service';
import { ChainVerifierService } from '../../audit-chain/chain-verifier';
import { isUuid } from '../../common/ids';
import { generateApiKey } from '../../crypto/api-key-codec';
import { formatKeyEntry } from '../../crypto/keyring';
import { KeyRotationService } from '../../key-rotation/key-rotation.service';
import { migrateWithoutService } from '../../database/migrate-database';
import { TenantsRepository } from '../../tenants/tenants.repository';
import { withAppContext } from '../app-context';
import { CliEnvironment } from '../cli-environment';
import { CliError } from '../cli-error';
import { Output, printRecord } from '../output';
import { verifyExportCommand } from './verify-export.command';

/** Commands that work on the database directly, with the server stopped: setup, migrations, keys, the audit chains. */
export function setupCommands(program: Command, output: () => Output, environment: CliEnvironment): void {
  program
    .command('init')
    .description(
      'set up this installation: data folder, local encryption key (without ENCRYPTION_KEYS), migrations, and a first admin key, printed once',
    )
    .option('--new-admin-key', 'make an admin key even if one exists (a lost key cannot be shown again)')
    .option('--name <name>', 'label of the admin key', 'init')
    .action(async (options: { newAdminKey?: boolean; name: string }) => {
      const config = environment.config();
      const dataDir = path.resolve(config.dataDir);
      const keyFile = path.join(dataDir, 'encryption-keys');
      const keyFileExisted = fs.existsSync(keyFile);
      if (!config.databaseUrl && !fs.existsSync(path.join(dataDir, 'pglite'))) {
        console.error(`Creating the embedded database in ${path.join(dataDir, 'pglite')} (first run: a few seconds)…`);
      }
      const created = await withAppContext(environment, async (app) => {
        const admins = app.get(AdminBootstrapService);
        const needed = options.newAdminKey || !(await admins.hasUsableAdminKey());
        return needed ? await admins.createAdminKey(options.name) : undefined;
      });
      printRecord(output(), {
        database: config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded, in ${path.join(config.dataDir, 'pglite')}`,
        encryptionKeys: config.encryptionKeys
          ? 'ENCRYPTION_KEYS'
          : `${keyFile}${keyFileExisted ? '' : ' (created now)'}: fine for a laptop; set ENCRYPTION_KEYS in production`,
        adminKey: created?.key ?? null,
        ...(created ? {} : { note: 'an admin key exists already; `callpass init --new-admin-key` makes another' }),
      });
      if (created && !output().json) console.log('\nThe admin key is shown this once; Callpass keeps only its hash. Next: npm start');
    });

  program
    .command('migrate')
    .description(
      'apply pending database migrations as MIGRATION_DATABASE_URL (or DATABASE_URL); npm start does this at boot unless MIGRATE_ON_BOOT=false',
    )
    .action(async () => {
      const report = await migrateWithoutService(environment.config());
      printRecord(output(), { applied: report.applied, alreadyApplied: report.alreadyApplied });
    });

  const keys = program.command('keys').description('generate keys, re-wrap stored secrets');
  keys
    .command('generate <kind>')
    .description('print a new key without storing it: `admin` (for BOOTSTRAP_ADMIN_KEY) or `encryption` (an ENCRYPTION_KEYS entry)')
    .option('-q, --quiet', 'print the bare key, for `export ENCRYPTION_KEYS=$(…)` or a .env file')
    .action((kind: string, options: { quiet?: boolean }) => {
      if (kind !== 'admin' && kind !== 'encryption') throw new CliError('kind must be `admin` or `encryption`', 2);
      const key = kind === 'admin' ? generateApiKey('admin').key : newEncryptionKeyEntry();
      if (options.quiet) console.log(key);
      else printRecord(output(), { key });
    });
  keys
    .command('rewrap')
    .description(
      'move every stored secret onto the primary encryption key (online with PostgreSQL; the embedded database needs the server stopped, or use POST /v1/admin/encryption-keys/rewrap)',
    )
    .action(async () => {
      const report = await withAppContext(environment, (app) => app.get(KeyRotationService).rewrapAll());
      printRecord(output(), { ...report });
      if (report.failed > 0) process.exitCode = 1;
    });

  const audit = program.command('audit').description('the tamper-evident audit chains, and streams received from them');
  verifyExportCommand(audit, output);
  audit
    .command('verify')
    .description('walk the hash chains of the token log and the audit log; exit 1 at the first broken link, naming it')
    .option('--tenant <id|slug>', "only this tenant's chains")
    .action(async (options: { tenant?: string }) => {
      const verification = await withAppContext(environment, async (app) => {
        const tenantId =
          options.tenant && (isUuid(options.tenant) ? options.tenant : (await app.get(TenantsRepository).findBySlug(options.tenant))?.id);
        if (options.tenant && !tenantId) throw new CliError(`no tenant ${options.tenant}`, 2);
        return app.get(ChainVerifierService).verify(tenantId);
      });
      const { broken, ...summary } = verification;
      printRecord(output(), { ...summary, ...(broken ? { broken } : {}) });
      if (!verification.intact) process.exitCode = 1;
    });
}

/** An ENCRYPTION_KEYS entry under an id that says when it was made. */
function newEncryptionKeyEntry(): string {
  const id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}${randomBytes(2).toString('hex')}`;
  return formatKeyEntry(id, randomBytes(32));
}
