import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator';
import type * as SwaggerPlugin from '@nestjs/swagger/dist/plugin';

/**
 * `npm run api-docs:generate`: reads the DTOs, responses and controllers (types, class-validator rules, doc comments)
 * into src/generated/api-metadata.ts, which every way of starting Callpass loads before it builds /docs: what the
 * Swagger compiler plugin does inside `nest build`, made once for the build, the sandbox and the tests alike.
 * Skipped when no source file changed since the last run.
 */
const root = path.resolve(__dirname, '../..');
const output = path.join(root, 'src/generated/api-metadata.ts');

function newestSource(dir: string): number {
  return Math.max(
    0,
    ...fs.readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'generated' ? 0 : newestSource(file);
      return entry.name.endsWith('.ts') ? fs.statSync(file).mtimeMs : 0;
    }),
  );
}

const newest = newestSource(path.join(root, 'src'));
if (!fs.existsSync(output) || fs.statSync(output).mtimeMs < newest) {
  // The visitor is exported as '@nestjs/swagger/plugin', whose types TypeScript's "node" resolution cannot find.
  const { ReadonlyVisitor } = createRequire(__filename)('@nestjs/swagger/plugin') as typeof SwaggerPlugin;
  // The previous output is type-checked with the sources: one naming a file since deleted would stop the generator.
  const placeholder = "export default async () => ({ '@nestjs/swagger': { models: [], controllers: [] } });\n";
  fs.writeFileSync(output, placeholder);
  new PluginMetadataGenerator().generate({
    visitors: [
      new ReadonlyVisitor({
        introspectComments: true,
        classValidatorShim: true,
        pathToSource: path.dirname(output),
        // The plugin reads `.dto.ts` and `.entity.ts` files by default; answers live in `.response(s).ts` files, and one
        // class they nest in its own file. The api-docs test fails on any answer left without its properties.
        dtoFileNameSuffix: ['.dto.ts', '.response.ts', '.responses.ts', '/chain-position.ts'],
      }),
    ],
    outputDir: path.dirname(output),
    filename: path.basename(output),
    // The service's files only (tsconfig.build.json): the sandbox's demo must not be loaded by the service's /docs.
    tsconfigPath: path.relative(process.cwd(), path.join(root, 'tsconfig.build.json')),
    printDiagnostics: false,
  });
  // The generator reports type errors but writes nothing then; stale metadata must not pass unnoticed.
  if (fs.readFileSync(output, 'utf8') === placeholder) {
    console.error('api-docs:generate wrote nothing: fix the type errors above (npm run typecheck lists them).');
    process.exit(1);
  }
}
