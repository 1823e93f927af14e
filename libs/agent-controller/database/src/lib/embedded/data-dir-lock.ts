import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Another live process holds the data directory; retrying cannot help. */
export class DataDirLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirLockedError';
  }
}

/**
 * An exclusive lock file beside the embedded data directory. Two processes opening the same PGlite
 * directory see no error and silently lose each other's writes, so the second one must not start.
 */
export class DataDirLock {
  private released = false;
  private readonly releaseOnExit = () => this.release();

  private constructor(readonly path: string) {
    process.once('exit', this.releaseOnExit);
  }

  static acquire(path: string): DataDirLock {
    mkdirSync(dirname(path), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
        if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
          throw new DataDirLockedError(
            `The embedded database at ${dirname(path)} is in use by process ${owner} (lock file ${path}). ` +
              'Stop that process, or give this one another DATA_DIR.',
          );
        }
        // The owner is gone (crash, kill -9): the lock is stale.
        unlinkSync(path);
      }
    }
    throw new Error(`Could not lock ${path}`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.releaseOnExit);
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
