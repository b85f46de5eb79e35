import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';

export interface ServerProcess {
  url: string;
  output: string[];
  /** SIGTERM; resolves with how the process ended (it drains, then exits 0). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: a crash, with no chance to clean up. */
  kill(): Promise<void>;
  /** Sends a signal without waiting for anything. */
  signal(name: NodeJS.Signals): void;
  /** Settles when the process ends, with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first line (already printed or still to come) matching `pattern`. */
  printed(pattern: RegExp): Promise<string>;
}

/**
 * What every test server runs with unless its test says otherwise:
 * - every test calls from 127.0.0.1 (and with Redis, every suite counts against the same client there), so the
 *   per-client limits are out of the way (client-limits.e2e-spec.ts sets its own, from addresses of its own);
 * - a new PostgreSQL connection may take seconds while a loaded CI machine creates test databases, which is not the
 *   latency guard the 2 s default is for (database-faults.e2e-spec.ts sets its own).
 */
export const TEST_SERVER_ENV = {
  CLIENT_REQUESTS_PER_MINUTE: '100000000',
  CLIENT_AUTH_FAILURES_PER_MINUTE: '100000000',
  DATABASE_CONNECT_TIMEOUT_MS: '20000',
};

/** Runs `src/main.ts` as its own process, exactly as `npm start` runs the built file. */
export function runMain(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...TEST_SERVER_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** How long a started process may take to listen (or to exit, for one that must refuse to start). */
const START_LIMIT_MS = 60_000;

/** Kills `child` and fails if `settled` has not happened in time, so a hung process cannot outlive its test. */
function withinLimit<T>(child: ChildProcess, settled: Promise<T>, output: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process did not settle within ${START_LIMIT_MS} ms:\n${output()}`));
    }, START_LIMIT_MS);
  });
  return Promise.race([settled, limit]).finally(() => clearTimeout(timer));
}

/** Starts the server and resolves once it logs the address it listens on. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = runMain(env);
  const output: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const printedLine = (line: string) => {
    output.push(line);
    for (const watcher of watchers) watcher(line);
  };
  readline.createInterface({ input: child.stderr! }).on('line', printedLine);
  const listening = new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      printedLine(line);
      const match = /Callpass listening on (http:\/\/[^\s"]+)/.exec(line);
      if (match) resolve(match[1].replace('[::1]', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output.join('\n')}`)));
  });
  const url = await withinLimit(child, listening, () => output.join('\n'));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
    child.kill(name);
    return exited;
  };
  return {
    url,
    output,
    stop: () => signal('SIGTERM'),
    kill: async () => void (await signal('SIGKILL')),
    signal: (name) => void child.kill(name),
    exited,
    printed: (pattern) =>
      new Promise((resolve) => {
        const earlier = output.find((line) => pattern.test(line));
        if (earlier) return resolve(earlier);
        const watcher = (line: string) => {
          if (!pattern.test(line)) return;
          watchers.delete(watcher);
          resolve(line);
        };
        watchers.add(watcher);
      }),
  };
}

/** Runs main.ts expecting it to refuse to start; returns its exit code and what it printed. Fails at once if it listens. */
export async function runMainToExit(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = runMain(env);
  let stdout = '';
  let stderr = '';
  const listened = new Promise<never>((_, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/Callpass listening on/.test(stdout)) {
        child.kill('SIGKILL');
        reject(new Error(`the process started when it should have refused:\n${stdout}`));
      }
    });
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await withinLimit(child, Promise.race([once(child, 'exit'), listened]), () => stdout + stderr)) as [number | null];
  return { code, stdout, stderr };
}

/** The fields of Callpass answers the process tests read. */
export interface ApiBody {
  id: string;
  key: string;
  session: string;
  data: { slug: string }[];
  secrets: Record<string, string>;
  error?: { code: string; details: Record<string, unknown> };
}

/** One JSON call to a running server with a bearer credential. */
export async function callJson(url: string, method: string, route: string, key: string, body?: unknown) {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, headers: response.headers, body: (response.status === 204 ? {} : await response.json()) as ApiBody };
}
