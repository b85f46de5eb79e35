import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '../..');

/** A documentation file's text, by its path from the repository's root: `README.md`, `docs/walk-through.md`, … */
export function readDoc(file: string): string {
  return fs.readFileSync(path.join(root, file), 'utf8');
}

/**
 * The code blocks in `language` between `<!-- name:start -->` and `<!-- name:end -->` in a documentation file.
 * Throws when the markers are missing, so that a block moved or renamed fails its test instead of running nothing.
 */
export function namedBlocks(file: string, name: string, language = 'bash'): string[] {
  const text = readDoc(file);
  const start = text.indexOf(`<!-- ${name}:start -->`);
  const end = text.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < start) throw new Error(`${file} has no block marked <!-- ${name}:start --> … <!-- ${name}:end -->`);
  return [...text.slice(start, end).matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1]);
}
