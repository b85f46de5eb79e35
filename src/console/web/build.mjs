// Builds the console into dist/: its script and styles bundled by esbuild (Preact, uPlot), named by a digest of their
// bytes so they can be cached for good, and index.html pointing at them. `npm run build:console` runs it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(webDir, 'dist');
const assets = path.join(dist, 'assets');
const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(webDir, 'tsconfig.json')], { stdio: 'inherit' });
const result = await build({
  entryPoints: [path.join(webDir, 'main.tsx')],
  outdir: assets,
  entryNames: 'console.[hash]',
  bundle: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
const built = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
const named = (extension) => built.find((file) => file.endsWith(extension));
const page = fs
  .readFileSync(path.join(webDir, 'index.html'), 'utf8')
  .replace('{{script}}', named('.js'))
  .replace('{{styles}}', named('.css'));
fs.writeFileSync(path.join(dist, 'index.html'), page);
