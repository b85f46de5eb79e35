import fs from 'node:fs';

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/**
 * Makes one process at a time the owner of an embedded database folder: two PGlite instances on one folder
 * overwrite each other's writes. The lock file holds the owner's process id; a lock whose process is gone (a
 * crash, kill -9) is taken over at once. Returns the release function.
 */
export function lockDataDir(dir: string, lockFile: string): () => void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(fs.readFileSync(lockFile, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
      throw new DataDirInUseError(
        `The embedded database in ${dir} is in use by process ${holder} (another Callpass). Stop that process, or give this one its own DATA_DIR.`,
      );
    }
    // Left by a process that no longer runs. (Two processes taking over the same stale lock in the same instant
    // is the one case this cannot tell apart.)
    fs.rmSync(lockFile, { force: true });
  }
  throw new DataDirInUseError(`Could not lock ${lockFile}: another process keeps taking it`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
