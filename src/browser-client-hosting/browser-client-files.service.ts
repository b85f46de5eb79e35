import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Injectable } from '@nestjs/common';

/** The single-file build of `@callpass/browser`, for a `<script>` tag. */
const SCRIPT_FILE = 'callpass-browser.min.js';

/** The browser library's package folder: `src/browser-client`, from `src/<area>` and from `dist/<area>` alike. */
export const BROWSER_CLIENT_DIR = path.join(__dirname, '../../src/browser-client');

export interface BrowserClientBuild {
  name: string;
  version: string;
  script: Buffer;
  /**
   * Where it is served: its version and a digest of its bytes (`/v1/browser/0.2.0/callpass-browser.3f2a….min.js`),
   * so that it can be cached for good: other bytes, even under the same version, get another URL.
   */
  url: string;
  /** Subresource Integrity of the script: `sha384-` and its digest in base64. */
  integrity: string;
}

/** The build this server was shipped with, read once at boot; undefined when the library was not built. */
export function loadBrowserClientBuild(packageDir = BROWSER_CLIENT_DIR): BrowserClientBuild | undefined {
  const scriptPath = path.join(packageDir, 'dist', SCRIPT_FILE);
  if (!fs.existsSync(scriptPath)) return undefined;
  const { name, version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const script = fs.readFileSync(scriptPath);
  const digest = createHash('sha256').update(script).digest('hex').slice(0, 16);
  return {
    name,
    version,
    script,
    url: `/v1/browser/${version}/callpass-browser.${digest}.min.js`,
    integrity: `sha384-${createHash('sha384').update(script).digest('base64')}`,
  };
}

/** The build of `@callpass/browser` this server serves, read once at boot. */
@Injectable()
export class BrowserClientFilesService {
  readonly build: BrowserClientBuild | undefined = loadBrowserClientBuild();
}
