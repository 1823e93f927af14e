// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient .d.ts cannot be imported
/// <reference path="./pglite-node-postgres.d.ts" />
import type { PGlite } from '@electric-sql/pglite';
import type { PGlitePgConfig } from '@electric-sql/pglite/node-postgres';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataDirLock } from './data-dir-lock';

/**
 * PGlite (PostgreSQL compiled to WASM) in this process, exposed through its node-postgres adapter so
 * TypeORM's ordinary `postgres` driver and `pg` serve it exactly as they serve a real server.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly pglite: PGlite,
    readonly pgConfig: PGlitePgConfig,
    private readonly lock: DataDirLock,
  ) {}

  static async open(dataDir: string): Promise<EmbeddedPostgres> {
    // PGlite's own mkdir is not recursive.
    mkdirSync(dirname(dataDir), { recursive: true });
    const lock = DataDirLock.acquire(`${dataDir}.lock`);
    try {
      if (!existsSync(join(dataDir, 'PG_VERSION'))) await initializeInChildProcess(dataDir);
      const { PGlite } = await import('@electric-sql/pglite');
      const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
      // The trigram index of the agents search (migration ClientAgentSnapshots); PGlite loads contrib on request.
      const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
      const pglite = await PGlite.create(dataDir, {
        startParams: [...PGlite.defaultStartParams, ...SETTINGS],
        extensions: { pg_trgm },
      });
      return new EmbeddedPostgres(pglite, createPgConfig(pglite), lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  async close(): Promise<void> {
    try {
      if (!this.pglite.closed) await this.pglite.close();
    } finally {
      this.lock.release();
    }
  }
}

/**
 * Added to PGlite's own start parameters. In WASM, shared memory lives in the module's heap, which never
 * shrinks: initdb's `shared_buffers = 128MB` alone cost ~140 MB of resident memory, where one session on a
 * small database reads its data files from the OS page cache just as well.
 */
const SETTINGS = ['-c', 'shared_buffers=16MB'];

// Resolved from the working directory (the app's root in every way we start it), since a bundled
// module path would not exist in a separate `node -e`. The child ends when the server does (the IPC
// channel closes), as a worker thread would.
const INITIALIZE_SOURCE = `
  const { PGlite } = require('@electric-sql/pglite');
  const [dataDir, settings] = process.argv.slice(1);
  process.on('disconnect', () => process.exit(1));
  PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, ...JSON.parse(settings)] })
    .then((db) => db.close())
    .then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
`;

/**
 * initdb in WASM peaks at ~800 MB. In a child process, all of it goes back to the system when the child
 * exits; a worker thread left ~120 MB of its allocations (malloc arenas, the main heap) in the server for good.
 */
function initializeInChildProcess(dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', INITIALIZE_SOURCE, dataDir, JSON.stringify(SETTINGS)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`Embedded database initialisation failed (${signal ?? `exit code ${code}`}): ${stderr.trim()}`),
          ),
    );
  });
}
