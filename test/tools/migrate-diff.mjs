// Prisma's schema engine (WebAssembly build) diffing without its native binary, on an in-memory PGlite shadow
// database. Prints the SQL that takes the `--from` state to prisma/schema.prisma:
//   node test/tools/migrate-diff.mjs --from-migrations   next migration ("-- This is an empty migration." = no drift)
//   node test/tools/migrate-diff.mjs --from-empty        the whole schema
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { PGlite } = require('@electric-sql/pglite');
const { PrismaPGlite } = require('pglite-prisma-adapter');
const { bindMigrationAwareSqlAdapterFactory } = require('@prisma/driver-adapter-utils');

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const schemaPath = path.join(root, 'prisma/schema.prisma');
const migrationsDir = path.join(root, 'prisma/migrations');

async function loadSchemaEngine() {
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const glue = await import(pathToFileURL(gluePath).href);
  const wasm = await WebAssembly.compile(fs.readFileSync(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm')));
  const instance = new WebAssembly.Instance(wasm, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return glue.SchemaEngine;
}

// pglite-prisma-adapter 0.7 runs multi-statement scripts only through `exec`, and must have them awaited.
const opened = [];
async function openShadow() {
  const db = new PGlite('memory://');
  opened.push(db);
  const adapter = await new PrismaPGlite(db).connect();
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => (query.args?.length ? executeRaw(query) : (await db.exec(query.sql), 0));
  adapter.executeScript = async (script) => void (await db.exec(script));
  adapter.dispose = async () => {};
  return adapter;
}

function migrationsTarget() {
  const names = fs
    .readdirSync(migrationsDir)
    .filter((name) => fs.existsSync(path.join(migrationsDir, name, 'migration.sql')))
    .sort();
  const lockFile = path.join(migrationsDir, 'migration_lock.toml');
  return {
    tag: 'migrations',
    baseDir: migrationsDir,
    shadowDbInitScript: '',
    lockfile: { path: 'migration_lock.toml', content: fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : null },
    migrationDirectories: names.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: fs.readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

const schema = { files: [{ path: schemaPath, content: fs.readFileSync(schemaPath, 'utf8') }] };
const from = process.argv.includes('--from-migrations') ? migrationsTarget() : { tag: 'empty' };
const SchemaEngine = await loadSchemaEngine();
const factory = { provider: 'postgres', adapterName: 'pglite-prisma-adapter', connect: openShadow, connectToShadowDb: openShadow };
const engine = await SchemaEngine.new(
  { datamodels: [[schemaPath, schema.files[0].content]] },
  () => {},
  bindMigrationAwareSqlAdapterFactory(factory),
);
const result = await engine.diff({
  from,
  to: { tag: 'schemaDatamodel', ...schema },
  script: true,
  exitCode: null,
  filters: { externalTables: [], externalEnums: [] },
});
process.stdout.write(result.stdout ?? '');
await Promise.all(opened.map((db) => db.close()));
