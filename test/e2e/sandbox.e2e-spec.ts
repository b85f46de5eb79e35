import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PROVIDER_KITS } from '../../src/providers/provider-kits';
import { runSandboxToExit, SandboxProcess, startSandbox } from '../helpers/sandbox-process';

/** `npm run sandbox` as a newcomer uses it: start it, then run the commands it prints, as printed, in order. */
describe('sandbox', () => {
  let sandbox: SandboxProcess;
  /** Each `# heading` the guide prints, with what each curl command under it answered. */
  const blocks: { heading: string; answers: Record<string, unknown>[] }[] = [];

  const run = async (command: string) => JSON.parse((await promisify(execFile)('bash', ['-c', command])).stdout) as Record<string, unknown>;
  const answersUnder = (heading: string) => blocks.filter((block) => block.heading.startsWith(heading)).flatMap((block) => block.answers);

  beforeAll(async () => {
    sandbox = await startSandbox();
    for (const line of sandbox.guide) {
      if (line.startsWith('# ')) blocks.push({ heading: line, answers: [] });
      // A command that fails (`curl -f` on an emulator's refusal) rejects here.
      else if (line.startsWith('curl ')) blocks.at(-1)!.answers.push(await run(line));
    }
  });
  afterAll(() => sandbox?.stop());

  it('prints a tenant key', () => {
    expect(sandbox.guide.join('\n')).toMatch(/tenant key: cp_tenant_\w{49}/);
  });

  it.each(PROVIDER_KITS.map((kit) => [kit.title, kit.name]))('prints commands that work for %s', (title, name) => {
    const answers = answersUnder(`# ${title} `);
    const tokens = answers.filter((answer) => 'provider' in answer);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(token).toMatchObject({ provider: name, token: expect.any(String), expiresAt: expect.any(String) });
    for (const answer of answers) expect(answer).not.toHaveProperty('error');
    // What an emulator says of a token (a verdict, a session) is never a refusal.
    for (const check of answers.filter((answer) => !('provider' in answer))) expect(check).not.toMatchObject({ valid: false });
  });

  it('refuses a second sandbox on the same folder with one line naming the first, which keeps its database', async () => {
    const second = await runSandboxToExit(sandbox.dataDir);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toMatch(
      new RegExp(`^A sandbox in ${sandbox.dataDir} is running already \\(process ${sandbox.pid} on \\S+\\)`),
    );
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    const tokenLog = sandbox.guide.find((line) => line.includes('/v1/token-issuances'))!;
    expect(((await run(tokenLog)) as { data: unknown[] }).data.length).toBeGreaterThan(0);
  });

  it("prints the token log's command, which shows every token above issued", () => {
    const [log] = answersUnder('# Every token') as { data: { provider: string; outcome: string }[] }[];
    expect(new Set(log.data.map((row) => row.provider))).toEqual(new Set(PROVIDER_KITS.map((kit) => kit.name)));
    expect(log.data.every((row) => row.outcome === 'issued')).toBe(true);
  });
});
