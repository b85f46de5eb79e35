import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';

/** `npm run sandbox` as a newcomer uses it: start it, then run the commands it prints, as printed. */
describe('sandbox', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-sandbox-'));
  let sandbox: ChildProcess;
  const guide: string[] = [];

  beforeAll(async () => {
    sandbox = spawn(process.execPath, ['-r', '@swc-node/register', 'src/sandbox/main.ts'], {
      env: { PATH: process.env.PATH, PORT: '0', SANDBOX_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      readline.createInterface({ input: sandbox.stdout! }).on('line', (line) => {
        guide.push(line);
        if (line.startsWith('Ctrl-C stops the sandbox')) resolve();
      });
      sandbox.once('exit', (code) => reject(new Error(`sandbox exited with ${code}:\n${guide.join('\n')}`)));
    });
  });
  afterAll(async () => {
    if (sandbox.exitCode === null && sandbox.signalCode === null) {
      const exited = once(sandbox, 'exit');
      sandbox.kill('SIGINT');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const run = async (command: string) => JSON.parse((await promisify(execFile)('bash', ['-c', command])).stdout) as Record<string, unknown>;
  const commandsAfter = (heading: string) => {
    const start = guide.findIndex((line) => line.startsWith(`# ${heading}`));
    const commands: string[] = [];
    for (const line of guide.slice(start + 1)) {
      if (!line.startsWith('curl ')) break;
      commands.push(line);
    }
    return commands;
  };

  it('prints a tenant key and working commands for every provider', async () => {
    expect(guide.join('\n')).toMatch(/tenant key: cp_tenant_\w{49}/);
    const [twilioToken, twilioCheck] = commandsAfter('Twilio');
    expect(await run(twilioToken)).toMatchObject({ provider: 'twilio', kind: 'access_token', identity: 'alice' });
    expect(await run(twilioCheck)).toMatchObject({ valid: true, identity: 'alice' });
    expect(await run(commandsAfter('Plivo')[0])).toMatchObject({ provider: 'plivo', identity: expect.stringMatching(/^alice\d{12}$/) });
    const [subscriber, guest] = commandsAfter('SignalWire subscriber');
    expect(await run(subscriber)).toMatchObject({ provider: 'signalwire', kind: 'subscriber', refreshable: true });
    expect(await run(guest)).toMatchObject({ provider: 'signalwire', kind: 'guest' });
    expect(await run(commandsAfter('SignalWire click-to-call')[0])).toMatchObject({ provider: 'signalwire', kind: 'embed' });
    expect(await run(commandsAfter('Bandwidth')[0])).toMatchObject({ provider: 'bandwidth', tokenType: 'Bearer' });
    const log = (await run(commandsAfter('Every token')[0])) as { data: { provider: string; outcome: string }[] };
    expect(new Set(log.data.map((row) => row.provider))).toEqual(new Set(['twilio', 'plivo', 'signalwire', 'bandwidth']));
    expect(log.data.every((row) => row.outcome === 'issued')).toBe(true);
  });
});
