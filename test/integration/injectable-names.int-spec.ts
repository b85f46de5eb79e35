import fs from 'node:fs';
import path from 'node:path';

/** What an injectable may be named after: its role, so that a reader knows what a class is from its name. */
const ROLES = /(Service|Repository|Guard|Strategy|Pipe|Filter|Interceptor|Observer|Adapter|Registry|Client)$/;

/** The service's source files: not its tests, the generated code or the browser library (which has no Nest). */
function sourceFiles(): string[] {
  return fs
    .readdirSync('src', { recursive: true, encoding: 'utf8' })
    .filter((file) => /(?<!\.spec|\.e2e-spec)\.ts$/.test(file) && !/^(generated|browser-client)\//.test(file))
    .map((file) => path.join('src', file));
}

describe('injectables', () => {
  const injectables = sourceFiles().flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/@Injectable\([^)]*\)\s*(?:export )?(?:abstract )?class (\w+)/g)].map((match) => ({
      file,
      name: match[1],
    })),
  );

  it('are found', () => {
    expect(injectables.length).toBeGreaterThan(50);
  });

  it('are each named after their role', () => {
    expect(injectables.filter(({ name }) => !ROLES.test(name))).toEqual([]);
  });

  it('in a .service.ts file are services', () => {
    expect(injectables.filter(({ file, name }) => file.endsWith('.service.ts') && !name.endsWith('Service'))).toEqual([]);
  });
});
