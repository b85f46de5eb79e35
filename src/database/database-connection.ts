import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { Client, Pool } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { lockDataDir } from './data-dir-lock';

/** One connection, used for work that must stay on a single session (migrations hold an advisory lock). */
export interface SqlSession {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script. */
  exec(script: string): Promise<void>;
  release(): Promise<void>;
}

/** Injection token for the open database; tests provide their own (a fresh database per test file). */
export const DATABASE_CONNECTION = Symbol('DatabaseConnection');

export interface DatabaseConnection {
  readonly kind: 'postgresql' | 'pglite';
  /** What Prisma's client runs on. */
  readonly adapter: SqlDriverAdapterFactory;
  /**
   * One statement, outside Prisma: for the token hot path only, where Prisma's own handling costs several times
   * the statement (measured 0.39 ms of CPU per statement through Prisma, 0.05 ms as a named prepared statement).
   * `name` makes it a prepared statement on PostgreSQL (same name, same text, always).
   */
  query<T = Record<string, unknown>>(sql: string, params: unknown[], name?: string): Promise<T[]>;
  openSession(): Promise<SqlSession>;
  /**
   * Runs `work` in one transaction of its own, committed if it returns and rolled back if it throws. `snapshot`:
   * read only, on one consistent view of the data (REPEATABLE READ).
   */
  transaction<T>(work: (run: SqlRunner) => Promise<T>, options?: { snapshot?: boolean }): Promise<T>;
  /**
   * Hears NOTIFY payloads on `channel` until the returned function is called. `onGap`: messages may have been
   * missed (the listening connection was lost; it is opened again a second later); `onListening`: heard again.
   */
  listen(channel: string, handlers: NotificationHandlers): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Runs one statement inside an open transaction. */
export type SqlRunner = <T>(sql: string, params: unknown[]) => Promise<T[]>;

const SNAPSHOT = 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY';

export interface NotificationHandlers {
  onMessage(payload: string): void;
  onGap(): void;
  onListening(): void;
}

const RELISTEN_DELAY_MS = 1000;
const HEARTBEAT_EVERY_MS = 5000;
const HEARTBEAT_TIMEOUT_MS = 2000;

/** How long the service waits on PostgreSQL before answering 503 instead of letting requests pile up. */
export interface DatabaseTimeouts {
  /** For a connection: a new one, or a free one from a busy pool. */
  connectMs: number;
  /** For one statement, counted by the server and by the client (so a slow network counts too). */
  statementMs: number;
}

const DEFAULT_TIMEOUTS: DatabaseTimeouts = { connectMs: 2000, statementMs: 5000 };

export interface DatabaseTarget {
  /** PostgreSQL URL; without one the embedded PGlite database in `pgliteDir` is used. */
  databaseUrl?: string;
  pgliteDir: string;
  poolSize?: number;
  timeouts?: DatabaseTimeouts;
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseConnection> {
  return target.databaseUrl ? openPostgres(target.databaseUrl, target.poolSize ?? 10, target.timeouts) : openPglite(target.pgliteDir);
}

/**
 * The pool serves requests, with timeouts; sessions (migrations) and snapshot reads (chain verification) get a
 * connection of their own without them, as they may rightly take long.
 */
export function openPostgres(url: string, poolSize: number, timeouts: DatabaseTimeouts = DEFAULT_TIMEOUTS): DatabaseConnection {
  const pool = new Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.statementMs,
    // A transaction left open (its ROLLBACK lost to a timeout) is ended by the server, and its locks freed.
    idle_in_transaction_session_timeout: 2 * timeouts.statementMs,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const unhurried = async (): Promise<{ client: Client; release: (failed?: unknown) => Promise<void> }> => {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: timeouts.connectMs });
    client.on('error', () => undefined);
    await client.connect();
    return { client, release: () => client.end().catch(() => undefined) };
  };
  return {
    kind: 'postgresql',
    adapter: new PrismaPg(pool),
    query: async <T>(sql: string, params: unknown[], name?: string) => (await pool.query({ text: sql, values: params, name })).rows as T[],
    async openSession() {
      const { client, release } = await unhurried();
      return {
        query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
        exec: async (script) => void (await client.query(script)),
        release,
      };
    },
    async transaction(work, options) {
      const { client, release } = options?.snapshot
        ? await unhurried()
        : await pool.connect().then((pooled) => ({
            client: pooled,
            // A connection whose transaction did not end cleanly is closed, never handed to the next caller.
            release: async (failed?: unknown) => pooled.release(failed instanceof Error ? failed : undefined),
          }));
      let result: Awaited<ReturnType<typeof work>>;
      try {
        await client.query('BEGIN');
        if (options?.snapshot) await client.query(SNAPSHOT);
        result = await work(async <T>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as T[]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        await release(error);
        throw error;
      }
      await release();
      return result;
    },
    listen: async (channel, handlers) => listenOnPostgres(url, channel, handlers),
    close: () => pool.end(),
  };
}

/** A connection of its own (outside the pool) that LISTENs, and is opened again whenever it is lost. */
function listenOnPostgres(url: string, channel: string, handlers: NotificationHandlers): () => Promise<void> {
  if (!/^[a-z_]+$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  let current: Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let stopped = false;
  const open = () => {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
    current = client;
    let lost = false;
    const lose = () => {
      if (lost) return;
      lost = true;
      clearInterval(heartbeat);
      client.end().catch(() => undefined);
      if (stopped) return;
      handlers.onGap();
      retry = setTimeout(open, RELISTEN_DELAY_MS).unref();
    };
    client.on('notification', (message) => {
      if (message.channel === channel) handlers.onMessage(message.payload ?? '');
    });
    client.on('error', lose);
    client.on('end', lose);
    client
      .connect()
      .then(() => client.query(`LISTEN ${channel}`))
      .then(() => {
        if (lost) return;
        handlers.onListening();
        // A connection can die without a word (a dropped route): one that stops answering counts as lost.
        heartbeat = setInterval(() => {
          const silent = setTimeout(lose, HEARTBEAT_TIMEOUT_MS).unref();
          client.query('SELECT 1').then(() => clearTimeout(silent), lose);
        }, HEARTBEAT_EVERY_MS).unref();
      }, lose);
  };
  open();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    clearInterval(heartbeat);
    await current?.end().catch(() => undefined);
  };
}

async function openPglite(dir: string): Promise<DatabaseConnection> {
  if (dir.startsWith('memory://')) return pgliteConnection(await PGlite.create(dir));
  // PGlite does not create parent directories itself.
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const unlock = await lockDataDir(path.dirname(dir), (error) => {
    // Another process took the folder over (this one stalled past the lock's lifetime): writing on would corrupt it.
    console.error(`Lost the lock on ${path.dirname(dir)} (${error.message}); stopping.`);
    process.exit(1);
  });
  try {
    const connection = pgliteConnection(await PGlite.create(dir));
    // Closing twice (two shutdown hooks) must not make PGlite throw "closing" into the void.
    let closed: Promise<void> | undefined;
    return {
      ...connection,
      close: () =>
        (closed ??= (async () => {
          await connection.close();
          await unlock();
        })()),
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}

/** The tail of each PGlite's session queue: PGlite has a single connection, so sessions take turns. */
const sessionQueues = new WeakMap<PGlite, Promise<void>>();

/** Wraps an open PGlite instance (the tests start theirs from a migrated dump). */
export function pgliteConnection(db: PGlite): DatabaseConnection {
  return {
    kind: 'pglite',
    adapter: new PrismaPGlite(db),
    query: async <T>(sql: string, params: unknown[]) => (await db.query<T>(sql, params)).rows,
    async openSession() {
      const previous = sessionQueues.get(db) ?? Promise.resolve();
      let release!: () => void;
      const turn = new Promise<void>((resolve) => (release = resolve));
      sessionQueues.set(
        db,
        previous.then(() => turn),
      );
      await previous;
      return {
        query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
        exec: async (script) => void (await db.exec(script)),
        release: async () => release(),
      };
    },
    // PGlite has one connection: its transaction() holds it, so no other statement lands inside.
    transaction: (work, options) =>
      db.transaction(async (tx) => {
        if (options?.snapshot) await tx.query(SNAPSHOT);
        return work(async <T>(sql: string, params: unknown[]) => (await tx.query<T>(sql, params)).rows);
      }),
    // One process owns an embedded database: its own notifications are all there is to hear.
    async listen(channel, handlers) {
      const unlisten = await db.listen(channel, (payload) => handlers.onMessage(payload));
      handlers.onListening();
      return async () => {
        if (!db.closed) await unlisten();
      };
    },
    // Prisma's $disconnect does not close PGlite; without this the process may not exit.
    close: () => db.close(),
  };
}
