import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ClientEntity } from '@agent-controller/clients';
import { EncryptionKeyring, installEncryptionKeyring, openDataSource } from '@agent-controller/database';
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { ClientUsageRepository } from '@agent-controller/metrics';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../app/entities';

const backend = process.env['TEST_DATABASE_URL'] ? 'PostgreSQL server' : 'embedded PGlite';
const HOUR_MS = 3_600_000;
const NOW_HOUR = new Date('2026-05-10T12:00:00.000Z');
const hoursAgo = (hours: number) => new Date(NOW_HOUR.getTime() - hours * HOUR_MS);

describe(`busiest clients from the hourly usage (${backend})`, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let usage: ClientUsageRepository;
  let alice: string;
  let bob: string;
  const ids: Record<string, string> = {};

  before(async () => {
    installEncryptionKeyring(new EncryptionKeyring(randomBytes(32)));
    database = await createTestDatabase();
    dataSource = await openDataSource(database.config, ENTITIES);
    usage = new ClientUsageRepository(dataSource);
    const users: { id: string }[] = await dataSource.query(
      `INSERT INTO users (email, role) VALUES ('alice@example.com', 'user'), ('bob@example.com', 'user') RETURNING id`,
    );
    [alice, bob] = users.map((user) => user.id);
    // quiet: no calls at all; steady: many calls an hour ago; bursty: fewer calls but most errors, one a week ago;
    // shared: bob's, alice is a member; old: only calls older than a day.
    for (const [name, userId] of [
      ['quiet', alice],
      ['steady', alice],
      ['bursty', alice],
      ['shared', bob],
      ['old', bob],
    ] as const) {
      const client = await dataSource.getRepository(ClientEntity).save({
        name,
        userId,
        endpoint: 'https://remote.example.com',
        authenticationType: 'api_key',
        apiKey: 'k'.repeat(20),
        healthState: name === 'bursty' ? 'degraded' : 'healthy',
      });
      ids[name] = client.id;
    }
    await dataSource.query(`INSERT INTO client_users (client_id, user_id, role) VALUES ($1, $2, 'user')`, [
      ids['shared'],
      alice,
    ]);
    const at = (hour: Date, requests: number, errors: number) => ({ hour, requests, errors, latencyBuckets: [1] });
    await usage.addIncrements([
      { clientId: ids['steady'], ...at(hoursAgo(0), 300, 1) },
      { clientId: ids['steady'], ...at(hoursAgo(1), 200, 0) },
      { clientId: ids['bursty'], ...at(hoursAgo(0), 50, 20) },
      { clientId: ids['bursty'], ...at(hoursAgo(167), 1000, 500) },
      { clientId: ids['shared'], ...at(hoursAgo(23), 80, 3) },
      { clientId: ids['old'], ...at(hoursAgo(24), 9000, 9000) },
    ]);
  });

  after(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const names = (rows: { id: string }[]) => rows.map((row) => Object.keys(ids).find((name) => ids[name] === row.id));

  it('sums the window per client and ranks by requests, leaving out clients without calls', async () => {
    const top = await usage.findTop({ kind: 'all' }, hoursAgo(23), 'requests', 10);
    assert.deepEqual(names(top), ['steady', 'shared', 'bursty']);
    assert.deepEqual(top[0], {
      id: ids['steady'],
      name: 'steady',
      health: 'healthy',
      status: 'active',
      requests: 500,
      errors: 1,
    });
  });

  it('ranks by errors when asked, leaving out clients without errors, and cuts at the limit', async () => {
    const top = await usage.findTop({ kind: 'all' }, hoursAgo(23), 'errors', 2);
    assert.deepEqual(names(top), ['bursty', 'shared']);
    assert.deepEqual(
      top.map((row) => [row.requests, row.errors, row.health]),
      [
        [50, 20, 'degraded'],
        [80, 3, 'healthy'],
      ],
    );
  });

  it('counts only the hours from the window start on: one hour, and the whole week', async () => {
    const lastHour = await usage.findTop({ kind: 'all' }, hoursAgo(0), 'requests', 10);
    assert.deepEqual(
      lastHour.map((row) => [row.name, row.requests]),
      [
        ['steady', 300],
        ['bursty', 50],
      ],
    );
    const week = await usage.findTop({ kind: 'all' }, hoursAgo(167), 'requests', 10);
    assert.deepEqual(
      week.map((row) => [row.name, row.requests]),
      [
        ['old', 9000],
        ['bursty', 1050],
        ['steady', 500],
        ['shared', 80],
      ],
    );
  });

  it('ranks for a user only the clients they created or are a member of', async () => {
    const forAlice = await usage.findTop({ kind: 'user', userId: alice }, hoursAgo(167), 'requests', 10);
    assert.deepEqual(names(forAlice), ['bursty', 'steady', 'shared']);
    const forBob = await usage.findTop({ kind: 'user', userId: bob }, hoursAgo(167), 'errors', 10);
    assert.deepEqual(names(forBob), ['old', 'shared']);
  });
});
