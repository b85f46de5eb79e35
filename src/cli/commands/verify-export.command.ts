import fs from 'node:fs';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Command } from 'commander';
import { JSONWebKeySet } from 'jose';
import { verifyExport } from '../../audit-streaming/export-verifier';
import { CliError } from '../cli-error';
import { Output, printRecord, printTable } from '../output';

/**
 * `callpass audit verify-export`: proves a received audit stream complete and unaltered up to its last checkpoint,
 * offline (no database, no server), from the files (NDJSON, gzip or not; webhook bodies one per line) or stdin.
 */
export function verifyExportCommand(audit: Command, output: () => Output): void {
  audit
    .command('verify-export [files...]')
    .description('check a received audit stream against its signed checkpoints; exit 1 naming the first gap or edit')
    .requiredOption('--keys <file>', 'the checkpoint keys, as GET /v1/audit-stream/keys serves them')
    .action(async (files: string[], options: { keys: string }) => {
      const verification = await verifyExport(linesOf(files), readKeySet(options.keys));
      if (!verification.intact) process.exitCode = 1;
      const { chains, ...summary } = verification;
      if (output().json) return printRecord(output(), { ...verification });
      printRecord(output(), summary);
      printTable(
        output(),
        chains.map((chain) => ({
          ...chain,
          problem: chain.problem && `${chain.problem.kind} at ${chain.problem.seq ?? '-'}: ${chain.problem.detail}`,
        })),
        ['log', 'tenantId', 'events', 'elided', 'repeats', 'startSeq', 'verifiedThrough', 'unconfirmed', 'problem'],
      );
    });
}

function readKeySet(file: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the keys in ${file}: ${(error as Error).message}`, 2);
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { keys?: unknown }).keys)) {
    throw new CliError(`${file} is not a JWK set ({"keys": [...]})`, 2);
  }
  return parsed as JSONWebKeySet;
}

/** Every line of every input, in order; gzip is recognised by its first bytes. */
async function* linesOf(files: string[]): AsyncGenerator<string> {
  for (const file of files.length === 0 ? ['-'] : files) {
    const raw = file === '-' ? process.stdin : fs.createReadStream(file);
    const input = await gunzipIfNeeded(raw, file);
    yield* readline.createInterface({ input, crlfDelay: Infinity });
  }
}

async function gunzipIfNeeded(stream: Readable, name: string): Promise<Readable> {
  const chunks: Buffer[] = [];
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = Buffer.alloc(0);
  try {
    while (head.length < 2) {
      const next = await iterator.next();
      if (next.done) break;
      chunks.push(next.value);
      head = Buffer.concat(chunks);
    }
  } catch (error) {
    throw new CliError(`cannot read ${name}: ${(error as Error).message}`, 2);
  }
  const rest = Readable.from(
    (async function* () {
      yield* chunks;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    })(),
  );
  return head[0] === 0x1f && head[1] === 0x8b ? rest.pipe(createGunzip()) : rest;
}
