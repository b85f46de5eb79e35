import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { uuidv7 } from '../common/ids';
import { DatabaseConnection, SqlSession } from './database-connection';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../prisma/migrations');

/** The advisory lock key `prisma migrate deploy` takes, so our runner and Prisma's never run at once. */
export const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
  checksumMismatches: string[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * Applies `prisma/migrations/<name>/migration.sql` files in order with the bookkeeping `prisma migrate deploy`
 * keeps (same table, same checksums, same lock), so Prisma's own CLI later sees the database as up to date.
 * Safe when several replicas boot at once: the advisory lock serialises them and the loser finds nothing to do.
 */
export async function applyMigrations(db: DatabaseConnection, dir = MIGRATIONS_DIR): Promise<MigrationReport> {
  const session = await db.openSession();
  try {
    await session.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    try {
      return await applyPending(session, dir);
    } catch (error) {
      throw isPermissionDenied(error) ? notTheOwner(error) : error;
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]);
    }
  } finally {
    await session.release();
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';

function isPermissionDenied(error: unknown): boolean {
  const cause = (error instanceof MigrationError ? error.cause : error) as { code?: unknown; message?: unknown } | undefined;
  // The audit triggers refuse with the same code; only a missing grant or ownership means the wrong role.
  return cause?.code === INSUFFICIENT_PRIVILEGE && /permission denied|must be owner/.test(String(cause.message));
}

function notTheOwner(error: unknown): MigrationError {
  return new MigrationError(
    'Migrations need the owner of the tables, and this connection is not: the service runs as a role that cannot ' +
      "change them. Set MIGRATION_DATABASE_URL to the owner's URL (the service keeps DATABASE_URL), or set " +
      `MIGRATE_ON_BOOT=false and run \`npx callpass migrate\` with it (${(error as Error).message})`,
  );
}

async function applyPending(session: SqlSession, dir: string): Promise<MigrationReport> {
  await session.exec(CREATE_MIGRATIONS_TABLE);
  const rows = await session.query<AppliedRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
  );
  const failed = rows.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} failed earlier; fix the database, then mark it resolved (prisma migrate resolve)`,
    );
  }
  const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
  const report: MigrationReport = { applied: [], alreadyApplied: 0, checksumMismatches: [] };

  for (const migration of readMigrations(dir)) {
    const recorded = applied.get(migration.name);
    if (recorded !== undefined) {
      report.alreadyApplied += 1;
      if (recorded !== migration.checksum) report.checksumMismatches.push(migration.name);
      continue;
    }
    await applyOne(session, migration);
    report.applied.push(migration.name);
  }
  return report;
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

function readMigrations(dir: string): Migration[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, 'migration.sql')))
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

async function applyOne(session: SqlSession, migration: Migration): Promise<void> {
  const id = uuidv7();
  await session.exec('BEGIN');
  try {
    await session.exec(migration.sql);
    await session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [id, migration.checksum, migration.name],
    );
    await session.exec('COMMIT');
  } catch (error) {
    await session.exec('ROLLBACK');
    // Recorded as failed, as Prisma does, so no later boot silently runs past it.
    await session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, applied_steps_count)
       VALUES ($1, $2, $3, $4, now(), 0)`,
      [id, migration.checksum, migration.name, String((error as Error).message)],
    );
    throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
  }
}
