import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export interface SandboxProcess {
  url: string;
  pid: number;
  /** Its SANDBOX_DATA_DIR. */
  dataDir: string;
  /** What it printed on stdout, line by line: the guide with its commands. */
  guide: string[];
  stop(): Promise<void>;
}

/** `npm run sandbox` as a newcomer starts it (its own emulators, a fresh embedded database), on a free port. */
export async function startSandbox(): Promise<SandboxProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-sandbox-'));
  const sandbox = runSandbox(dataDir, 'inherit');
  const guide: string[] = [];
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: sandbox.stdout! }).on('line', (line) => {
      guide.push(line);
      if (line.startsWith('Ctrl-C stops the sandbox')) resolve();
    });
    sandbox.once('exit', (code) => reject(new Error(`sandbox exited with ${code}:\n${guide.join('\n')}`)));
  });
  const url = /Callpass sandbox at (http:\/\/\S+)/.exec(guide.join('\n'))![1];
  return {
    url,
    pid: sandbox.pid!,
    dataDir,
    guide,
    stop: async () => {
      if (sandbox.exitCode === null && sandbox.signalCode === null) {
        const exited = once(sandbox, 'exit');
        sandbox.kill('SIGINT');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs the sandbox on `dataDir` expecting it to refuse to start: its exit code and what it printed on stderr. */
export async function runSandboxToExit(dataDir: string): Promise<{ code: number | null; stderr: string }> {
  const sandbox = runSandbox(dataDir, 'pipe');
  let stderr = '';
  sandbox.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // One that starts instead prints its guide: it is stopped, and its exit code says it was (null, killed).
  readline.createInterface({ input: sandbox.stdout! }).on('line', (line) => {
    if (line.startsWith('Ctrl-C stops the sandbox')) sandbox.kill('SIGKILL');
  });
  const [code] = (await once(sandbox, 'exit')) as [number | null];
  return { code, stderr };
}

function runSandbox(dataDir: string, stderr: 'inherit' | 'pipe'): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', 'src/sandbox/main.ts'], {
    env: { PATH: process.env.PATH, PORT: '0', SANDBOX_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', stderr],
  });
}
