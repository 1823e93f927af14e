import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function isProcessRunning(pid: number): boolean {
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
  /** Locks this process holds: a lock file with our own pid may be a leftover (pid reuse), these are not. */
  private static readonly held = new Set<string>();

  private released = false;
  private readonly releaseOnExit = () => this.release();

  private constructor(readonly path: string) {
    process.once('exit', this.releaseOnExit);
  }

  static acquire(path: string): DataDirLock {
    if (DataDirLock.held.has(path))
      throw new DataDirLockedError(`The embedded database lock ${path} is already held by this process`);
    mkdirSync(dirname(path), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
        DataDirLock.held.add(path);
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const content = readFileSync(path, 'utf8');
        const owner = Number.parseInt(content, 10);
        // In containers the same pid often comes back after a crash, so our own pid means a leftover.
        if (Number.isInteger(owner) && owner !== process.pid && isProcessRunning(owner)) {
          throw new DataDirLockedError(
            `The embedded database at ${dirname(path)} is in use by process ${owner} (lock file ${path}). ` +
              'Stop that process, or give this one another DATA_DIR.',
          );
        }
        // The owner is gone (crash, kill -9): the lock is stale. Remove it only if nobody replaced it meanwhile.
        if (readFileSync(path, 'utf8') === content) unlinkSync(path);
      }
    }
    throw new Error(`Could not lock ${path}`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    DataDirLock.held.delete(this.path);
    process.removeListener('exit', this.releaseOnExit);
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
