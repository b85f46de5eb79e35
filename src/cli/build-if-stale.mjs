// `npm start`, `npm run setup` and the `callpass` command run this first: it builds only when a source file changed
// since the last build (or there is none), so a restart takes seconds. Plain JavaScript: it has to run before anything
// is compiled.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const built = path.join(root, 'dist/main.js');

function newest(entry) {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  if (['generated', 'dist'].includes(path.basename(entry))) return 0;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newest(path.join(entry, name))));
}

const sources = Math.max(
  newest(path.join(root, 'src')),
  newest(path.join(root, 'prisma/schema.prisma')),
  newest(path.join(root, 'package-lock.json')),
  ...['tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'].map((file) => newest(path.join(root, file))),
);
if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < sources) {
  console.error(`${fs.existsSync(built) ? 'Sources changed since the last build' : 'No build yet'}: building Callpass (a minute or two)…`);
  try {
    // The build's progress (Prisma, the type checker) is noise here, and stdout belongs to the command run next.
    execSync('npm run -s build', { cwd: root, stdio: 'pipe' });
  } catch (error) {
    process.stderr.write(error.stdout ?? '');
    process.stderr.write(error.stderr ?? '');
    console.error('The build failed (above).');
    process.exit(1);
  }
}
