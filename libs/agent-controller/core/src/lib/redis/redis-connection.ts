import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig, appConfig } from '../config/app-config';

/** How long start-up waits for Redis before going on without it (it keeps reconnecting in the background). */
const STARTUP_WAIT_MS = 5_000;

/**
 * The fleet's Redis (`REDIS_URL`), or none. Commands fail at once while Redis is away instead of queueing, so
 * callers fall back to this process's own state; the connection comes back by itself. Subscriptions need a
 * connection of their own: {@link RedisConnection.duplicate}.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private readonly connections: Redis[] = [];
  /** The shared command connection; null without `REDIS_URL`. */
  readonly client: Redis | null;
  readonly keyPrefix: string;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.keyPrefix = config.redis?.keyPrefix ?? '';
    this.client = config.redis ? this.open(config.redis.url, 'commands', { enableOfflineQueue: false }) : null;
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  /** Connected and answering commands now. */
  get isUp(): boolean {
    return this.client?.status === 'ready';
  }

  /**
   * Another connection to the same Redis (for subscriptions), closed with the application. Its commands wait for
   * the connection instead of failing: a subscription made while Redis is away is made when it comes back.
   */
  duplicate(name: string): Redis {
    if (!this.client) throw new Error('Redis is not configured (REDIS_URL)');
    return this.open(this.client.options, name, { enableOfflineQueue: true, maxRetriesPerRequest: null });
  }

  /** Resolves once connected, or after a few seconds without: a replica starts (degraded) while Redis is down. */
  async waitUntilUp(timeoutMs = STARTUP_WAIT_MS): Promise<boolean> {
    const client = this.client;
    if (!client) return false;
    if (client.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (up: boolean) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        resolve(up);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      client.on('ready', onReady);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    // A connection that is not up now is dropped: QUIT would wait for it in the offline queue.
    await Promise.all(
      this.connections.map((connection) =>
        connection.status === 'ready'
          ? connection.quit().catch(() => connection.disconnect())
          : connection.disconnect(),
      ),
    );
  }

  private open(target: string | RedisOptions, name: string, options: RedisOptions): Redis {
    const settings: RedisOptions = {
      connectionName: `agent-controller:${name}`,
      // One try per command while connected; a lost connection fails pending commands instead of hanging them.
      maxRetriesPerRequest: 1,
      // Back off to one attempt every 2 s, for ever.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      ...options,
    };
    const connection = typeof target === 'string' ? new Redis(target, settings) : new Redis({ ...target, ...settings });
    this.connections.push(connection);
    // Logged on each change of state only: a Redis that stays down does not flood the log.
    let lastError: string | undefined;
    connection.on('error', (error: Error) => {
      if (error.message === lastError) return;
      lastError = error.message;
      this.logger.warn(`Redis connection "${name}" failed: ${error.message}; reconnecting`);
    });
    connection.on('ready', () => {
      if (lastError !== undefined) this.logger.log(`Redis connection "${name}" is back`);
      lastError = undefined;
    });
    return connection;
  }
}
