import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { namedBlocks } from '../helpers/docs';

const run = promisify(execFile);
const PACKAGE_DIR = path.resolve('src/browser-client');
const MODULES = ['index', 'credential-provider', 'emitter', 'environment', 'errors'];
const ADAPTERS = ['bandwidth', 'plivo', 'signalwire', 'telnyx', 'twilio', 'vonage'];
const EMITTED = (name: string) => [`${name}.js`, `${name}.d.ts`, `${name}.js.map`];

/**
 * `@callpass/browser` as a tenant gets it: the tarball `npm pack` makes (the library built by `npm test`'s pretest),
 * installed into an app of its own with npm, then bundled by a real bundler and type-checked against its exports.
 */
describe('@callpass/browser, packed, installed and bundled', () => {
  let appDir: string;
  let packed: string[];

  beforeAll(async () => {
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-browser-app-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', appDir], { cwd: PACKAGE_DIR });
    const [{ filename, files }] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    packed = files.map((file) => file.path).sort();
    fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'tenant-app', private: true, type: 'module' }));
    await run('npm', ['install', `./${filename}`, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: appDir });
  }, 120_000);

  afterAll(() => fs.rmSync(appDir, { recursive: true, force: true }));

  it('has no dependencies, no side effects on import, and a one-file build under 4 KB gzipped', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(appDir, 'node_modules/@callpass/browser/package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({ name: '@callpass/browser', type: 'module', sideEffects: false });
    expect(manifest.dependencies ?? {}).toEqual({});
    const script = fs.readFileSync(path.join(appDir, 'node_modules/@callpass/browser/dist/callpass-browser.min.js'));
    expect(gzipSync(script, { level: 9 }).length).toBeLessThan(4096);
  });

  it('holds the build, its README, its changelog and nothing else', () => {
    expect(packed).toEqual(
      [
        'CHANGELOG.md',
        'README.md',
        'package.json',
        'dist/callpass-browser.min.js',
        ...MODULES.flatMap((name) => EMITTED(`dist/${name}`)),
        ...ADAPTERS.flatMap((name) => EMITTED(`dist/adapters/${name}`)),
      ].sort(),
    );
  });

  it("bundles the README's example with only the adapter it imports", async () => {
    const [example] = namedBlocks('src/browser-client/README.md', 'usage', 'js');
    fs.writeFileSync(path.join(appDir, 'app.js'), example);
    const result = await build({
      entryPoints: ['app.js'],
      absWorkingDir: appDir,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const [output] = Object.values(result.metafile.outputs);
    const inBundle = Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([file]) => file);
    const library = 'node_modules/@callpass/browser/dist/';
    expect(inBundle).toEqual(expect.arrayContaining([`${library}credential-provider.js`, `${library}adapters/twilio.js`]));
    for (const adapter of ['plivo', 'signalwire', 'bandwidth', 'telnyx', 'vonage'])
      expect(inBundle).not.toContain(`${library}adapters/${adapter}.js`);
    expect(result.outputFiles[0].text).toContain('updateToken');
  });

  it('type-checks an app that imports the core and every adapter by its own path', async () => {
    fs.writeFileSync(
      path.join(appDir, 'check.ts'),
      [
        "import { createCredentialProvider, CallpassClientError, type CallpassToken } from '@callpass/browser';",
        "import { bindTwilioDevice } from '@callpass/browser/twilio';",
        "import { bindPlivoClient } from '@callpass/browser/plivo';",
        "import { signalwireCredentials } from '@callpass/browser/signalwire';",
        "import { bindBandwidthUA } from '@callpass/browser/bandwidth';",
        "import { bindTelnyxClient } from '@callpass/browser/telnyx';",
        "import { bindVonageClient } from '@callpass/browser/vonage';",
        "const provider = createCredentialProvider({ baseUrl: 'https://callpass.example.com', tenant: 'acme', getCredential: () => 'jwt' });",
        'const token: CallpassToken | undefined = provider.current;',
        'export const used = [token, CallpassClientError, bindTwilioDevice, bindPlivoClient, signalwireCredentials, bindBandwidthUA, bindTelnyxClient, bindVonageClient];',
        '// @ts-expect-error: the options name the tenant',
        "createCredentialProvider({ baseUrl: 'https://callpass.example.com', getCredential: () => 'jwt' });",
      ].join('\n'),
    );
    const compilerOptions = {
      module: 'esnext',
      moduleResolution: 'bundler',
      target: 'es2022',
      lib: ['es2022', 'dom'],
      strict: true,
      noEmit: true,
      types: [],
    };
    fs.writeFileSync(path.join(appDir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['check.ts'] }));
    await expect(run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', appDir])).resolves.toBeDefined();
  }, 60_000);
});
