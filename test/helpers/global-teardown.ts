import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { testRunId } from './test-database';

/** Drops the template, any per-file database a crashed test left behind, and the recorded error answers. */
export default async function globalTeardown(): Promise<void> {
  fs.rmSync(path.join(os.tmpdir(), `callpass-test-${testRunId()}.tar`), { force: true });
  fs.rmSync(process.env.CALLPASS_ANSWERED_ERRORS!, { recursive: true, force: true });
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>(
    'SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $2)',
    [`callpass_tpl_${testRunId()}`, `callpass_t_${testRunId()}_`],
  );
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  await admin.end();
}
