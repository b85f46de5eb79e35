import fs from 'node:fs';
import path from 'node:path';
import { Injectable } from '@nestjs/common';

/** The console's build (`npm run build:console`): `src/console/web/dist`, from `src/console` and `dist/console` alike. */
export const CONSOLE_BUILD_DIR = path.join(__dirname, '../../src/console/web/dist');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface ConsoleBuild {
  page: Buffer;
  /** By file name: the bundles, named by a digest of their bytes. */
  assets: Map<string, { body: Buffer; contentType: string }>;
}

/** The console this server serves, read once at boot; undefined when it was not built. */
export function loadConsoleBuild(buildDir = CONSOLE_BUILD_DIR): ConsoleBuild | undefined {
  const pagePath = path.join(buildDir, 'index.html');
  if (!fs.existsSync(pagePath)) return undefined;
  const assets = new Map<string, { body: Buffer; contentType: string }>();
  for (const name of fs.readdirSync(path.join(buildDir, 'assets'))) {
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (contentType) assets.set(name, { body: fs.readFileSync(path.join(buildDir, 'assets', name)), contentType });
  }
  return { page: fs.readFileSync(pagePath), assets };
}

@Injectable()
export class ConsoleFilesService {
  readonly build: ConsoleBuild | undefined = loadConsoleBuild();
}
