import path from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DatabaseConnection, openDatabase, openPostgres } from './database-connection';
import { applyMigrations, MigrationReport } from './migrator';

/**
 * Applies pending migrations as the tables' owner: over MIGRATION_DATABASE_URL when it is given (a connection of its
 * own, closed after), else over the service's own connection.
 */
export async function migrateDatabase(config: AppConfig, serviceConnection: DatabaseConnection): Promise<MigrationReport> {
  const ownerUrl = config.migrationDatabaseUrl;
  if (!ownerUrl || ownerUrl === config.databaseUrl) return applyMigrations(serviceConnection);
  const owner = openPostgres(ownerUrl, 1, config.databaseTimeouts);
  try {
    return await applyMigrations(owner);
  } finally {
    await owner.close();
  }
}

/** Migrations alone, without the service (`callpass migrate`), whatever MIGRATE_ON_BOOT says. */
export async function migrateWithoutService(config: AppConfig): Promise<MigrationReport> {
  const connection = await openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: path.join(config.dataDir, 'pglite'),
    poolSize: 1,
    timeouts: config.databaseTimeouts,
  });
  try {
    return await migrateDatabase(config, connection);
  } finally {
    await connection.close();
  }
}

/**
 * Says so when the service connects as the owner of the token log (or a superuser): such a role could disable the
 * triggers that keep the logs append-only, which the runtime role (docs/database-roles.md) cannot.
 */
export async function warnIfServiceOwnsTheLogs(connection: DatabaseConnection, logger: Logger): Promise<void> {
  if (connection.kind !== 'postgresql') return;
  const rows = await connection
    .query<{ owns: boolean }>(
      `SELECT pg_has_role(current_user, relowner, 'USAGE') AS owns FROM pg_class WHERE oid = to_regclass('token_issuances')`,
      [],
    )
    // A database that is down at boot is reported by the requests that need it; this check just does not happen.
    .catch(() => []);
  if (rows[0]?.owns) {
    logger.warn(
      'The service connects to PostgreSQL as the owner of its tables (or a superuser), so it could disable the triggers ' +
        'that keep the audit logs append-only: run it as a member of callpass_runtime and migrate with ' +
        'MIGRATION_DATABASE_URL (docs/database-roles.md)',
    );
  }
}
