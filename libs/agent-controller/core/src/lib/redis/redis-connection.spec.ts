import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAppConfig } from '../config/app-config';
import { RedisConnection } from './redis-connection';
import { freeLoopbackPort } from './redis.testing';

/** A real Redis when TEST_REDIS_URL is set (CI sets it); the suite uses its own key prefix. */
const REDIS_URL = process.env['TEST_REDIS_URL'];
const withRedis = REDIS_URL ? it : it.skip;

function connectionFor(env: Record<string, string>): RedisConnection {
  // Test mode writes generated secrets to DATA_DIR: not into the source tree.
  const dataDir = join(tmpdir(), 'ac-redis-connection-spec');
  return new RedisConnection(loadAppConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, ...env }));
}

describe('RedisConnection', () => {
  it('is absent without REDIS_URL', async () => {
    const redis = connectionFor({});
    expect(redis.enabled).toBe(false);
    expect(redis.client).toBeNull();
    expect(await redis.waitUntilUp(10)).toBe(false);
    expect(() => redis.duplicate('events')).toThrow(/REDIS_URL/);
  });

  withRedis('connects to a real Redis, with the key prefix configured', async () => {
    const redis = connectionFor({ REDIS_URL: REDIS_URL ?? '', REDIS_KEY_PREFIX: 'ac-test:' });
    try {
      expect(await redis.waitUntilUp()).toBe(true);
      expect(redis.isUp).toBe(true);
      expect(redis.keyPrefix).toBe('ac-test:');
      expect(await redis.client?.ping()).toBe('PONG');
      const subscriber = redis.duplicate('events');
      await subscriber.subscribe('ac-test:channel');
      const received = new Promise((resolve) => subscriber.on('message', (_channel, message) => resolve(message)));
      await redis.client?.publish('ac-test:channel', 'hello');
      expect(await received).toBe('hello');
    } finally {
      await redis.onApplicationShutdown();
    }
  });

  it('starts without a reachable Redis and fails commands at once instead of queueing them', async () => {
    const redis = connectionFor({ REDIS_URL: `redis://127.0.0.1:${await freeLoopbackPort()}` });
    try {
      expect(await redis.waitUntilUp(300)).toBe(false);
      expect(redis.isUp).toBe(false);
      const startedAt = Date.now();
      await expect(redis.client?.incr('ac-test:counter')).rejects.toThrow();
      expect(Date.now() - startedAt).toBeLessThan(1_000);
    } finally {
      await redis.onApplicationShutdown();
    }
  });
});
