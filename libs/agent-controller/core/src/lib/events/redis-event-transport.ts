import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisConnection } from '../redis/redis-connection';
import { EventTransport } from './event-transport';

/** Redis pub/sub on `{REDIS_KEY_PREFIX}events`: a subscriber connection of its own, re-subscribed on reconnect. */
export class RedisEventTransport implements EventTransport {
  readonly name = 'redis';
  private readonly logger = new Logger('FleetEvents');
  private readonly channel: string;
  private subscriber?: Redis;

  constructor(private readonly redis: RedisConnection) {
    this.channel = `${redis.keyPrefix}events`;
  }

  start(receive: (message: string) => void, connected: (up: boolean) => void): void {
    const subscriber = this.redis.duplicate('events');
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) receive(message);
    });
    // Connected only once the (re-)subscription is confirmed; 'ready' follows every reconnect.
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => connected(true),
        (error: unknown) => this.logger.warn(`Not subscribed to ${this.channel}: ${String(error)}`),
      );
    });
    subscriber.on('close', () => connected(false));
  }

  async publish(message: string): Promise<void> {
    const client = this.redis.client;
    if (!client) throw new Error('Redis is not configured');
    await client.publish(this.channel, message);
  }

  async stop(): Promise<void> {
    // The connection is closed with the application by RedisConnection.
    this.subscriber?.removeAllListeners('ready');
  }
}
