import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
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

  describe('sort', () => {
    const names = (rows: ClientEntity[]) => rows.map((client) => client.name);
    const everything = { limit: 100, offset: 0 } as const;

    before(async () => {
      // Latency and last-seen for clients 00–09 only (the rest never answered); 03 and 04 tie on latency.
      for (let i = 0; i < 10; i++) {
        await dataSource.query(`UPDATE clients SET health_latency_ms = $1, health_last_seen_at = $2 WHERE name = $3`, [
          i === 4 ? 30 : i * 10,
          new Date(Date.UTC(2026, 0, 1, 0, i)),
          `client-${String(i).padStart(2, '0')}`,
        ]);
      }
    });

    it('sorts by name both ways, case-insensitively', async () => {
      const [ascending] = await clients.findPage({ kind: 'all' }, { ...everything, sort: 'name' });
      assert.equal(ascending[0].name, 'client-00');
      assert.deepEqual(
        names(ascending),
        [...names(ascending)].sort((a, b) => a.localeCompare(b)),
      );
      const [descending] = await clients.findPage({ kind: 'all' }, { ...everything, sort: '-name' });
      assert.deepEqual(names(descending), names(ascending).reverse());
    });

    it('sorts by latency and last seen with the missing values last, ties broken by id', async () => {
      const [slowest] = await clients.findPage({ kind: 'all' }, { ...everything, sort: '-latency' });
      assert.deepEqual(names(slowest).slice(0, 4), ['client-09', 'client-08', 'client-07', 'client-06']);
      assert.equal(slowest.at(-1)?.healthLatencyMs, null);
      const [fastest] = await clients.findPage({ kind: 'all' }, { ...everything, sort: 'latency' });
      const tied = fastest.filter((client) => client.healthLatencyMs === 30).map((client) => client.id);
      assert.deepEqual(tied, [...tied].sort());
      assert.equal(fastest[0].name, 'client-00');
      assert.equal(fastest.at(-1)?.healthLatencyMs, null);
      const [seen] = await clients.findPage({ kind: 'all' }, { ...everything, sort: '-lastSeen' });
      assert.deepEqual(names(seen).slice(0, 2), ['client-09', 'client-08']);
    });

    it('sorts by health from healthy to worst, and by creation oldest first', async () => {
      const [byHealth] = await clients.findPage({ kind: 'all' }, { ...everything, sort: 'health' });
      const states = byHealth.map((client) => client.healthState);
      assert.equal(states[0], 'healthy');
      assert.ok(states.indexOf('unreachable') > states.lastIndexOf('healthy'));
      const [oldest] = await clients.findPage({ kind: 'all' }, { ...everything, sort: 'createdAt' });
      assert.equal(oldest[0].name, 'client-00');
    });

    it('pages a sorted list without gaps or repeats, with filters and the member form of visibility', async () => {
      const [alicesFirst] = await clients.findPage(
        { kind: 'user', userId: alice },
        { limit: 1, offset: 0, status: 'active' },
      );
      await dataSource.query(`INSERT INTO client_users (client_id, user_id, role) VALUES ($1, $2, 'user')`, [
        alicesFirst[0].id,
        bob,
      ]);
      try {
        const query = { status: 'active', sort: '-latency' } as const;
        const [all, total] = await clients.findPage({ kind: 'user', userId: bob }, { ...everything, ...query });
        const pages: ClientEntity[] = [];
        for (let offset = 0; offset < total; offset += 3) {
          const [page, pageTotal] = await clients.findPage(
            { kind: 'user', userId: bob },
            { limit: 3, offset, ...query },
          );
          assert.equal(pageTotal, total);
          pages.push(...page);
        }
        assert.deepEqual(names(pages), names(all));
        assert.ok(all.some((client) => client.id === alicesFirst[0].id));
        assert.ok(all.every((client) => client.status === 'active'));
        assert.ok(all.every((client) => client.userId === bob || client.id === alicesFirst[0].id));
      } finally {
        await dataSource.query(`DELETE FROM client_users WHERE client_id = $1`, [alicesFirst[0].id]);
      }
    });
  });

  describe('summary', () => {
    const since = () => new Date(Date.now() - 60 * 60 * 1000);
    let target: ClientEntity;
    const insertJob = (status: string, createdBy: string | null, clientName: string, minute: number) =>
      dataSource.query(
        `INSERT INTO provisioning_jobs (status, provider_type, server_type, client_name, settings, secrets, steps,
           server_name, warnings, created_by, created_at)
         VALUES ($1, 'hetzner', 'cx22', $2, '{}', 'x', '[]', $2, '[]', $3, $4)`,
        [status, clientName, createdBy, new Date(Date.now() - (60 - minute) * 60 * 1000)],
      );

    it('counts by health and status, names recent health changes and running jobs, for everyone', async () => {
      const before = await clients.summarize({ kind: 'all' }, { kind: 'all' }, since(), 10);
      const total = (await clients.findPage({ kind: 'all' }, { limit: 1, offset: 0 }))[1];
      assert.equal(before.byStatus.active + before.byStatus.inactive, total);
      assert.equal(
        Object.values(before.byHealth).reduce((sum, n) => sum + n, 0),
        total,
      );
      assert.equal(
        before.byStatus.inactive,
        (await clients.findPage({ kind: 'all' }, { limit: 1, offset: 0, status: 'inactive' }))[1],
      );
      assert.equal(before.byHealth.auth_failed, 0);

      [[target]] = await clients.findPage({ kind: 'user', userId: bob }, { limit: 1, offset: 0, status: 'active' });
      const stale = await insert({ name: 'changed-long-ago', userId: bob });
      await dataSource.query(
        `INSERT INTO client_health_events (client_id, from_state, to_state, at) VALUES ($1, 'unknown', 'healthy', $2)`,
        [stale.id, new Date(Date.now() - 2 * 60 * 60 * 1000)],
      );
      const update = {
        healthState: 'auth_failed' as const,
        healthReason: 'Refused',
        healthCheckedAt: new Date(),
        healthLastSeenAt: null,
        healthLatencyMs: null,
      };
      await clients.recordHealth(target.id, update);
      await clients.recordHealth(target.id, { ...update, healthState: 'healthy', healthCheckedAt: new Date() });
      await clients.recordHealth(target.id, { ...update, healthCheckedAt: new Date() });
      await insertJob('running', alice, 'alice-running', 1);
      await insertJob('running', bob, 'bob-running', 2);
      await insertJob('failed', bob, 'bob-failed', 3);

      const after = await clients.summarize({ kind: 'all' }, { kind: 'all' }, since(), 10);
      assert.equal(after.byHealth.auth_failed, 1);
      assert.equal(after.byStatus.active + after.byStatus.inactive, total + 1);
      assert.equal(
        Object.values(after.byHealth).reduce((sum, n) => sum + n, 0),
        total + 1,
      );
      assert.equal(after.changedCount, before.changedCount + (before.changed.some((c) => c.id === target.id) ? 0 : 1));
      const changed = after.changed.filter((client) => client.id === target.id);
      assert.equal(changed.length, 1);
      assert.deepEqual(
        { ...changed[0], changedAt: undefined },
        {
          id: target.id,
          name: target.name,
          health: 'auth_failed',
          changedAt: undefined,
        },
      );
      assert.ok(Date.now() - changed[0].changedAt.getTime() < 60_000);
      assert.equal(after.changed[0].id, target.id);
      assert.ok(!after.changed.some((client) => client.id === stale.id));
      assert.equal(after.jobsCount, before.jobsCount + 2);
      assert.deepEqual(
        after.jobs.slice(0, 2).map((job) => job.clientName),
        ['bob-running', 'alice-running'],
      );

      const limited = await clients.summarize({ kind: 'all' }, { kind: 'all' }, since(), 1);
      assert.equal(limited.jobs.length, 1);
      assert.equal(limited.jobsCount, after.jobsCount);
    });

    it('counts only what a user may see: created or member-of clients, and the jobs they started', async () => {
      const [[alicesFirst]] = await clients.findPage({ kind: 'user', userId: alice }, { limit: 1, offset: 0 });
      const bobs = await clients.summarize({ kind: 'user', userId: bob }, { kind: 'owner', userId: bob }, since(), 10);
      const [, bobsTotal] = await clients.findPage({ kind: 'user', userId: bob }, { limit: 1, offset: 0 });
      assert.equal(bobs.byStatus.active + bobs.byStatus.inactive, bobsTotal);
      assert.deepEqual(
        bobs.jobs.map((job) => job.clientName),
        ['bob-running'],
      );
      assert.equal(bobs.jobsCount, 1);

      const alices = await clients.summarize(
        { kind: 'user', userId: alice },
        { kind: 'owner', userId: alice },
        since(),
        10,
      );
      assert.ok(!alices.changed.some((client) => client.id === target.id));
      assert.equal(alices.byHealth.auth_failed, 0);
      assert.ok(bobs.changed.some((client) => client.id === target.id));
      assert.deepEqual(
        alices.jobs.map((job) => job.clientName),
        ['alice-running'],
      );

      await dataSource.query(`INSERT INTO client_users (client_id, user_id, role) VALUES ($1, $2, 'user')`, [
        alicesFirst.id,
        bob,
      ]);
      try {
        const asMember = await clients.summarize(
          { kind: 'user', userId: bob },
          { kind: 'owner', userId: bob },
          since(),
          10,
        );
        assert.equal(asMember.byStatus.active + asMember.byStatus.inactive, bobsTotal + 1);
      } finally {
        await dataSource.query(`DELETE FROM client_users WHERE client_id = $1`, [alicesFirst.id]);
      }
      const noOne = await clients.summarize(
        { kind: 'user', userId: randomUUID() },
        { kind: 'owner', userId: null },
        since(),
        10,
      );
      assert.deepEqual(noOne.byStatus, { active: 0, inactive: 0 });
      assert.equal(noOne.changedCount, 0);
      assert.deepEqual(noOne.changed, []);
      assert.equal(noOne.jobsCount, 0);
    });
  });
});
