import { INestApplicationContext } from '@nestjs/common';
import { AppConfig, RedisConnection } from '@agent-controller/core';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { GatewayIoAdapter } from './gateway-io.adapter';

/** A real Redis when TEST_REDIS_URL is set (CI sets it); each test uses its own key prefix. */
const REDIS_URL = process.env['TEST_REDIS_URL'];
const withRedis = REDIS_URL ? it : it.skip;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

const opened: Array<{ server: Server; redis: RedisConnection }> = [];

/** One replica's Socket.IO server, on a port of its own, with `redis` as REDIS_URL and REDIS_KEY_PREFIX say. */
async function replica(redisConfig?: AppConfig['redis']): Promise<{ server: Server; port: number }> {
  const port = await freePort();
  const config = { http: { corsOrigins: [] }, gateway: { port }, redis: redisConfig } as unknown as AppConfig;
  const redis = new RedisConnection(config);
  const app = { get: () => redis } as unknown as INestApplicationContext;
  const server = new GatewayIoAdapter(app, config).createIOServer(0);
  opened.push({ server, redis });
  return { server, port };
}

afterEach(async () => {
  for (const { server, redis } of opened.splice(0)) {
    await new Promise((resolve) => server.close(resolve));
    await redis.onApplicationShutdown();
  }
});

describe('GatewayIoAdapter', () => {
  withRedis("spans replicas: a broadcast on one reaches a room's sockets on the other", async () => {
    const env = { url: REDIS_URL ?? '', keyPrefix: `ac-test-${randomUUID()}:` };
    const [first, second] = [await replica(env), await replica(env)];
    first.server.of('/clients').on('connection', (socket) => void socket.join('user:u1'));
    second.server.of('/clients');
    const browser = io(`http://127.0.0.1:${first.port}/clients`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    try {
      const received = new Promise((resolve) => browser.on('hello', resolve));
      await new Promise((resolve) => browser.on('connect', () => resolve(undefined)));
      // The subscription is made asynchronously: send until it is in place.
      let answer: unknown;
      void received.then((payload) => (answer = payload));
      for (let attempt = 0; answer === undefined && attempt < 50; attempt++) {
        second.server.of('/clients').to('user:u1').emit('hello', { from: 'second' });
        await sleep(100);
      }
      expect(answer).toEqual({ from: 'second' });
    } finally {
      browser.close();
    }
  });

  it('keeps the process alive when a broadcast meets Redis away (the adapter does not handle its publishes)', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const { server } = await replica({ url: `redis://127.0.0.1:${await freePort()}`, keyPrefix: '' });
      const clients = server.of('/clients');
      clients.to('user:u1').emit('hello', {});
      clients.emit('hello', {});
      clients.disconnectSockets(true);
      await sleep(300);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('keeps rooms in this process without REDIS_URL', async () => {
    const { server } = await replica();
    expect(server.of('/clients').adapter.constructor.name).toBe('Adapter');
  });
});
