// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient .d.ts cannot be imported
/// <reference path="./pglite-node-postgres.d.ts" />
import type { PGlite } from '@electric-sql/pglite';
import type { PGlitePgConfig } from '@electric-sql/pglite/node-postgres';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
