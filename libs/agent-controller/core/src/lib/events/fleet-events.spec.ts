import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../config/app-config';
import { RedisConnection } from '../redis/redis-connection';
import { EventTransport, NoEventTransport } from './event-transport';
import { FleetEvent } from './fleet-event';
import { FleetEvents } from './fleet-events';
import { collectAccessEvents, until } from './events.testing';
import { RedisEventTransport } from './redis-event-transport';
import { freeLoopbackPort } from '../redis/redis.testing';

/** A real Redis when TEST_REDIS_URL is set (CI sets it); each test uses its own key prefix. */
const REDIS_URL = process.env['TEST_REDIS_URL'];
const withRedis = REDIS_URL ? it : it.skip;

const connections: RedisConnection[] = [];

/** The bus of one replica; `redis` as REDIS_URL and REDIS_KEY_PREFIX would configure it. */
function busFor(redisConfig?: AppConfig['redis']): FleetEvents {
  const redis = new RedisConnection({ redis: redisConfig } as AppConfig);
  connections.push(redis);
  const events = new FleetEvents(redis.enabled ? new RedisEventTransport(redis) : new NoEventTransport());
  events.onModuleInit();
  return events;
}

afterEach(async () => {
  jest.restoreAllMocks();
  await Promise.all(connections.splice(0).map((redis) => redis.onApplicationShutdown()));
});

describe('FleetEvents', () => {
  it('without Redis, delivers each event once, at once, to the listeners of its type only', () => {
    const events = busFor();
    expect(events.delivering).toBe(true);
    const received = collectAccessEvents(events);
    const progress: FleetEvent[] = [];
    events.on('provisioningProgress').subscribe((event) => progress.push(event));

    events.publish({ type: 'accessChanged', clientId: 'c1', userId: 'u1' });
    events.publish({ type: 'userAccessChanged', userId: 'u2' });

    expect(received).toEqual([
      { type: 'accessChanged', clientId: 'c1', userId: 'u1' },
      { type: 'userAccessChanged', userId: 'u2' },
    ]);
    expect(progress).toEqual([]);
  });

  withRedis('with Redis, every replica (the publisher too) hears each event exactly once', async () => {
    const env = { url: REDIS_URL ?? '', keyPrefix: `ac-test-${randomUUID()}:` };
    const [a, b] = [busFor(env), busFor(env)];
    const [receivedByA, receivedByB] = [collectAccessEvents(a), collectAccessEvents(b)];
    const channel = `${env.keyPrefix}events`;
    const probe = connections[0].client;
    await connections[0].waitUntilUp();
    await until(async () => {
      const [, subscribers] = (await probe?.pubsub('NUMSUB', channel)) as [string, number];
      return Number(subscribers) === 2;
    });

    // Delivering only once subscribed: caches trust nothing before.
    await until(() => a.delivering && b.delivering);
    a.publish({ type: 'accessChanged', clientId: 'c1' });
    b.publish({ type: 'userAccessChanged', userId: 'u1' });

    const expected = [
      { type: 'accessChanged', clientId: 'c1' },
      { type: 'userAccessChanged', userId: 'u1' },
    ];
    await until(() => receivedByA.length >= 2 && receivedByB.length >= 2);
    // Nothing arrives late as a duplicate.
    await sleep(200);
    expect(new Set(receivedByA.map((event) => JSON.stringify(event)))).toEqual(
      new Set(expected.map((event) => JSON.stringify(event))),
    );
    expect(receivedByA).toHaveLength(2);
    expect(receivedByB).toHaveLength(2);
    expect(receivedByB).toEqual(expect.arrayContaining(expected));
  });

  withRedis('ignores what is not an event on its channel', async () => {
    const env = { url: REDIS_URL ?? '', keyPrefix: `ac-test-${randomUUID()}:` };
    const events = busFor(env);
    const received = collectAccessEvents(events);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const channel = `${env.keyPrefix}events`;
    const probe = connections[0].client;
    await connections[0].waitUntilUp();
    await until(async () => Number(((await probe?.pubsub('NUMSUB', channel)) as [string, number])[1]) === 1);

    await probe?.publish(channel, 'not json');
    await probe?.publish(
      channel,
      JSON.stringify({ origin: 'elsewhere', event: { type: 'userAccessChanged', userId: 'u9' } }),
    );

    await until(() => received.length === 1);
    expect(received).toEqual([{ type: 'userAccessChanged', userId: 'u9' }]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not JSON/));
  });

  it('with Redis down, still delivers on this replica, never throws, and logs the outage once', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const events = busFor({ url: `redis://127.0.0.1:${await freeLoopbackPort()}`, keyPrefix: '' });
    const received = collectAccessEvents(events);

    expect(events.delivering).toBe(false);
    for (let i = 0; i < 5; i++)
      expect(() => events.publish({ type: 'userAccessChanged', userId: `u${i}` })).not.toThrow();

    expect(received.map((event) => (event as { userId: string }).userId)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
    await until(() => warn.mock.calls.some(([message]) => /wait on this replica/.test(String(message))));
    await sleep(100);
    expect(warn.mock.calls.filter(([message]) => /wait on this replica/.test(String(message)))).toHaveLength(1);
  });

  it('sends what failed again, in order, though the transport never reported a drop', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const sent: string[] = [];
    let failures = 1;
    const transport: EventTransport = {
      name: 'flaky',
      start: (_receive, connected) => connected(true),
      publish: async (message) => {
        if (failures-- > 0) throw new Error('connection reset');
        sent.push((JSON.parse(message) as { event: { userId: string } }).event.userId);
      },
      stop: async () => undefined,
    };
    const events = new FleetEvents(transport);
    events.onModuleInit();

    events.publish({ type: 'userAccessChanged', userId: 'first' });
    events.publish({ type: 'userAccessChanged', userId: 'second' });

    await until(() => sent.length === 2, 3_000);
    expect(sent).toEqual(['first', 'second']);
    await events.onApplicationShutdown();
  });
});
