import { randomUUID } from 'node:crypto';
import { ThrottlerStorage } from '@nestjs/throttler';
import { loadAppConfig } from '../config/app-config';
import { RedisConnection } from '../redis/redis-connection';
import { MemoryThrottlerStorage, RedisThrottlerStorage } from './fixed-window-storage';
import { commandsOf } from '../redis/redis.testing';

/** A real Redis when TEST_REDIS_URL is set (CI sets it); every test uses a key prefix of its own. */
const REDIS_URL = process.env['TEST_REDIS_URL'];
const withRedis = REDIS_URL ? it : it.skip;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function hits(
  storage: ThrottlerStorage,
  count: number,
  ttl: number,
  limit: number,
  blockDuration = 0,
  key = 'ip',
) {
  const records = [];
  for (let i = 0; i < count; i++) records.push(await storage.increment(key, ttl, limit, blockDuration, 'global'));
  return records;
}

describe('MemoryThrottlerStorage', () => {
  it('allows the limit in a window, then refuses until the window closes', async () => {
    const storage = new MemoryThrottlerStorage();
    const records = await hits(storage, 4, 60_000, 3);
    expect(records.map((record) => [record.totalHits, record.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(records[0]).toMatchObject({ timeToExpire: 60, timeToBlockExpire: 0 });
    expect(records[3].timeToBlockExpire).toBe(60);
  });

  it('starts a fresh window once the last one closed', async () => {
    const storage = new MemoryThrottlerStorage();
    await hits(storage, 3, 200, 2);
    await sleep(250);
    expect(await hits(storage, 1, 200, 2)).toEqual([
      { totalHits: 1, timeToExpire: 1, isBlocked: false, timeToBlockExpire: 0 },
    ]);
  });

  it('blocks for blockDuration from the first refused hit when that outlasts the window', async () => {
    const storage = new MemoryThrottlerStorage();
    const [, , refused] = await hits(storage, 3, 200, 2, 2_500);
    expect(refused).toMatchObject({ isBlocked: true, timeToBlockExpire: 3 });
    await sleep(300);
    const [stillRefused] = await hits(storage, 1, 200, 2, 2_500);
    expect(stillRefused).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 3 });
  });

  it('counts each key and throttler apart', async () => {
    const storage = new MemoryThrottlerStorage();
    await storage.increment('a', 60_000, 1, 0, 'global');
    expect((await storage.increment('b', 60_000, 1, 0, 'global')).isBlocked).toBe(false);
    expect((await storage.increment('a', 60_000, 1, 0, 'credentials')).isBlocked).toBe(false);
    expect((await storage.increment('a', 60_000, 1, 0, 'global')).isBlocked).toBe(true);
  });

  it('costs the same per hit however many hits the window holds', async () => {
    const storage = new MemoryThrottlerStorage();
    const timed = async (count: number) => {
      const startedAt = process.hrtime.bigint();
      await hits(storage, count, 60_000, 1_000_000);
      return Number(process.hrtime.bigint() - startedAt) / count;
    };
    await timed(1_000);
    const early = await timed(1_000);
    await timed(50_000);
    const late = await timed(1_000);
    // The stock storage filters every hit's timestamp: 50 000 hits in the window made it ~100x slower per hit.
    expect(late).toBeLessThan(early * 10 + 20_000);
  });
});

describe('RedisThrottlerStorage', () => {
  const connections: RedisConnection[] = [];
  let prefix: string;

  /** A replica's view: its own connection to the shared Redis, same key prefix. */
  async function replica(): Promise<RedisThrottlerStorage> {
    const connection = new RedisConnection(
      loadAppConfig({ NODE_ENV: 'test', REDIS_URL: REDIS_URL ?? '', REDIS_KEY_PREFIX: prefix }),
    );
    connections.push(connection);
    expect(await connection.waitUntilUp()).toBe(true);
    return new RedisThrottlerStorage(commandsOf(connection), prefix);
  }

  beforeEach(() => (prefix = `ac-test-${randomUUID()}:`));

  afterEach(async () => {
    const client = connections[0]?.client;
    const keys = client ? await client.keys(`${prefix}*`) : [];
    if (keys.length > 0) await client?.del(...keys);
    await Promise.all(connections.splice(0).map((connection) => connection.onApplicationShutdown()));
  });

  withRedis('shares one count between replicas, under the key prefix, with an expiry', async () => {
    const [a, b] = [await replica(), await replica()];
    const records = [];
    for (let i = 0; i < 5; i++) records.push(await (i % 2 ? b : a).increment('ip', 60_000, 4, 0, 'global'));
    expect(records.map((record) => [record.totalHits, record.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, true],
    ]);
    expect(records[4].timeToBlockExpire).toBe(60);
    const client = commandsOf(connections[0]);
    const key = a.keyOf('ip', 'global');
    expect(key.startsWith(prefix)).toBe(true);
    expect(await client.keys(`${prefix}*`)).toEqual([key]);
    expect(await client.get(key)).toBe('5');
    expect(await client.pttl(key)).toBeGreaterThan(59_000);
  });

  withRedis('starts a fresh window once the last one expired', async () => {
    const [a, b] = [await replica(), await replica()];
    await hits(a, 3, 200, 2);
    await sleep(300);
    expect(await hits(b, 1, 200, 2)).toEqual([
      { totalHits: 1, timeToExpire: 1, isBlocked: false, timeToBlockExpire: 0 },
    ]);
  });

  withRedis('blocks every replica for blockDuration from the first refused hit', async () => {
    const [a, b] = [await replica(), await replica()];
    const [, , refused] = await hits(a, 3, 200, 2, 2_500);
    expect(refused).toMatchObject({ isBlocked: true, timeToBlockExpire: 3 });
    await sleep(300);
    const [stillRefused] = await hits(b, 1, 200, 2, 2_500);
    expect(stillRefused).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 3 });
  });

  withRedis('follows the same rule as the in-memory storage', async () => {
    const redis = await replica();
    const memory = new MemoryThrottlerStorage();
    const sequence = async (storage: ThrottlerStorage) => [
      ...(await hits(storage, 4, 60_000, 2)),
      ...(await hits(storage, 3, 60_000, 2, 120_000, 'other')),
    ];
    expect(await sequence(redis)).toEqual(await sequence(memory));
  });
});
