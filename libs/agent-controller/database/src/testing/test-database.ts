import type { DatabaseConfig } from '@agent-controller/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A database that exists for one test file and is dropped afterwards. */
export interface TestDatabase {
  backend: 'server' | 'embedded';
  config: DatabaseConfig;
  /** Environment for a controller process using this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * `TEST_DATABASE_URL` (a URL to a maintenance database such as `postgres://postgres@127.0.0.1:5432/postgres`)
 * selects a real server, where each call creates a fresh, empty database. Without it, tests run on the
 * embedded database in a fresh temporary directory.
 */
export function testBackend(): 'server' | 'embedded' {
  return process.env['TEST_DATABASE_URL'] ? 'server' : 'embedded';
}

export async function createTestDatabase(backend = testBackend()): Promise<TestDatabase> {
  return backend === 'server' ? createServerDatabase(serverUrl()) : createEmbeddedDatabase();
}

function serverUrl(): string {
  const url = process.env['TEST_DATABASE_URL'];
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  return url;
}

async function withAdminClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createServerDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `ac_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    backend: 'server',
    config: {
      kind: 'server',
      url: url.toString(),
      host: url.hostname,
      port: Number(url.port || 5432),
      username: decodeURIComponent(url.username),
      database: name,
      ssl: false,
      poolSize: 5,
      statementTimeoutMs: 30_000,
    },
    env: { DATABASE_URL: url.toString() },
    drop: () =>
      withAdminClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

function createEmbeddedDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ac-test-'));
  return Promise.resolve({
    backend: 'embedded',
    config: { kind: 'embedded', dataDir: join(dataDir, 'postgres') },
    env: { DATA_DIR: dataDir },
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  });
}
