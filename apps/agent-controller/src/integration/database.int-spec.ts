import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  EncryptionKeyring,
  encryptedColumn,
  installEncryptionKeyring,
  isUniqueViolation,
  MIGRATIONS,
  openDataSource,
} from '@agent-controller/database';
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ENTITIES } from '../app/entities';

@Entity('encryption_probe')
class EncryptionProbe {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'text', nullable: true, transformer: encryptedColumn })
  secret!: string | null;
}

async function tableNames(dataSource: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

describe(`database (${process.env['TEST_DATABASE_URL'] ? 'PostgreSQL server' : 'embedded PGlite'})`, () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  before(async () => {
    database = await createTestDatabase();
    dataSource = await openDataSource(database.config, ENTITIES);
  });

  after(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('runs every migration on an empty database', async () => {
    const applied: { name: string }[] = await dataSource.query('SELECT name FROM migrations ORDER BY id');
    assert.deepEqual(
      applied.map((row) => row.name),
      MIGRATIONS.map((migration) => migration.name),
    );
    const tables = await tableNames(dataSource);
    for (const table of ['users', 'setup_tokens', 'migrations']) assert.ok(tables.includes(table), `${table} exists`);
  });

  it('has migrations that match the entities exactly (generating a migration yields nothing)', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    assert.deepEqual(
      pending.upQueries.map((query) => query.query),
      [],
    );
  });

  it('reverts every migration and applies them again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    assert.deepEqual(await tableNames(dataSource), ['migrations']);
    await dataSource.runMigrations();
    assert.ok((await tableNames(dataSource)).includes('users'));
  });

  it('marks the clients that succeeded provisioning jobs made before the runner marked them', async () => {
    // Back to before the backfill (and whatever came after it).
    const backfill = MIGRATIONS.findIndex((migration) => migration.name === 'AutoProvisionedBackfill1796660000000');
    for (let i = backfill; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    const [made, failedJob, registered] = await Promise.all(
      ['made', 'failed', 'registered'].map(async (name) => {
        const [row] = await dataSource.query(
          `INSERT INTO clients (name, endpoint, authentication_type) VALUES ($1, 'http://127.0.0.1:9', 'api_key') RETURNING id`,
          [`backfill-${name}`],
        );
        return row.id as string;
      }),
    );
    for (const [clientId, status] of [
      [made, 'succeeded'],
      [failedJob, 'failed'],
    ]) {
      await dataSource.query(
        `INSERT INTO provisioning_jobs (status, provider_type, server_type, client_name, settings, secrets, steps, server_name, client_id, warnings)
         VALUES ($1, 'hetzner', 'cx23', 'job', '{}', '', '[]', 'server', $2, '[]')`,
        [status, clientId],
      );
    }
    await dataSource.runMigrations();
    const rows: { id: string; is_auto_provisioned: boolean }[] = await dataSource.query(
      'SELECT id, is_auto_provisioned FROM clients WHERE id = ANY($1)',
      [[made, failedJob, registered]],
    );
    const flag = new Map(rows.map((row) => [row.id, row.is_auto_provisioned]));
    assert.deepEqual([flag.get(made), flag.get(failedJob), flag.get(registered)], [true, false, false]);
    await dataSource.query('DELETE FROM provisioning_jobs');
    await dataSource.query('DELETE FROM clients WHERE id = ANY($1)', [[made, failedJob, registered]]);
  });

  it('refuses a second user with the same e-mail, also when both inserts race', async () => {
    const email = `race-${randomBytes(4).toString('hex')}@example.com`;
    const insert = () => dataSource.query(`INSERT INTO users (email, role) VALUES ($1, 'user')`, [email]);
    const results = await Promise.allSettled([insert(), insert()]);
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    assert.ok(isUniqueViolation(rejected.reason), 'the loser gets a unique violation, which the API maps to 409');
  });

  it('refuses e-mails that are not lower-case and roles outside the list', async () => {
    await assert.rejects(dataSource.query(`INSERT INTO users (email, role) VALUES ('Mixed@Example.com', 'user')`));
    await assert.rejects(dataSource.query(`INSERT INTO users (email, role) VALUES ('x@example.com', 'root')`));
  });
});

describe('encrypted columns', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  before(async () => {
    database = await createTestDatabase();
    dataSource = await openDataSource(database.config, [...ENTITIES, EncryptionProbe]);
    await dataSource.query('CREATE TABLE encryption_probe (id serial PRIMARY KEY, secret text)');
  });

  after(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('stores ciphertext, never the plaintext, and reads the plaintext back', async () => {
    installEncryptionKeyring(new EncryptionKeyring(oldKey));
    const repository = dataSource.getRepository(EncryptionProbe);
    const saved = await repository.save(repository.create({ secret: 'sk-live "quoted" $HOME\nline two ✓' }));

    const [raw]: { secret: string }[] = await dataSource.query('SELECT secret FROM encryption_probe WHERE id = $1', [
      saved.id,
    ]);
    assert.match(raw.secret, /^v1:[0-9a-f]{12}:/);
    assert.ok(!raw.secret.includes('sk-live'));

    const loaded = await repository.findOneByOrFail({ id: saved.id });
    assert.equal(loaded.secret, 'sk-live "quoted" $HOME\nline two ✓');
  });

  it('keeps nulls as nulls', async () => {
    installEncryptionKeyring(new EncryptionKeyring(oldKey));
    const repository = dataSource.getRepository(EncryptionProbe);
    const saved = await repository.save(repository.create({ secret: null }));
    const [raw]: { secret: string | null }[] = await dataSource.query(
      'SELECT secret FROM encryption_probe WHERE id = $1',
      [saved.id],
    );
    assert.equal(raw.secret, null);
    assert.equal((await repository.findOneByOrFail({ id: saved.id })).secret, null);
  });

  it('reads values made with a previous key after rotation, and writes with the new key', async () => {
    installEncryptionKeyring(new EncryptionKeyring(oldKey));
    const repository = dataSource.getRepository(EncryptionProbe);
    const saved = await repository.save(repository.create({ secret: 'before rotation' }));

    const rotated = new EncryptionKeyring(newKey, [oldKey]);
    installEncryptionKeyring(rotated);
    const loaded = await repository.findOneByOrFail({ id: saved.id });
    assert.equal(loaded.secret, 'before rotation');

    await repository.save(loaded);
    const [raw]: { secret: string }[] = await dataSource.query('SELECT secret FROM encryption_probe WHERE id = $1', [
      saved.id,
    ]);
    assert.equal(rotated.needsReEncryption(raw.secret), false);
  });

  it('fails loudly when the key that made a value is gone', async () => {
    installEncryptionKeyring(new EncryptionKeyring(oldKey));
    const repository = dataSource.getRepository(EncryptionProbe);
    const saved = await repository.save(repository.create({ secret: 'orphaned' }));
    installEncryptionKeyring(new EncryptionKeyring(randomBytes(32)));
    await assert.rejects(repository.findOneByOrFail({ id: saved.id }), /No configured encryption key/);
  });
});
