import fs from 'node:fs';
import path from 'node:path';
import { AppConfig } from '../config/app-config';
import { ConfigValidationError } from '../config/environment';
import { openDatabase } from '../database/database-connection';
import { applyMigrations, MigrationError } from '../database/migrator';

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
async function main(): Promise<void> {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const config = AppConfig.fromEnvironment(process.env);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pglite') });
  try {
    const report = await applyMigrations(db);
    console.log(`Applied ${report.applied.length} migration(s); ${report.alreadyApplied} already applied.`);
    for (const name of report.applied) console.log(`  applied ${name}`);
    for (const name of report.checksumMismatches) console.warn(`  warning: ${name} changed after it was applied`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigValidationError || error instanceof MigrationError ? error.message : error);
  process.exit(1);
});
