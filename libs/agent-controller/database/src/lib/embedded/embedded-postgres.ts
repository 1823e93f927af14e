// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient .d.ts cannot be imported
/// <reference path="./pglite-node-postgres.d.ts" />
import type { PGlite } from '@electric-sql/pglite';
import type { PGlitePgConfig } from '@electric-sql/pglite/node-postgres';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
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
      if (!existsSync(join(dataDir, 'PG_VERSION'))) await initializeInWorker(dataDir);
      const { PGlite } = await import('@electric-sql/pglite');
      const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
      const pglite = await PGlite.create(dataDir);
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

// Resolved from the working directory (the app's root in every way we start it), since a bundled
// module path would not exist inside an eval'd worker.
const INITIALIZE_SOURCE = `
  const { workerData, parentPort } = require('node:worker_threads');
  const { PGlite } = require('@electric-sql/pglite');
  PGlite.create(workerData.dataDir).then((db) => db.close()).then(() => parentPort.postMessage('initialized'));
`;

/**
 * initdb in WASM peaks at ~800 MB; doing it in a worker that then exits returns that memory, so the
 * server keeps only what an existing database costs to open (~300 MB).
 */
function initializeInWorker(dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let initialized = false;
    const worker = new Worker(INITIALIZE_SOURCE, { eval: true, workerData: { dataDir } });
    worker.once('message', () => {
      initialized = true;
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', () =>
      initialized ? resolve() : reject(new Error('Embedded database initialisation stopped before it finished')),
    );
  });
}
