import 'reflect-metadata';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AppConfig } from '@agent-controller/core';
import { ADVISORY_LOCKS, LeaderLock, openDataSource, PeriodicTasks, ReplicaRegistry } from '@agent-controller/database';
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../app/entities';

const onServer = Boolean(process.env['TEST_DATABASE_URL']);
const backend = onServer ? 'PostgreSQL server' : 'embedded PGlite';

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** The server process holding an advisory lock, or undefined when nobody holds it. */
async function holderOf(observer: DataSource, key: number): Promise<number | undefined> {
  const rows: Array<{ pid: number }> = await observer.query(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted AND database =
       (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [key],
  );
  return rows[0]?.pid;
}

/** Records what Nest loggers say, by level, while a test runs. */
function recordLogs(): { lines: Array<{ level: string; text: string }>; restore: () => void } {
  const lines: Array<{ level: string; text: string }> = [];
  const levels = ['log', 'warn', 'error'] as const;
  const originals = levels.map((level) => Logger.prototype[level]);
  for (const level of levels) {
    Logger.prototype[level] = function (...args: unknown[]) {
      lines.push({ level, text: args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ') });
    };
  }
  return {
    lines,
    restore: () => levels.forEach((level, index) => (Logger.prototype[level] = originals[index])),
  };
}

describe(`leader lock (${backend})`, { skip: !onServer && 'needs a PostgreSQL server (TEST_DATABASE_URL)' }, () => {
  let database: TestDatabase;
  let replicaA: DataSource;
  let replicaB: DataSource;
  const key = ADVISORY_LOCKS.prober;

  before(async () => {
    database = await createTestDatabase();
    replicaA = await openDataSource(database.config, ENTITIES);
    replicaB = await openDataSource(database.config, ENTITIES);
  });

  after(async () => {
    await replicaA?.destroy();
    await replicaB?.destroy();
    await database?.drop();
  });

  it('is held by one replica only, across tries, and taken over once its holder releases it', async () => {
    const lockA = new LeaderLock(replicaA, key);
    const lockB = new LeaderLock(replicaB, key);

    assert.equal(await lockA.acquire(), true);
    assert.equal(await lockB.acquire(), false);
    assert.equal(await lockA.acquire(), true, 'the holder keeps it');
    assert.equal(await lockB.acquire(), false);
    assert.deepEqual([lockA.held, lockB.held], [true, false]);

    await lockA.release();
    assert.equal(lockA.held, false);
    assert.equal(await holderOf(replicaB, key), undefined, 'the released connection went back to the pool unlocked');
    assert.equal(await lockB.acquire(), true);
    assert.equal(await lockA.acquire(), false);
    await lockB.release();
  });

  it('passes to the other replica when the holder’s connection dies, and the old holder knows it lost it', async () => {
    const lockA = new LeaderLock(replicaA, key);
    const lockB = new LeaderLock(replicaB, key);
    assert.equal(await lockA.acquire(), true);
    const pid = await holderOf(replicaB, key);
    assert.ok(pid);

    // What PostgreSQL does when a replica is killed or cut off: the session ends, and its locks with it.
    await replicaB.query('SELECT pg_terminate_backend($1)', [pid]);
    await until(() => !lockA.held);
    assert.equal(await lockB.acquire(), true);
    assert.equal(await lockA.acquire(), false, 'the old holder competes again, on a fresh connection, and loses');
    assert.notEqual(await holderOf(replicaA, key), pid);

    // The pool of the old holder still works (the broken connection was not handed back to it).
    for (let i = 0; i < 12; i++) assert.deepEqual(await replicaA.query('SELECT 1 AS one'), [{ one: 1 }]);
    await lockB.release();
  });
});

describe(`periodic tasks (${backend})`, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let second: DataSource | undefined;
  let tasks: PeriodicTasks[] = [];
  let logs: ReturnType<typeof recordLogs>;

  /** Each replica's timers, so a test can silence one the way kill -9 does (no release, no further tries). */
  const timers = new Map<PeriodicTasks, SchedulerRegistry>();
  const periodicTasks = (source = dataSource) => {
    const registry = new SchedulerRegistry();
    const made = new PeriodicTasks(registry, source, { database: database.config } as AppConfig);
    tasks.push(made);
    timers.set(made, registry);
    return made;
  };
  const freeze = (replica: PeriodicTasks) => {
    const registry = timers.get(replica);
    for (const name of registry?.getIntervals() ?? []) registry?.deleteInterval(name);
    for (const name of registry?.getTimeouts() ?? []) registry?.deleteTimeout(name);
  };

  before(async () => {
    database = await createTestDatabase();
    dataSource = await openDataSource(database.config, ENTITIES);
    if (onServer) second = await openDataSource(database.config, ENTITIES);
  });

  after(async () => {
    await second?.destroy();
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(() => {
    logs = recordLogs();
  });

  afterEach(async () => {
    await Promise.all(tasks.map((made) => made.stopAll()));
    tasks = [];
    logs.restore();
  });

  it('runs on its period, never overlapping itself, and goes on after a run throws (logged once)', async () => {
    const scheduler = periodicTasks();
    let active = 0;
    let mostActive = 0;
    let runs = 0;
    scheduler.schedule('Slow', { everyMs: 10, firstAfterMs: 0 }, async () => {
      runs += 1;
      active += 1;
      mostActive = Math.max(mostActive, active);
      await sleep(35);
      active -= 1;
      if (runs <= 3) throw new Error('remote went away');
    });

    await until(() => runs >= 6);
    assert.equal(mostActive, 1, 'a run still going makes the next one skip');
    const failures = logs.lines.filter((line) => line.level === 'error');
    assert.equal(failures.length, 1, 'the same failure three times is logged once');
    assert.match(failures[0].text, /Slow failed/);
    assert.ok(logs.lines.some((line) => line.level === 'log' && /Slow works again/.test(line.text)));
  });

  it('aborts and awaits a running run when stopped, and starts no more', async () => {
    const scheduler = periodicTasks();
    let started = 0;
    let finished = false;
    scheduler.schedule('Long', { everyMs: 10, firstAfterMs: 0 }, async (signal) => {
      started += 1;
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      await sleep(20);
      finished = true;
    });
    await until(() => started === 1);

    await scheduler.stopAll();
    assert.equal(finished, true, 'stopAll waited for the run');
    await sleep(50);
    assert.equal(started, 1);
  });

  it(
    'on the embedded database the one process always leads, without holding a connection',
    { skip: onServer && 'embedded only' },
    async () => {
      const scheduler = periodicTasks();
      let runs = 0;
      scheduler.schedule('Prober', { everyMs: 10, firstAfterMs: 0, leader: 'prober' }, async () => {
        runs += 1;
      });
      assert.deepEqual([...scheduler.leadership()], [['prober', true]]);
      await until(() => runs >= 3);
      // PGlite has a single connection: leading must not take it away from everything else.
      assert.deepEqual(await dataSource.query('SELECT 1 AS one'), [{ one: 1 }]);
    },
  );

  it(
    'runs a leader task on exactly one replica, and another takes over within one period when the leader dies',
    { skip: !onServer && 'needs a PostgreSQL server (TEST_DATABASE_URL)' },
    async () => {
      const period = 100;
      const replicas = [periodicTasks(dataSource), periodicTasks(second)];
      const runsBy = [0, 0];
      replicas.forEach((replica, index) =>
        replica.schedule('Prober', { everyMs: period, firstAfterMs: 0, leader: 'prober' }, async () => {
          runsBy[index] += 1;
        }),
      );
      const leaders = () => replicas.map((replica) => replica.leadership().get('prober') === true);
      // Sampled all along among the replicas alive: never two leaders at once.
      const alive = new Set(replicas);
      let mostLeaders = 0;
      const sampler = setInterval(() => {
        const leading = [...alive].filter((replica) => replica.leadership().get('prober') === true);
        mostLeaders = Math.max(mostLeaders, leading.length);
      }, 2);

      try {
        await until(() => runsBy[0] + runsBy[1] >= 5);
        const first = leaders().indexOf(true);
        assert.notEqual(first, -1);
        assert.equal(runsBy[1 - first], 0, 'the other replica never ran it');

        // Its holder dies as with kill -9: it tries nothing more, and PostgreSQL ends its session. (Only ending the
        // session would leave a live replica competing again, which may rightly win the lock back.)
        freeze(replicas[first]);
        alive.delete(replicas[first]);
        const pid = await holderOf(dataSource, ADVISORY_LOCKS.prober);
        const diedAt = Date.now();
        await dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
        await until(() => leaders()[1 - first], 5 * period);
        const takeoverMs = Date.now() - diedAt;
        // One period, plus the lock query itself on a loaded machine.
        assert.ok(takeoverMs <= period + 100, `took over after ${takeoverMs} ms (period ${period} ms)`);
        const before = runsBy[1 - first];
        await until(() => runsBy[1 - first] > before);

        // A clean stop hands it back at once: a third replica takes it on its next try.
        const third = periodicTasks(dataSource);
        alive.add(third);
        let thirdRuns = 0;
        third.schedule('Prober', { everyMs: period, firstAfterMs: 0, leader: 'prober' }, async () => {
          thirdRuns += 1;
        });
        await sleep(2 * period);
        assert.equal(thirdRuns, 0, 'no second leader while one holds the lock');
        await replicas[1 - first].stopAll();
        await until(() => third.leadership().get('prober') === true, 5 * period);
      } finally {
        clearInterval(sampler);
      }
      assert.equal(mostLeaders, 1);
      const changes = logs.lines.filter((line) => /leads prober/.test(line.text)).map((line) => line.text);
      assert.ok(changes.some((text) => /This replica now leads prober/.test(text)));
      assert.ok(changes.some((text) => /This replica no longer leads prober \(shutting down\)/.test(text)));
    },
  );
});

describe(`replica registry (${backend})`, { skip: !onServer && 'the embedded database has one process' }, () => {
  let database: TestDatabase;
  let sources: DataSource[] = [];
  let logs: ReturnType<typeof recordLogs>;

  const replica = async (hasRedis: boolean) => {
    const source = await openDataSource(database.config, ENTITIES);
    sources.push(source);
    const config = {
      database: database.config,
      redis: hasRedis ? { url: 'redis://127.0.0.1:6379', keyPrefix: 'test:' } : undefined,
    } as AppConfig;
    return new ReplicaRegistry(new PeriodicTasks(new SchedulerRegistry(), source, config), source, config);
  };
  const warnings = () => logs.lines.filter((line) => line.level === 'warn').map((line) => line.text);

  before(async () => {
    database = await createTestDatabase();
  });

  beforeEach(async () => {
    logs = recordLogs();
  });

  afterEach(async () => {
    logs.restore();
    await sources[0]?.query('DELETE FROM replicas');
    await Promise.all(sources.map((source) => source.destroy()));
    sources = [];
  });

  after(async () => {
    await database?.drop();
  });

  it('warns, naming REDIS_URL, when another live replica shares the database without Redis, once per replica', async () => {
    const a = await replica(false);
    await a.heartbeat();
    assert.deepEqual(warnings(), [], 'a single replica without Redis is silent');

    const b = await replica(false);
    await b.heartbeat();
    assert.equal(warnings().length, 1, 'the new replica warns at start');
    assert.match(warnings()[0], /REDIS_URL is not set/);
    assert.match(warnings()[0], /Socket\.IO events and rate limits are split/);

    await a.heartbeat();
    assert.equal(warnings().length, 2, 'the first warns when the other appears');
    await a.heartbeat();
    await b.heartbeat();
    assert.equal(warnings().length, 2, 'a known replica is not warned about again');

    // B leaves cleanly; a newcomer (a restart is a new replica) is warned about again.
    await b.beforeApplicationShutdown();
    const rows: Array<{ id: string }> = await sources[0].query('SELECT id FROM replicas');
    assert.deepEqual(
      rows.map((row) => row.id),
      [a.id],
    );
    const c = await replica(false);
    await c.heartbeat();
    await a.heartbeat();
    assert.equal(warnings().length, 4);
  });

  it('is silent when every replica has Redis, and tells a Redis replica about a peer without it', async () => {
    const a = await replica(true);
    const b = await replica(true);
    await a.heartbeat();
    await b.heartbeat();
    await a.heartbeat();
    assert.deepEqual(warnings(), []);

    const c = await replica(false);
    await c.heartbeat();
    await a.heartbeat();
    assert.equal(warnings().length, 3, 'c warns about a and b; a warns about c');
    assert.match(warnings()[2], /runs without REDIS_URL/);
  });

  it('forgets replicas that stopped sending heartbeats, without warning about them', async () => {
    const a = await replica(false);
    await sources[0].query(
      `INSERT INTO replicas (id, hostname, pid, started_at, last_seen_at, has_redis)
       VALUES (gen_random_uuid(), 'killed', 1, now() - interval '1 hour', now() - interval '31 seconds', false)`,
    );
    await a.heartbeat();
    assert.deepEqual(warnings(), []);
    const rows: Array<{ hostname: string }> = await sources[0].query('SELECT hostname FROM replicas');
    assert.deepEqual(
      rows.map((row) => row.hostname).filter((name) => name === 'killed'),
      [],
    );
  });
});
