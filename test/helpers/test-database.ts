import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { DatabaseConnection, openPostgres, pgliteConnection } from '../../src/database/database-connection';
import { TEST_SERVER_ENV } from './server-process';

export function testRunId(): string {
  const runId = process.env.CALLPASS_TEST_RUN;
  if (!runId) throw new Error('CALLPASS_TEST_RUN is unset: run the tests through jest (globalSetup sets it)');
  return runId;
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * The login role tests run the service as: a member of `callpass_runtime` (the role the migrations grant to), as
 * production does, so every suite on PostgreSQL shows the service needs no more than that role may do.
 */
export const TEST_SERVICE_ROLE = 'callpass_test_service';

export function asServiceRole(url: string): string {
  const serviceUrl = new URL(url);
  serviceUrl.username = TEST_SERVICE_ROLE;
  serviceUrl.password = TEST_SERVICE_ROLE;
  return serviceUrl.toString();
}

/** Creates TEST_SERVICE_ROLE unless it exists (roles are cluster-wide; concurrent runs may race to create it). */
export async function createServiceRole(admin: Client): Promise<void> {
  await admin.query(`DO $$
    BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${TEST_SERVICE_ROLE}') THEN
        CREATE ROLE ${TEST_SERVICE_ROLE} LOGIN PASSWORD '${TEST_SERVICE_ROLE}' IN ROLE callpass_runtime;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
}

/** A database of the test file's own, migrated, on PostgreSQL or PGlite like the rest of the run. */
export interface TestDatabase {
  readonly kind: 'postgresql' | 'pglite';
  /** The URL a server process of its own connects with, as the service role (PostgreSQL only). */
  readonly url?: string;
  /** The tables' owner's URL, for migrations (PostgreSQL only). */
  readonly ownerUrl?: string;
  /** A new connection to the same data, as the service role (an app restart opens a new one). */
  connect(): DatabaseConnection;
  /** A new connection as the tables' owner, for migrations. */
  connectAsOwner(): DatabaseConnection;
  /** Raw SQL against the database, for tampering with rows the API never exposes. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export type DatabaseKind = TestDatabase['kind'];

/**
 * The same database, but delivering no change notifications at all (as if they were slow): only what a replica does
 * itself after each commit keeps its caches true, and no late echo of a setup change drops a cached value.
 */
export function withoutNotifications(database: TestDatabase): TestDatabase {
  return {
    ...database,
    connect: () => ({
      ...database.connect(),
      listen: async (_channel, handlers) => {
        handlers.onListening();
        return async () => undefined;
      },
    }),
  };
}

/** The run's database: PostgreSQL when TEST_DATABASE_URL is set, else PGlite. */
export function defaultDatabaseKind(): DatabaseKind {
  return process.env.TEST_DATABASE_URL ? 'postgresql' : 'pglite';
}

/** Storage suites run on every database this run can reach: both in CI, PGlite alone on a bare machine. */
export function availableDatabaseKinds(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['postgresql', 'pglite'] : ['pglite'];
}

/** `empty` (PostgreSQL only): a database with no tables, for whoever is to migrate it. */
export async function createTestDatabase(
  kind: DatabaseKind = defaultDatabaseKind(),
  options: { empty?: boolean } = {},
): Promise<TestDatabase> {
  return kind === 'postgresql' ? createPostgresDatabase(process.env.TEST_DATABASE_URL!, options.empty) : createPgliteDatabase();
}

/** A loaded CI machine creating test databases may take seconds to open a connection, as TEST_SERVER_ENV allows. */
const TEST_DATABASE_TIMEOUTS = { connectMs: Number(TEST_SERVER_ENV.DATABASE_CONNECT_TIMEOUT_MS), statementMs: 5000 };

async function createPostgresDatabase(serverUrl: string, empty = false): Promise<TestDatabase> {
  const name = `callpass_t_${testRunId()}_${randomBytes(6).toString('hex')}`;
  const template = empty ? 'template0' : `callpass_tpl_${testRunId()}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const ownerUrl = databaseUrl(serverUrl, name);
  const url = asServiceRole(ownerUrl);
  const opened: DatabaseConnection[] = [];
  const raw = openPostgres(ownerUrl, 2, TEST_DATABASE_TIMEOUTS);
  const open = (as: string) => {
    const connection = openPostgres(as, 5, TEST_DATABASE_TIMEOUTS);
    opened.push(connection);
    return connection;
  };
  return {
    kind: 'postgresql',
    url,
    ownerUrl,
    connect: () => open(url),
    connectAsOwner: () => open(ownerUrl),
    query: async <T>(sql: string, params?: unknown[]) => {
      const session = await raw.openSession();
      try {
        return await session.query<T>(sql, params);
      } finally {
        await session.release();
      }
    },
    drop: async () => {
      await raw.close();
      await Promise.allSettled(opened.map((connection) => connection.close()));
      await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function createPgliteDatabase(): Promise<TestDatabase> {
  const dump = fs.readFileSync(path.join(os.tmpdir(), `callpass-test-${testRunId()}.tar`));
  const db = new PGlite({ loadDataDir: new Blob([dump]) });
  await db.waitReady;
  // The app "closes" its connection on shutdown; the data must survive that for restart tests.
  const connect = (): DatabaseConnection => ({ ...pgliteConnection(db), close: async () => undefined });
  return {
    kind: 'pglite',
    connect,
    connectAsOwner: connect,
    query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    drop: () => db.close(),
  };
}

export async function withAdmin<T>(serverUrl: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
