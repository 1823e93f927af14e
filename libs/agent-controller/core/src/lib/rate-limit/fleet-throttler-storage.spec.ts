import { randomUUID } from 'node:crypto';
import { connect, createServer, Server, Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { loadAppConfig } from '../config/app-config';
import { RedisConnection } from '../redis/redis-connection';
import { FleetThrottlerStorage } from './fleet-throttler-storage';
import { commandsOf, freeLoopbackPort } from '../redis/redis.testing';

/** A real Redis when TEST_REDIS_URL is set (CI sets it); every test uses a key prefix of its own. */
const REDIS_URL = process.env['TEST_REDIS_URL'];
const withRedis = REDIS_URL ? it : it.skip;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP hop in front of the real Redis that can be absent (closed port), present, or silent (a hung Redis). */
class RedisHop {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  silent = false;

  private constructor(readonly port: number) {}

  static async onFreePort(): Promise<RedisHop> {
    return new RedisHop(await freeLoopbackPort());
  }

  /** The REDIS_URL that reaches Redis through this hop. */
  get url(): string {
    const url = new URL(REDIS_URL ?? 'redis://127.0.0.1:6379');
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async open(): Promise<void> {
    const target = new URL(REDIS_URL ?? 'redis://127.0.0.1:6379');
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => (client.destroy(), upstream.destroy()));
      }
      client.on('data', (data) => this.silent || upstream.write(data));
      upstream.on('data', (data) => client.write(data));
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
    this.server = undefined;
  }
}

describe('FleetThrottlerStorage', () => {
  const connections: RedisConnection[] = [];
  let prefix: string;
  let logged: string[];

  function storageFor(redisUrl?: string): { storage: FleetThrottlerStorage; connection: RedisConnection } {
    const connection = new RedisConnection(
      loadAppConfig({ NODE_ENV: 'test', ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix } : {}) }),
    );
    connections.push(connection);
    return { storage: new FleetThrottlerStorage(connection), connection };
  }

  const hit = (storage: FleetThrottlerStorage, limit = 3) => storage.increment('ip', 60_000, limit, 0, 'global');
  const rateLimitLines = () => logged.filter((line) => /rate limits/i.test(line));

  beforeEach(() => {
    prefix = `ac-test-${randomUUID()}:`;
    logged = [];
    for (const level of ['log', 'warn'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void logged.push(String(args[0])));
    }
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(connections.splice(0).map((connection) => connection.onApplicationShutdown()));
    if (!REDIS_URL) return;
    const cleaner = storageFor(REDIS_URL).connection;
    await cleaner.waitUntilUp();
    const keys = await commandsOf(cleaner).keys(`${prefix}*`);
    if (keys.length > 0) await commandsOf(cleaner).del(...keys);
    await cleaner.onApplicationShutdown();
  });

  it('counts in this process without REDIS_URL', async () => {
    const { storage } = storageFor();
    const records = [await hit(storage, 1), await hit(storage, 1)];
    expect(records.map((record) => record.isBlocked)).toEqual([false, true]);
    expect(storage.fleetWide).toBe(false);
    expect(rateLimitLines()).toEqual([]);
  });

  withRedis('shares the budget between two replicas through Redis', async () => {
    const [a, b] = [storageFor(REDIS_URL), storageFor(REDIS_URL)];
    await Promise.all([a.connection.waitUntilUp(), b.connection.waitUntilUp()]);
    const records = [await hit(a.storage), await hit(b.storage), await hit(a.storage), await hit(b.storage)];
    expect(records.map((record) => record.totalHits)).toEqual([1, 2, 3, 4]);
    expect(records[3]).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
    expect(a.storage.fleetWide).toBe(true);
  });

  withRedis(
    'counts per replica while Redis is unreachable, says so once, and goes back to Redis when it answers',
    async () => {
      const hop = await RedisHop.onFreePort();
      const { storage, connection } = storageFor(hop.url);
      try {
        const startedAt = Date.now();
        const records = [await hit(storage), await hit(storage), await hit(storage), await hit(storage)];
        expect(Date.now() - startedAt).toBeLessThan(200);
        expect(records.map((record) => [record.totalHits, record.isBlocked])).toEqual([
          [1, false],
          [2, false],
          [3, false],
          [4, true],
        ]);
        expect(storage.fleetWide).toBe(false);
        expect(rateLimitLines()).toEqual([
          expect.stringMatching(/^Rate limits per replica while Redis is unreachable/),
        ]);

        await hop.open();
        expect(await connection.waitUntilUp(5_000)).toBe(true);
        await sleep(1_100); // the retry delay after the last failure
        expect(await hit(storage)).toMatchObject({ totalHits: 1, isBlocked: false });
        expect(storage.fleetWide).toBe(true);
        expect(await connection.client?.get(`${prefix}rate-limit:global:ip`)).toBe('1');
        expect(rateLimitLines()).toEqual([
          expect.stringMatching(/^Rate limits per replica while Redis is unreachable/),
          'Rate limits are fleet-wide again: Redis answers',
        ]);
      } finally {
        await hop.close();
      }
    },
    15_000,
  );

  withRedis(
    'does not wait on a Redis that stops answering',
    async () => {
      const hop = await RedisHop.onFreePort();
      await hop.open();
      const { storage, connection } = storageFor(hop.url);
      try {
        expect(await connection.waitUntilUp()).toBe(true);
        expect((await hit(storage)).totalHits).toBe(1);
        hop.silent = true;
        const startedAt = Date.now();
        expect((await hit(storage)).totalHits).toBe(1); // the first hit of this replica's own count
        expect(Date.now() - startedAt).toBeLessThan(1_000);
        // Until the retry delay has passed, hits do not wait for Redis at all.
        const next = Date.now();
        expect((await hit(storage)).totalHits).toBe(2);
        expect(Date.now() - next).toBeLessThan(50);
        expect(rateLimitLines()).toEqual([
          'Rate limits per replica while Redis is unreachable (no answer within 500 ms)',
        ]);
      } finally {
        await hop.close();
      }
    },
    15_000,
  );
});
