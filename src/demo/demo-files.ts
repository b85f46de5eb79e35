import fs from 'node:fs';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

export const DEMO_FILES = Symbol('DemoFiles');

export interface DemoFile {
  contentType: string;
  body: Buffer;
}

/**
 * The demo page's files and the browser library's build, read once at boot into a fixed table: a request names a
 * file in the table or gets a 404, so no request path ever reaches the file system.
 */
export function loadDemoFiles(pageDir: string, libraryDir: string): Map<string, DemoFile> {
  if (!fs.existsSync(path.join(libraryDir, 'index.js')))
    throw new Error(`The browser library is not built (${libraryDir}): run npm run build:browser-client`);
  const files = new Map<string, DemoFile>();
  const add = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
      const contentType = CONTENT_TYPES[path.extname(entry.name)];
      if (!entry.isFile() || !contentType) continue;
      const full = path.join(entry.parentPath, entry.name);
      files.set(`${prefix}${path.relative(dir, full).split(path.sep).join('/')}`, { contentType, body: fs.readFileSync(full) });
    }
  };
  add(pageDir, '');
  add(libraryDir, 'lib/');
  return files;
}
