import fs from 'node:fs';
import path from 'node:path';

/**
 * The build that `npm start` and images run (dist/, made by tsconfig.build.json; `npm test` builds it first when
 * stale) holds the service and the CLI only: no provider emulator, fake credentials, kit, sandbox or demo. The lint's
 * dependency rules keep the service from importing them; this checks what was actually built.
 */
describe('the production build', () => {
  const files = fs.readdirSync('dist', { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));

  it('is there and holds the service', () => {
    expect(files).toEqual(expect.arrayContaining(['main.js', path.join('cli', 'callpass.js'), path.join('providers', 'provider-list.js')]));
  });

  it('has no sandbox-only file', () => {
    const sandboxOnly = /(^|\/)(sandbox|demo)\/|emulator|\.kit\.js$|provider-kits?\.js$/;
    expect(files.filter((file) => sandboxOnly.test(file))).toEqual([]);
  });

  it('names no emulator and loads nothing of the demo, not even for /docs', () => {
    const mentions = files.filter((file) => /Emulator\b|['"]\.\.\/demo\//.test(fs.readFileSync(path.join('dist', file), 'utf8')));
    expect(mentions).toEqual([]);
  });
});
