import { createTestDatabase, testBackend, TestDatabase } from '@agent-controller/database/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { RunningController, startController } from '../support/controller-process';
import { Api, setUpFirstAdmin } from '../support/http';

/** The key the controller's replicas take turns under while migrating (ADVISORY_LOCKS.migrations). */
const MIGRATIONS_LOCK = 715_204_981;

/**
 * A statement stuck behind a lock that another session holds (a long migration by hand, an operator's open
 * transaction) is cancelled after DB_STATEMENT_TIMEOUT_SECONDS: its request answers 503 with Retry-After instead of
 * hanging, the pool is not pinned, and the same request succeeds once the lock is gone. Migrations are exempt: a
 * replica waits for another replica's migration lock as long as it takes. PostgreSQL server only (the embedded
 * database is one in-process session with nothing to lock against).
 */
(testBackend() === 'server' ? describe : describe.skip)('statement timeout', () => {
  let database: TestDatabase;
  let controller: RunningController;
  let holder: Client;
  let api: Api;
  let admin: string;

  async function connect(): Promise<Client> {
    if (database.config.kind !== 'server') throw new Error('a server database is needed');
    const client = new Client({ connectionString: database.config.url });
    await client.connect();
    return client;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    holder = await connect();
  });

  afterAll(async () => {
    await holder?.end();
    if (controller) await controller.stop();
    else await database?.drop();
  });

  it('waits for another replica migrating, however long that takes, instead of timing out', async () => {
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK]);
    const unlockAt = Date.now() + 2_500;
    const unlocked = sleep(2_500).then(() => holder.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK]));
    // A one-second statement timeout: the wait for the lock alone is longer than that.
    controller = await startController({ database, env: { DB_STATEMENT_TIMEOUT_SECONDS: '1' } });
    const healthyAt = Date.now();
    await unlocked;
    expect(healthyAt).toBeGreaterThanOrEqual(unlockAt);
    // In one go: the wait was not cancelled and retried (the start-up retries would hide that behind a success).
    expect(controller.output()).not.toMatch(/statement timeout|Retrying/);
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    expect((await api.get('/api/clients', { token: admin })).status).toBe(200);
  }, 60_000);

  it('answers 503 with Retry-After while a lock holds its statement, without pinning the pool', async () => {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE clients IN ACCESS EXCLUSIVE MODE');
    try {
      // More blocked requests than the pool has connections (10): none may wait for another's connection long.
      const started = Date.now();
      const blocked = await Promise.all(Array.from({ length: 12 }, () => api.get('/api/clients', { token: admin })));
      const took = Date.now() - started;
      for (const response of blocked) {
        expect(response.status).toBe(503);
        expect(response.body.code).toBe('DATABASE_UNAVAILABLE');
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      // Each was cancelled after about a second; two rounds of the pool at most, far from hanging.
      expect(took).toBeLessThan(8_000);
      // What does not touch the locked table is served meanwhile.
      expect((await api.get('/api/users', { token: admin })).status).toBe(200);
    } finally {
      await holder.query('ROLLBACK');
    }
    const after = await api.get('/api/clients', { token: admin });
    expect(after.status).toBe(200);
    expect(controller.process.exitCode).toBeNull();
  }, 60_000);
});
