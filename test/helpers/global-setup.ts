import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { openPostgres, pgliteConnection } from '../../src/database/database-connection';
import { applyMigrations } from '../../src/database/migrator';
import { skipNotice } from './requirements';
import { createServiceRole, databaseUrl, testRunId, withAdmin } from './test-database';

/**
 * Migrates the templates each test file copies its database from: an in-memory PGlite dumped to a file, and,
 * when TEST_DATABASE_URL is set, a PostgreSQL template database.
 */
export default async function globalSetup(): Promise<void> {
  const notice = skipNotice();
  if (notice) console.log(`\n${notice}`);
  // Random, not the process id: test runs in separate containers sharing one server must not collide.
  const runId = randomBytes(4).toString('hex');
  process.env.CALLPASS_TEST_RUN = runId;
  // Where test apps record the error codes their routes answer (answered-errors.ts), for undocumented-errors-reporter.mjs.
  process.env.CALLPASS_ANSWERED_ERRORS = path.join(os.tmpdir(), `callpass-answered-errors-${runId}`);
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const template = `callpass_tpl_${runId}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
    await admin.end();
    const connection = openPostgres(databaseUrl(serverUrl, template), 1);
    await applyMigrations(connection);
    await connection.close();
    await withAdmin(serverUrl, createServiceRole);
  }
  // The storage suites also run on PGlite when PostgreSQL is available, so this dump is always made.
  const db = new PGlite('memory://');
  await applyMigrations(pgliteConnection(db));
  const dump = await db.dumpDataDir('none');
  await db.close();
  const file = path.join(os.tmpdir(), `callpass-test-${testRunId()}.tar`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
}
