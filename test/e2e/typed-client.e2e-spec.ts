import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { providerKits } from '../../src/providers/provider-kits';
import { createIssuingContext, IssuingContext } from '../helpers/issuing';

/**
 * A tenant's backend as its developers would write it against types generated from /docs/openapi.json, with
 * openapi-fetch: every path, body and answer field below must exist in the document with its type.
 */
const TENANT_BACKEND = `
import createClient from 'openapi-fetch';
import type { components, paths } from './callpass-api';

type Account = Pick<components['schemas']['CreateProviderAccountDto'], 'provider' | 'baseUrl' | 'config' | 'secrets'>;

export async function tokenForAlice(baseUrl: string, tenantKey: string, account: Account) {
  const callpass = createClient<paths>({ baseUrl, headers: { authorization: 'Bearer ' + tenantKey } });
  const stored = await callpass.POST('/v1/provider-accounts', { body: { ...account, name: 'main' } });
  if (!stored.data) throw new Error(stored.error.error.code);
  const endpoint = await callpass.POST('/v1/endpoints', {
    body: { providerAccountId: stored.data.id, userId: 'alice_42', capabilities: ['incoming', 'outgoing'] },
  });
  if (!endpoint.data) throw new Error(endpoint.error.error.code);
  const issued = await callpass.POST('/v1/tokens', { body: { endpointId: endpoint.data.id, ttlSeconds: 900 } });
  if (!issued.data) throw new Error(issued.error.error.code);
  const token: { token: string; expiresAt: string; refreshAfter: string; identity: string | null } = issued.data;
  return { provider: issued.data.provider, identity: token.identity, token: token.token, expiresInMs: Date.parse(token.expiresAt) - Date.parse(issued.data.serverTime) };
}
`;

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  // So that an answer typed as a bare map (an empty schema) cannot pass for one with fields.
  noPropertyAccessFromIndexSignature: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
};

const run = promisify(execFile);
const NODE_MODULES = path.resolve(__dirname, '../../node_modules');

/** The document is usable by tools: a typed client generated from it compiles a tenant backend, which then works. */
describe('a typed client generated from /docs/openapi.json', () => {
  let ctx: IssuingContext;
  let dir: string;

  beforeAll(async () => {
    ctx = await createIssuingContext();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callpass-typed-client-'));
    fs.symlinkSync(NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
  });
  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('compiles a tenant backend in strict TypeScript (account, endpoint, token), and the backend gets a token over HTTP', async () => {
    fs.writeFileSync(path.join(dir, 'openapi.json'), (await ctx.t.http.get('/docs/openapi.json').expect(200)).text);
    // Its command line, as a tenant would run it (the package is ESM, which Jest cannot load in-process on Node 20).
    await run(process.execPath, [path.join(NODE_MODULES, 'openapi-typescript/bin/cli.js'), 'openapi.json', '-o', 'callpass-api.ts'], {
      cwd: dir,
    });
    fs.writeFileSync(path.join(dir, 'tenant-backend.ts'), TENANT_BACKEND);
    const program = ts.createProgram([path.join(dir, 'tenant-backend.ts')], { ...COMPILER_OPTIONS, outDir: dir });
    const problems = ts.getPreEmitDiagnostics(program).map((problem) => ts.flattenDiagnosticMessageText(problem.messageText, '\n'));
    expect(problems).toEqual([]);
    program.emit();

    await ctx.t.app.listen(0, '127.0.0.1');
    const baseUrl = (await ctx.t.app.getUrl()).replace('[::1]', '127.0.0.1');
    const { provider, baseUrl: accountUrl, config, secrets } = providerKits.twilio.emulatedAccount(ctx.emulators.twilio);
    const main = `require('./tenant-backend.js').tokenForAlice(...process.argv.slice(1, 3), JSON.parse(process.argv[3])).then((answer) => console.log(JSON.stringify(answer)))`;
    const account = JSON.stringify({ provider, baseUrl: accountUrl, config, secrets });
    const { stdout } = await run(process.execPath, ['-e', main, baseUrl, ctx.tenant.key, account], { cwd: dir });
    expect(JSON.parse(stdout)).toEqual({
      provider: 'twilio',
      identity: 'alice_42',
      token: expect.stringMatching(/^eyJ/),
      expiresInMs: 900_000,
    });
  });
});
