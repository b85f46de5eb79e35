// Builds @callpass/browser into dist/: ES modules with type declarations (tsc), and one minified file for a
// <script> tag that defines `Callpass` (esbuild). `npm run build:browser-client` runs it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(packageDir, 'dist');
const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));

// From scratch: a file left from an earlier build must not reach the package.
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(packageDir, 'tsconfig.json')], { stdio: 'inherit' });
await build({
  entryPoints: [path.join(packageDir, 'index.ts')],
  outfile: path.join(dist, 'callpass-browser.min.js'),
  bundle: true,
  format: 'iife',
  globalName: 'Callpass',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
