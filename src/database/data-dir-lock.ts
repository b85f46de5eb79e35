import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';

  constructor(
    message: string,
    /** Which process holds the folder, as it wrote itself down ("process 123 on host"). */
    readonly owner: string,
  ) {
    super(message);
  }
}

/** A lock its owner stopped refreshing this long ago belongs to a process that is gone (a crash, kill -9). */
const STALE_MS = 5_000;
const REFRESH_MS = 1_000;

/**
 * Makes one process at a time the owner of an embedded database folder: two PGlite instances on one folder
 * overwrite each other's writes. proper-lockfile's lock (an atomic mkdir whose mtime the owner refreshes) works
 * across processes, containers sharing a volume, and process-id reuse; a crashed owner's lock goes stale within
 * 5 s, and a new process waits that long before giving up. Resolves with the release function.
 */
export async function lockDataDir(dir: string, onLost: (error: Error) => void): Promise<() => Promise<void>> {
  const ownerFile = path.join(dir, 'lock-owner');
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: path.join(dir, 'lock'),
      realpath: false,
      stale: STALE_MS,
      update: REFRESH_MS,
      retries: { retries: Math.ceil(STALE_MS / REFRESH_MS) + 1, factor: 1, minTimeout: REFRESH_MS, maxTimeout: REFRESH_MS },
      onCompromised: onLost,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const owner = ownerOf(ownerFile);
    throw new DataDirInUseError(
      `The embedded database in ${dir} is in use by ${owner} (another Callpass). Stop it, or give this process its own DATA_DIR.`,
      owner,
    );
  }
  fs.writeFileSync(ownerFile, `process ${process.pid} on ${os.hostname()}`);
  return async () => {
    fs.rmSync(ownerFile, { force: true });
    await release();
  };
}

function ownerOf(ownerFile: string): string {
  try {
    return fs.readFileSync(ownerFile, 'utf8');
  } catch {
    return 'another process';
  }
}
