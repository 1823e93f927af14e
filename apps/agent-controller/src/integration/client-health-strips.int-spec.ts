import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buildHealthStrip, ClientEntity, ClientsRepository, HealthStripSource } from '@agent-controller/clients';
import { EncryptionKeyring, installEncryptionKeyring, openDataSource } from '@agent-controller/database';
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../app/entities';

const backend = process.env['TEST_DATABASE_URL'] ? 'PostgreSQL server' : 'embedded PGlite';
const HOUR_MS = 3_600_000;
const FROM = new Date('2026-05-10T00:00:00.000Z');
const at = (hours: number) => new Date(FROM.getTime() + hours * HOUR_MS);

describe(`health strips from the health history (${backend})`, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let clients: ClientsRepository;
  let alice: string;
  const ids: Record<string, string> = {};

  before(async () => {
    installEncryptionKeyring(new EncryptionKeyring(randomBytes(32)));
    database = await createTestDatabase();
    dataSource = await openDataSource(database.config, ENTITIES);
    clients = new ClientsRepository(dataSource);
    const users: { id: string }[] = await dataSource.query(
      `INSERT INTO users (email, role) VALUES ('alice@example.com', 'user'), ('bob@example.com', 'user') RETURNING id`,
    );
    alice = users[0].id;
    const bob = users[1].id;
    // flapping: alice's, down since yesterday, back up in hour 2, down and up within hour 7;
    // steady: alice's, never changed; fresh: bob's, added in hour 20, alice is a member; hidden: bob's only.
    for (const [name, userId, createdAt, healthState] of [
      ['flapping', alice, at(-48), 'healthy'],
      ['steady', alice, at(-48), 'degraded'],
      ['fresh', bob, at(20.5), 'healthy'],
      ['hidden', bob, at(-48), 'unreachable'],
    ] as const) {
      const client = await dataSource.getRepository(ClientEntity).save({
        name,
        userId,
        endpoint: 'https://remote.example.com',
        authenticationType: 'api_key',
        apiKey: 'k'.repeat(20),
        healthState,
        createdAt,
      });
      ids[name] = client.id;
    }
    await dataSource.query(`INSERT INTO client_users (client_id, user_id, role) VALUES ($1, $2, 'user')`, [
      ids['fresh'],
      alice,
    ]);
    const events: [string, string, string, Date][] = [
      ['flapping', 'healthy', 'unreachable', at(-20)],
      ['flapping', 'unreachable', 'healthy', at(2.25)],
      ['flapping', 'healthy', 'auth_failed', at(7.1)],
      ['flapping', 'auth_failed', 'healthy', at(7.6)],
      ['fresh', 'unknown', 'healthy', at(20.6)],
      ['hidden', 'healthy', 'unreachable', at(1)],
    ];
    for (const [name, from, to, when] of events) {
      await dataSource.query(
        `INSERT INTO client_health_events (client_id, from_state, to_state, at) VALUES ($1, $2, $3, $4)`,
        [ids[name], from, to, when],
      );
    }
  });

  after(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const strips = (sources: HealthStripSource[]) =>
    Object.fromEntries(
      sources.map((source) => [
        Object.keys(ids).find((name) => ids[name] === source.id),
        buildHealthStrip(source, FROM),
      ]),
    );

  it('reads each hour’s states and the state before the window in one query', async () => {
    const found = strips(await clients.findHealthStripSources({ kind: 'all' }, Object.values(ids), FROM));
    assert.deepEqual(found['flapping'].slice(0, 9), [
      'unreachable',
      'unreachable',
      'unreachable',
      'healthy',
      'healthy',
      'healthy',
      'healthy',
      'auth_failed',
      'healthy',
    ]);
    assert.deepEqual(found['steady'], Array(24).fill('degraded'));
    assert.deepEqual(found['fresh'].slice(19), [null, 'healthy', 'healthy', 'healthy', 'healthy']);
    assert.deepEqual(found['hidden'].slice(0, 2), ['healthy', 'unreachable']);
  });

  it('reads for a user only the clients they created or are a member of', async () => {
    const found = await clients.findHealthStripSources({ kind: 'user', userId: alice }, Object.values(ids), FROM);
    assert.deepEqual(found.map((source) => source.id).sort(), [ids['flapping'], ids['steady'], ids['fresh']].sort());
  });
});
