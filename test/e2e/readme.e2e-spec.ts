import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateApiKey } from '../../src/crypto/api-key-codec';
import { registerDemoCredentials } from '../../src/sandbox/demo-credentials';
import { Emulators, startEmulators } from '../../src/sandbox/emulators';
import { ServerProcess, startServer } from '../helpers/server-process';

/** README.md's walk-through, run as written (its first block, which starts the servers, is done here instead). */
describe('README walk-through', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const walkthrough = readme.slice(readme.indexOf('<!-- walkthrough:start -->'), readme.indexOf('<!-- walkthrough:end -->'));
  const [setup, ...steps] = [...walkthrough.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-readme-'));
  const adminKey = generateApiKey('admin').key;
  let server: ServerProcess;
  let emulators: Emulators;

  beforeAll(async () => {
    emulators = await startEmulators();
    registerDemoCredentials(emulators);
    server = await startServer({ DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: adminKey, ALLOW_PRIVATE_NETWORK_URLS: 'true' });
  });
  afterAll(async () => {
    await server?.stop();
    await emulators?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the server and the emulators, and names the variables the steps use', () => {
    expect(setup).toContain('BOOTSTRAP_ADMIN_KEY=$ADMIN_KEY ALLOW_PRIVATE_NETWORK_URLS=true npm start &');
    expect(setup).toContain('npm run emulators &');
    for (const variable of ['ADMIN_KEY', 'CP', 'TWILIO_API', 'PLIVO_API', 'SIGNALWIRE_API', 'BANDWIDTH_API'])
      expect(setup).toMatch(new RegExp(`\\b${variable}=`));
  });

  it('issues a token from each provider, shows the logs, and ends with a revoked key', async () => {
    const { stdout } = await promisify(execFile)('bash', ['-c', `set -euo pipefail\n${steps.join('\n')}`], {
      env: {
        PATH: process.env.PATH,
        ADMIN_KEY: adminKey,
        CP: server.url,
        TWILIO_API: emulators.twilio.url,
        PLIVO_API: emulators.plivo.url,
        SIGNALWIRE_API: emulators.signalwire.url,
        BANDWIDTH_API: emulators.bandwidth.url,
      },
    });
    for (const provider of ['twilio', 'plivo', 'signalwire', 'bandwidth']) expect(stdout).toContain(`"provider": "${provider}"`);
    expect(stdout).toMatch(/"identity": "alice\d{12}"/);
    expect(stdout).toContain('"refreshable": true');
    expect(stdout).toContain('"allowedAddresses": [');
    expect(stdout).toContain('"tokenType": "Bearer"');
    expect(stdout).toMatch(/"tokenFingerprint":"sha256:[0-9a-f]{32}"/);
    expect(stdout).toContain('"action":"endpoint.created"');
    expect(stdout).toContain('"code":"token_kind_not_supported"');
    expect(stdout.trim().split('\n').at(-1)).toBe('"api_key_revoked"');
  });
});
