import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DataDirLock, isProcessRunning as isRunning } from './data-dir-lock';

/** A pid no process has right now, checked rather than assumed. */
function deadPid(): number {
  for (let pid = 999_999; pid > 900_000; pid -= 7) {
    if (!isRunning(pid)) return pid;
  }
  throw new Error('no unused pid found');
}

describe('DataDirLock', () => {
  let root: string;
  let lockPath: string;
  const held: DataDirLock[] = [];

  const acquire = (path = lockPath): DataDirLock => {
    const lock = DataDirLock.acquire(path);
    held.push(lock);
    return lock;
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'agent-controller-lock-'));
    lockPath = join(root, 'data', 'postgres.lock');
  });

  afterEach(() => {
    for (const lock of held.splice(0)) lock.release();
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the lock file holding this process id', () => {
    const lock = acquire();

    expect(lock.path).toBe(lockPath);
    expect(readFileSync(lockPath, 'utf8')).toBe(String(process.pid));
    expect(statSync(lockPath).mode & 0o777).toBe(0o600);
  });

  it('creates the parent directory', () => {
    const nested = join(root, 'a', 'b', 'c', 'postgres.lock');
    expect(existsSync(dirname(nested))).toBe(false);

    acquire(nested);

    expect(readFileSync(nested, 'utf8')).toBe(String(process.pid));
  });

  describe('held by another running process', () => {
    let owner: ChildProcess;

    beforeAll(async () => {
      owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      await new Promise<void>((resolve, reject) => {
        owner.once('spawn', () => resolve());
        owner.once('error', reject);
      });
    });

    afterAll(() => {
      owner.kill();
    });

    it('refuses to acquire, naming the owner pid and the lock file', () => {
      const ownerPid = owner.pid as number;
      expect(isRunning(ownerPid)).toBe(true);
      mkdirSync(dirname(lockPath), { recursive: true });
      writeFileSync(lockPath, String(ownerPid));

      expect(() => acquire()).toThrow(`is in use by process ${ownerPid} (lock file ${lockPath})`);
      expect(() => acquire()).toThrow(dirname(lockPath));
    });

    it('leaves the owner lock file in place', () => {
      const ownerPid = owner.pid as number;
      mkdirSync(dirname(lockPath), { recursive: true });
      writeFileSync(lockPath, String(ownerPid));

      expect(() => acquire()).toThrow();
      expect(readFileSync(lockPath, 'utf8')).toBe(String(ownerPid));
    });
  });

  describe('stale locks', () => {
    it('takes over a lock whose owner is no longer running', () => {
      const pid = deadPid();
      mkdirSync(dirname(lockPath), { recursive: true });
      writeFileSync(lockPath, String(pid));

      acquire();

      expect(readFileSync(lockPath, 'utf8')).toBe(String(process.pid));
    });

    it.each([
      ['empty', ''],
      ['garbage', 'not a pid'],
    ])('takes over a lock file that is %s', (_label, content) => {
      mkdirSync(dirname(lockPath), { recursive: true });
      writeFileSync(lockPath, content);

      acquire();

      expect(readFileSync(lockPath, 'utf8')).toBe(String(process.pid));
    });

    it('takes over a lock left with this same pid by an earlier run (pid reuse in containers)', () => {
      mkdirSync(dirname(lockPath), { recursive: true });
      writeFileSync(lockPath, String(process.pid));

      acquire();

      expect(readFileSync(lockPath, 'utf8')).toBe(String(process.pid));
    });
  });

  describe('within one process', () => {
    it('refuses a second acquire of a lock this process already holds', () => {
      const lock = acquire();
      expect(() => acquire()).toThrow(/already held by this process/);
      lock.release();
      expect(() => acquire().release()).not.toThrow();
    });
  });

  describe('release', () => {
    it('removes the lock file', () => {
      const lock = acquire();

      lock.release();

      expect(existsSync(lockPath)).toBe(false);
    });

    it('is idempotent', () => {
      const lock = acquire();

      lock.release();
      expect(() => lock.release()).not.toThrow();
      expect(existsSync(lockPath)).toBe(false);
    });

    it('does not fail when the lock file is already gone', () => {
      const lock = acquire();
      unlinkSync(lockPath);

      expect(() => lock.release()).not.toThrow();
    });

    it('does not remove a lock taken by someone else after the release', () => {
      const lock = acquire();
      lock.release();
      writeFileSync(lockPath, '12345');

      lock.release();

      expect(readFileSync(lockPath, 'utf8')).toBe('12345');
    });

    it('lets the path be locked again', () => {
      acquire().release();

      expect(() => acquire()).not.toThrow();
      expect(readFileSync(lockPath, 'utf8')).toBe(String(process.pid));
    });

    it('registers a release on process exit and removes it on release', () => {
      const before = process.listenerCount('exit');
      const lock = acquire();
      expect(process.listenerCount('exit')).toBe(before + 1);

      lock.release();

      expect(process.listenerCount('exit')).toBe(before);
    });
  });
});
