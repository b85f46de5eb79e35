import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SandboxProcess, startSandbox } from '../helpers/sandbox-process';

/** `npm run sandbox` as a newcomer uses it: start it, then run the commands it prints, as printed. */
describe('sandbox', () => {
  let sandbox: SandboxProcess;
  let guide: string[];

  beforeAll(async () => {
    sandbox = await startSandbox();
    guide = sandbox.guide;
  });
  afterAll(() => sandbox?.stop());

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
