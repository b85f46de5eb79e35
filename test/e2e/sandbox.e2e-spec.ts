import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PROVIDER_KITS } from '../../src/providers/provider-kits';
import { SandboxProcess, startSandbox } from '../helpers/sandbox-process';

/** `npm run sandbox` as a newcomer uses it: start it, then run the commands it prints, as printed. */
describe('sandbox', () => {
  let sandbox: SandboxProcess;
  /** Each `# heading` the guide prints, with the curl commands under it. */
  let blocks: { heading: string; commands: string[] }[];

  beforeAll(async () => {
    sandbox = await startSandbox();
    blocks = [];
    for (const line of sandbox.guide) {
      if (line.startsWith('# ')) blocks.push({ heading: line, commands: [] });
      else if (line.startsWith('curl ')) blocks.at(-1)?.commands.push(line);
    }
  });
  afterAll(() => sandbox?.stop());

  const run = async (command: string) => JSON.parse((await promisify(execFile)('bash', ['-c', command])).stdout) as Record<string, unknown>;

  it('prints a tenant key', () => {
    expect(sandbox.guide.join('\n')).toMatch(/tenant key: cp_tenant_\w{49}/);
  });

  it.each(PROVIDER_KITS.map((kit) => [kit.title, kit.name]))('prints working commands for %s', async (title, name) => {
    const own = blocks.filter((block) => block.heading.startsWith(`# ${title} `));
    expect(own.map((block) => block.commands.length)).not.toContain(0);
    expect(own.length).toBeGreaterThan(0);
    const answers = [];
    // A command that fails (`curl -f` on an emulator's refusal) rejects here.
    for (const command of own.flatMap((block) => block.commands)) answers.push(await run(command));
    const tokens = answers.filter((answer) => 'provider' in answer);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(token).toMatchObject({ provider: name, token: expect.any(String) });
    // What the emulators say of those tokens (a verdict, a session) was not a refusal.
    for (const check of answers.filter((answer) => !('provider' in answer))) expect(check).not.toMatchObject({ valid: false });
  });

  it('prints the token log, which shows every provider issued', async () => {
    const [command] = blocks.find((block) => block.heading.startsWith('# Every token'))!.commands;
    const log = (await run(command)) as { data: { provider: string; outcome: string }[] };
    expect(new Set(log.data.map((row) => row.provider))).toEqual(new Set(PROVIDER_KITS.map((kit) => kit.name)));
    expect(log.data.every((row) => row.outcome === 'issued')).toBe(true);
  });
});
