import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { applyMigrations, MIGRATIONS_DIR, MigrationError } from '../../src/database/migrator';
import { PrismaService } from '../../src/database/prisma.service';
import { availableDatabaseKinds, createTestDatabase, TestDatabase } from '../helpers/test-database';

const POSTGRES_TYPES: Record<string, string[]> = {
  String: ['text', 'uuid'],
  // An array names its element type as the catalogue does: int4 for an Int[] column.
  Int: ['integer', 'int4'],
  BigInt: ['bigint'],
  Boolean: ['boolean'],
  DateTime: ['timestamp with time zone'],
  Json: ['jsonb'],
};

interface RuntimeModel {
  dbName: string;
  fields: { name: string; kind: 'scalar' | 'enum' | 'object'; type: string; dbName?: string }[];
}

it('prisma/migrations matches schema.prisma exactly (Prisma engine diff is empty)', async () => {
  const { stdout } = await promisify(execFile)('node', ['test/tools/migrate-diff.mjs', '--from-migrations']);
  expect(stdout.trim()).toBe('-- This is an empty migration.');
});

describe.each(availableDatabaseKinds())('migrations on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database?.drop());

  it('the migrated database has every model and field the generated client knows, with the right type', async () => {
    const prisma = new PrismaService(database.connect());
    const { models } = (prisma as unknown as { _runtimeDataModel: { models: Record<string, RuntimeModel> } })._runtimeDataModel;
    const columns = await database.query<{ table_name: string; column_name: string; data_type: string; udt_name: string }>(
      `SELECT table_name, column_name, data_type, udt_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const columnType = new Map(
      columns.map((column) => [
        `${column.table_name}.${column.column_name}`,
        // Arrays report their element type as "_<type>"; enums report "USER-DEFINED" and name the type in udt_name.
        column.data_type === 'ARRAY' ? column.udt_name.slice(1) : column.data_type === 'USER-DEFINED' ? column.udt_name : column.data_type,
      ]),
    );

    const mismatches: string[] = [];
    let checked = 0;
    for (const [modelName, model] of Object.entries(models)) {
      for (const field of model.fields.filter((candidate) => candidate.kind !== 'object')) {
        const actual = columnType.get(`${model.dbName}.${field.dbName ?? field.name}`);
        const allowed = field.kind === 'enum' ? [field.type] : POSTGRES_TYPES[field.type];
        if (!actual || !allowed.includes(actual)) mismatches.push(`${modelName}.${field.name}: ${actual ?? 'missing'}`);
        checked += 1;
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(50);
    await prisma.$disconnect();
  });

  it('is idempotent: a second run applies nothing and records no checksum drift', async () => {
    const report = await applyMigrations(database.connectAsOwner());
    expect(report.applied).toEqual([]);
    expect(report.alreadyApplied).toBe(fs.readdirSync(MIGRATIONS_DIR).filter((name) => !name.endsWith('.toml')).length);
    expect(report.checksumMismatches).toEqual([]);
  });

  it("records every migration in Prisma's own table with Prisma's checksum", async () => {
    const rows = await database.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const expected = fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((name) => fs.existsSync(path.join(MIGRATIONS_DIR, name, 'migration.sql')))
      .sort()
      .map((name) => ({
        name,
        checksum: createHash('sha256')
          .update(fs.readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql')))
          .digest('hex'),
      }));
    expect(rows.map((row) => ({ name: row.migration_name, checksum: row.checksum }))).toEqual(expected);
    expect(rows.every((row) => row.finished_at !== null)).toBe(true);
  });
});

describe.each(availableDatabaseKinds())('migrations racing at boot on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database?.drop());

  it('several replicas migrating at once apply each migration exactly once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-migrations-'));
    const name = '29990101000000_race_check';
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), 'CREATE TABLE race_check (id int primary key);');
    try {
      const reports = await Promise.all([1, 2, 3, 4].map(() => applyMigrations(database.connectAsOwner(), dir)));
      expect(reports.flatMap((report) => report.applied)).toEqual([name]);
      expect(reports.filter((report) => report.alreadyApplied === 1)).toHaveLength(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to run past a migration that failed, on this and every later boot', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-migrations-'));
    fs.mkdirSync(path.join(dir, '29990102000000_broken'));
    fs.writeFileSync(
      path.join(dir, '29990102000000_broken', 'migration.sql'),
      'CREATE TABLE broken (id int); SELECT * FROM missing_table;',
    );
    try {
      await expect(applyMigrations(database.connectAsOwner(), dir)).rejects.toThrow(MigrationError);
      const tables = await database.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'broken'`);
      expect(tables).toHaveLength(0);
      await expect(applyMigrations(database.connectAsOwner(), dir)).rejects.toThrow(/failed earlier/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
