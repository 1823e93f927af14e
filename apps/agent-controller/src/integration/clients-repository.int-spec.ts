import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ClientEntity, ClientsRepository } from '@agent-controller/clients';
import {
  EncryptionKeyring,
  installEncryptionKeyring,
  isUniqueViolation,
  openDataSource,
} from '@agent-controller/database';
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../app/entities';

const backend = process.env['TEST_DATABASE_URL'] ? 'PostgreSQL server' : 'embedded PGlite';

describe(`clients repository (${backend})`, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let clients: ClientsRepository;
  let alice: string;
  let bob: string;

  const insert = (values: Partial<ClientEntity>) =>
    dataSource.transaction((manager) =>
      clients.insert(
        { endpoint: 'https://remote.example.com', authenticationType: 'api_key', apiKey: 'k'.repeat(20), ...values },
        manager,
      ),
    );

  before(async () => {
    installEncryptionKeyring(new EncryptionKeyring(randomBytes(32)));
    database = await createTestDatabase();
    dataSource = await openDataSource(database.config, ENTITIES);
    clients = new ClientsRepository(dataSource);
    const users: { id: string }[] = await dataSource.query(
      `INSERT INTO users (email, role) VALUES ('alice@example.com', 'user'), ('bob@example.com', 'user') RETURNING id`,
    );
    [alice, bob] = users.map((user) => user.id);
    // 25 clients: alice owns the even ones, bob the odd ones; every third is inactive; names spell their index.
    for (let i = 0; i < 25; i++) {
      await insert({
        name: `client-${String(i).padStart(2, '0')}`,
        description: i === 7 ? 'has 100% _special_ chars' : null,
        userId: i % 2 === 0 ? alice : bob,
        status: i % 3 === 0 ? 'inactive' : 'active',
        healthState: i % 5 === 0 ? 'unreachable' : 'healthy',
      });
    }
  });

  after(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('pages newest first with a correct total', async () => {
    const [first, total] = await clients.findPage({ kind: 'all' }, { limit: 10, offset: 0 });
    assert.equal(total, 25);
    assert.deepEqual(
      first.map((client) => client.name),
      Array.from({ length: 10 }, (_, i) => `client-${String(24 - i).padStart(2, '0')}`),
    );
    const [last] = await clients.findPage({ kind: 'all' }, { limit: 10, offset: 20 });
    assert.equal(last.length, 5);
  });

  it('shows a user only their own clients, with the total counted in SQL', async () => {
    const [page, total] = await clients.findPage({ kind: 'user', userId: alice }, { limit: 5, offset: 5 });
    assert.equal(total, 13);
    assert.equal(page.length, 5);
    assert.ok(page.every((client) => client.userId === alice));
    assert.equal(await clients.findWithMembership({ kind: 'user', userId: bob }, bob, page[0].id), null);
  });

  it('shows members the clients they belong to, with their role, and keeps totals right', async () => {
    const [bobsPage] = await clients.findPage({ kind: 'user', userId: bob }, { limit: 100, offset: 0 });
    const [alicesPage] = await clients.findPage({ kind: 'user', userId: alice }, { limit: 1, offset: 0 });
    const shared = alicesPage[0];
    await dataSource.query(`INSERT INTO client_users (client_id, user_id, role) VALUES ($1, $2, 'user')`, [
      shared.id,
      bob,
    ]);
    const [, total] = await clients.findPage({ kind: 'user', userId: bob }, { limit: 5, offset: 0 });
    assert.equal(total, bobsPage.length + 1);
    const found = await clients.findWithMembership({ kind: 'user', userId: bob }, bob, shared.id);
    assert.equal(found?.memberRole, 'user');
    const own = await clients.findWithMembership({ kind: 'user', userId: bob }, bob, bobsPage[0].id);
    assert.equal(own?.memberRole, null);
    await assert.rejects(
      dataSource.query(`INSERT INTO client_users (client_id, user_id, role) VALUES ($1, $2, 'admin')`, [
        shared.id,
        bob,
      ]),
      (error: unknown) => isUniqueViolation(error, 'UQ_client_users_client_user'),
    );
    await dataSource.query(`DELETE FROM client_users WHERE client_id = $1`, [shared.id]);
  });

  it('filters by status and health and combines the filters', async () => {
    const [, inactive] = await clients.findPage({ kind: 'all' }, { limit: 100, offset: 0, status: 'inactive' });
    assert.equal(inactive, 9);
    const [rows, both] = await clients.findPage(
      { kind: 'all' },
      { limit: 100, offset: 0, status: 'inactive', health: 'unreachable' },
    );
    assert.equal(both, 2);
    assert.ok(rows.every((client) => client.status === 'inactive' && client.healthState === 'unreachable'));
  });

  it('searches name, description and endpoint case-insensitively, treating % and _ literally', async () => {
    const [byName] = await clients.findPage({ kind: 'all' }, { limit: 100, offset: 0, search: 'CLIENT-1' });
    assert.equal(byName.length, 10);
    const [byDescription] = await clients.findPage(
      { kind: 'all' },
      { limit: 100, offset: 0, search: '100% _special_' },
    );
    assert.deepEqual(
      byDescription.map((client) => client.name),
      ['client-07'],
    );
    const [wildcard, wildcardTotal] = await clients.findPage({ kind: 'all' }, { limit: 100, offset: 0, search: '%' });
    assert.equal(wildcardTotal, 1);
    assert.equal(wildcard[0].name, 'client-07');
    const [byEndpoint] = await clients.findPage({ kind: 'all' }, { limit: 100, offset: 0, search: 'REMOTE.example' });
    assert.equal(byEndpoint.length, 25);
  });

  it('never loads secrets for listing, but does for remote calls', async () => {
    const [page] = await clients.findPage({ kind: 'all' }, { limit: 1, offset: 0 });
    assert.equal(page[0].apiKey, undefined);
    const withSecrets = await clients.findWithMembership({ kind: 'all' }, null, page[0].id, { withSecrets: true });
    assert.equal(withSecrets?.client.apiKey, 'k'.repeat(20));
  });

  it('refuses a second client with the same name in another case, also when both inserts race', async () => {
    await assert.rejects(insert({ name: 'CLIENT-00' }), (error: unknown) =>
      isUniqueViolation(error, 'UQ_clients_name_lower'),
    );
    const results = await Promise.allSettled([insert({ name: 'Race Me' }), insert({ name: 'race me' })]);
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
    const loser = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    assert.ok(isUniqueViolation(loser.reason, 'UQ_clients_name_lower'));
  });

  it('records a health change once, with its history row, and nothing when the state stays', async () => {
    const client = await insert({ name: 'health-probe' });
    const at = new Date();
    const update = {
      healthState: 'unreachable' as const,
      healthReason: 'Connection refused',
      healthCheckedAt: at,
      healthLastSeenAt: null,
      healthLatencyMs: null,
    };
    assert.deepEqual(await clients.recordHealth(client.id, update), { changedFrom: 'unknown' });
    assert.deepEqual(await clients.recordHealth(client.id, { ...update, healthCheckedAt: new Date() }), {});
    const [events, total] = await clients.findHealthHistory(client.id, 10, 0);
    assert.equal(total, 1);
    assert.equal(events[0].to, 'unreachable');
    assert.equal(events[0].reason, 'Connection refused');
  });

  it('finds active clients due for a check, never-checked first', async () => {
    const due = await clients.findDueForCheck(new Date(), 100);
    assert.ok(due.length > 0);
    assert.ok(due.every((client) => client.status === 'active'));
    assert.equal(due[0].healthCheckedAt, null);
    assert.equal(due[0].apiKey, 'k'.repeat(20));
  });

  it('deletes a client with its health history (cascade)', async () => {
    const client = await insert({ name: 'cascade-me' });
    await clients.recordHealth(client.id, {
      healthState: 'healthy',
      healthReason: null,
      healthCheckedAt: new Date(),
      healthLastSeenAt: new Date(),
      healthLatencyMs: 3,
    });
    await dataSource.transaction((manager) => clients.delete(client.id, manager));
    const [, total] = await clients.findHealthHistory(client.id, 10, 0);
    assert.equal(total, 0);
  });
});
