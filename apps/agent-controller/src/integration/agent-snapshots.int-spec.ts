import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { ClientEntity, ClientsRepository } from '@agent-controller/clients';
import { EncryptionKeyring, installEncryptionKeyring, openDataSource } from '@agent-controller/database';
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { AgentSnapshotsRepository } from '@agent-controller/remote-agent-proxy';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../app/entities';

const backend = process.env['TEST_DATABASE_URL'] ? 'PostgreSQL server' : 'embedded PGlite';

const agent = (name: string, values: { description?: string; agentType?: string } = {}) => ({
  agentId: randomUUID(),
  name,
  description: values.description ?? null,
  agentType: values.agentType ?? 'cursor',
  containerType: 'generic',
  remoteCreatedAt: new Date('2026-12-01T10:00:00Z'),
});

describe(`agents snapshot repository (${backend})`, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let clients: ClientsRepository;
  let snapshots: AgentSnapshotsRepository;
  let alice: string;
  let bob: string;
  let alpha: ClientEntity;
  let beta: ClientEntity;

  const insertClient = (name: string, userId: string) =>
    dataSource.transaction((manager) =>
      clients.insert(
        { name, endpoint: 'https://remote.example.com', authenticationType: 'api_key', apiKey: 'k'.repeat(20), userId },
        manager,
      ),
    );
  const all = { limit: 100, offset: 0 };

  before(async () => {
    installEncryptionKeyring(new EncryptionKeyring(randomBytes(32)));
    database = await createTestDatabase();
    dataSource = await openDataSource(database.config, ENTITIES);
    clients = new ClientsRepository(dataSource);
    snapshots = new AgentSnapshotsRepository(dataSource);
    const users: { id: string }[] = await dataSource.query(
      `INSERT INTO users (email, role) VALUES ('alice@example.com', 'user'), ('bob@example.com', 'user') RETURNING id`,
    );
    [alice, bob] = users.map((user) => user.id);
    alpha = await insertClient('Alpha remote', alice);
    beta = await insertClient('Beta remote', bob);
  });

  after(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('replaces a snapshot whole, keeping the running state of agents still there', async () => {
    const reviewer = agent('reviewer', { description: 'Reviews 100% of pull_requests' });
    const builder = agent('Builder', { agentType: 'opencode' });
    const first = new Date('2026-12-07T01:00:00Z');
    assert.equal(await snapshots.replace(alpha.id, [reviewer, builder], first), true);
    await snapshots.recordRunning(alpha.id, reviewer.agentId, false, new Date('2026-12-07T01:00:30Z'));

    const second = new Date('2026-12-07T01:01:00Z');
    const tester = agent('tester');
    await snapshots.replace(alpha.id, [{ ...reviewer, name: 'reviewer-2' }, tester], second);

    const [rows, total] = await snapshots.findPage({ kind: 'all' }, { ...all, clientId: alpha.id });
    assert.equal(total, 2);
    assert.deepEqual(
      rows.map((row) => [row.name, row.running, row.snapshotAt.toISOString(), row.clientName]),
      [
        ['reviewer-2', false, second.toISOString(), 'Alpha remote'],
        ['tester', null, second.toISOString(), 'Alpha remote'],
      ],
    );
  });

  it('lists by name across clients, pages with a total, and filters by client, type and search', async () => {
    await snapshots.replace(beta.id, [agent('Alpha fan', { agentType: 'openclaw' }), agent('zeta')], new Date());

    const [page, total] = await snapshots.findPage({ kind: 'all' }, { limit: 2, offset: 1 });
    assert.equal(total, 4);
    assert.deepEqual(
      page.map((row) => row.name),
      ['reviewer-2', 'tester'],
    );
    const [pastTheEnd, stillCounted] = await snapshots.findPage({ kind: 'all' }, { limit: 10, offset: 50 });
    assert.deepEqual([pastTheEnd.length, stillCounted], [0, 4]);

    const names = async (query: { search?: string; agentType?: string; clientId?: string }) =>
      (await snapshots.findPage({ kind: 'all' }, { ...all, ...query }))[0].map((row) => row.name);
    assert.deepEqual(await names({ agentType: 'openclaw' }), ['Alpha fan']);
    // Case-insensitive over the agent's name, its client's name ("Alpha remote"), not a LIKE wildcard.
    assert.deepEqual(await names({ search: 'ALPHA' }), ['Alpha fan', 'reviewer-2', 'tester']);
    assert.deepEqual(await names({ search: 'TEST' }), ['tester']);
    assert.deepEqual(await names({ search: '_' }), ['reviewer-2']);
    assert.deepEqual(await names({ search: 'zeta', clientId: alpha.id }), []);
  });

  it("shows a user only the agents of clients they created or are a member of, also in the types' counts", async () => {
    const visibleTo = async (userId: string) =>
      (await snapshots.findPage({ kind: 'user', userId }, all))[0].map((row) => row.clientName);
    assert.deepEqual(new Set(await visibleTo(alice)), new Set(['Alpha remote']));
    assert.deepEqual(await snapshots.countTypes({ kind: 'user', userId: bob }), [
      { agentType: 'cursor', count: 1 },
      { agentType: 'openclaw', count: 1 },
    ]);

    await dataSource.query(`INSERT INTO client_users (client_id, user_id, role) VALUES ($1, $2, 'user')`, [
      beta.id,
      alice,
    ]);
    assert.deepEqual(new Set(await visibleTo(alice)), new Set(['Alpha remote', 'Beta remote']));
  });

  it("drops a deleted client's agents with it and does not store a snapshot for a client that is gone", async () => {
    await dataSource.transaction((manager) => clients.delete(beta.id, manager));

    const [rows] = await snapshots.findPage({ kind: 'all' }, all);
    assert.ok(rows.every((row) => row.clientId === alpha.id));
    assert.equal(await snapshots.replace(beta.id, [agent('late')], new Date()), false);
    const [{ n }] = await dataSource.query(
      'SELECT COUNT(*)::int AS n FROM client_agent_snapshots WHERE client_id = $1',
      [beta.id],
    );
    assert.equal(n, 0);
  });
});
