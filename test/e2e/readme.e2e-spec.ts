import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { PROVIDER_KITS } from '../../src/providers/provider-kits';
import { namedBlocks } from '../helpers/docs';

const root = path.join(__dirname, '../..');

/**
 * The walk-through (docs/walk-through.md) and the CLI example (docs/cli.md), run as written, top to bottom in one
 * shell, as a newcomer would: the first block makes the admin key and starts Callpass and the emulators (on their
 * documented ports). Only DATA_DIR is set, so that the test does not touch a developer's own ./data.
 */
describe('documented walk-through', () => {
  const script = [...namedBlocks('docs/walk-through.md', 'walkthrough'), ...namedBlocks('docs/cli.md', 'cli')].join('\n');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-readme-'));
  let shell: ChildProcess | undefined;

  afterAll(async () => {
    // The background servers the first block started run in the shell's process group.
    if (shell?.pid) {
      try {
        process.kill(-shell.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    for (const log of ['callpass.log', 'emulators.log']) fs.rmSync(path.join(root, log), { force: true });
  });

  it('runs top to bottom: a token from each provider, the logs, a refusal, a revoked key, then the CLI', async () => {
    shell = spawn('bash', ['-c', `set -euo pipefail\n${script}`], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    shell.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    shell.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(shell, 'exit')) as [number];
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

    expect(stdout).toContain('Callpass and the emulators are up');
    for (const kit of PROVIDER_KITS) expect(stdout).toContain(`"provider": "${kit.name}"`);
    expect(stdout).toMatch(/"identity": "alice\d{12}"/);
    expect(stdout).toContain('"refreshable": true');
    expect(stdout).toContain('"allowedAddresses": [');
    expect(stdout).toContain('"tokenType": "Bearer"');
    // A telephony credential's generated username; a session opened with a locally signed token.
    expect(stdout).toMatch(/"identity": "gencred\w+"/);
    expect(stdout).toContain('{"session":"string","user":"alice"}');
    expect(stdout).toMatch(/"tokenFingerprint":"sha256:[0-9a-f]{32}"/);
    expect(stdout).toContain('"action":"endpoint.created"');
    expect(stdout).toContain('{"code":"capability_not_allowed","details":{"requested":["outgoing"],"allowed":["incoming"]}}');
    expect(stdout).toContain('"api_key_revoked"');
    // The chains of all that, verified.
    expect(stdout).toMatch(/^\{"intact":true,"chains":\d+,"rows":\d+\}$/m);
    // End users: an IdP's JWT and a session, then the user revoked.
    expect(stdout).toContain(
      '{"sessions":true,"issuers":[{"issuer":"https://login.acme.example/","algorithms":["HS256"],"hasSecret":true}]}',
    );
    expect(stdout).toMatch(/"identity": "alice_42",\s+"capabilities": \[\s+"incoming",\s+"outgoing"\s+\],\s+"serverTime": "/);
    expect(stdout).toContain('{"kind":"subscriber","identity":"alice@acme.example","refreshable":true}');
    expect(stdout).toContain('{"identity":"alice_42","capabilities":["outgoing"]}');
    expect(stdout).toContain('{"userId":"alice_42","sessionsRevoked":1,"refreshCredentialsDeleted":');
    expect(stdout).toContain('"end_user_session_revoked"\n"end_user_revoked"');
    // The browser snippet of docs/end-users.md, run as written with the JWT the walk-through printed for bob.
    const jwt = /^a JWT for bob's browser: (\S+)$/m.exec(stdout)![1];
    const [snippet] = namedBlocks('docs/end-users.md', 'browser', 'js');
    const callToken = vm.runInThisContext(`(() => {\n${snippet}\nreturn callToken;\n})()`) as (
      credential: string,
    ) => Promise<Record<string, unknown>>;
    expect(await callToken(jwt)).toMatchObject({ provider: 'twilio', identity: 'bob_7', capabilities: ['incoming'] });
    await expect(callToken('not-a-jwt')).rejects.toThrow('end_user_token_malformed');
    // The CLI example.
    expect(stdout).toMatch(/globex\s+Globex\s+active/);
    expect(stdout).toMatch(/^identity\s+carol$/m);
    expect(stdout).toMatch(/^claims\s+\{.*"identity":"carol"/m);
  }, 300_000); // the first `npm run setup` on a fresh clone builds Callpass
});
