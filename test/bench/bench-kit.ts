import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { Client } from 'pg';

/** What the benchmarks share: the PostgreSQL server, load generation, and the servers they start. */
export const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
export const CONNECTIONS = 50;

export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Served by Callpass: its 201s must each have an audit row. */
  callpass?: boolean;
}

export interface Measured {
  tokensPerSecond: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  /** Answers by HTTP status. */
  answered: Record<string, number>;
  postgresCpuMs: number;
}

/**
 * One autocannon run in its own process (its CLI), so the generator does not share this event loop. `rate`: requests
 * per second in all (autocannon's overall rate), instead of as many as the connections can send.
 */
export async function load(
  target: Target,
  seconds: number,
  connections = CONNECTIONS,
  rate?: number,
): Promise<Omit<Measured, 'postgresCpuMs'>> {
  const headers = Object.entries(target.headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]);
  const paced = rate ? ['--overallRate', String(rate)] : [];
  const args = [
    '-c',
    String(connections),
    '-d',
    String(seconds),
    ...paced,
    '-m',
    'POST',
    ...headers,
    '-b',
    target.body,
    '--json',
    target.url,
  ];
  const { stdout } = await promisify(execFile)('node_modules/.bin/autocannon', args, { maxBuffer: 16 * 1024 * 1024 });
  const result = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    '2xx': number;
    non2xx: number;
    errors: number;
    statusCodeStats: Record<string, { count: number }>;
  };
  return {
    tokensPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors,
    answered: Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count])),
  };
}

/** A database of this name made afresh on the benchmark's PostgreSQL server; its URL. */
export async function freshDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Each server writes its log (a line per request, as in production) to nowhere, and its errors to ours. */
export function start(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.once('exit', (code, signal) => {
    if (code && code !== 0) console.error(`${args.join(' ')} exited with ${code ?? signal}`);
  });
  return child;
}

/** Polls until the URL answers (the benchmark waits for its servers; tests never do this). */
export async function ready(url: string, expectedStatus = 200): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === expectedStatus) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
