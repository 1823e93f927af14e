import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { RedisConnection } from '../redis/redis-connection';
import { MemoryThrottlerStorage, RedisThrottlerStorage } from './fixed-window-storage';

/** A Redis that takes longer than this to count a hit is treated as away: the request is never held up by it. */
const REDIS_TIMEOUT_MS = 500;
/** After Redis failed, count in memory this long before trying it again (a hung Redis costs one timeout a second). */
const RETRY_AFTER_MS = 1_000;

/**
 * The one rate-limit storage of this process (the request guard and the per-client proxy budget): counted in
 * Redis with `REDIS_URL`, so the replicas share one budget; in memory without it, and whenever Redis is
 * unreachable, slow or failing, so a request never fails because of Redis. Goes back to Redis when it answers.
 */
@Injectable()
export class FleetThrottlerStorage implements ThrottlerStorage, OnApplicationBootstrap {
  private readonly logger = new Logger('RateLimit');
  private readonly memory = new MemoryThrottlerStorage();
  private readonly fleet: RedisThrottlerStorage | null;
  /** When Redis last failed; undefined while it answers (or before it was ever tried). */
  private failedAt: number | undefined;

  constructor(private readonly redis: RedisConnection) {
    this.fleet = redis.client ? new RedisThrottlerStorage(redis.client, redis.keyPrefix) : null;
  }

  /** A replica that starts while Redis is away says so at once (and keeps serving). */
  async onApplicationBootstrap(): Promise<void> {
    if (this.fleet && !(await this.redis.waitUntilUp())) this.redisFailed('not connected');
  }

  /** Counting in Redis now (false without REDIS_URL and while it is away). */
  get fleetWide(): boolean {
    return this.fleet !== null && this.failedAt === undefined;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    if (this.fleet && this.shouldTryRedis()) {
      try {
        const record = await withTimeout(this.fleet.increment(key, ttl, limit, blockDuration, throttlerName));
        this.redisAnswered();
        return record;
      } catch (error) {
        this.redisFailed(error instanceof Error ? error.message : String(error));
      }
    }
    return this.memory.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  private shouldTryRedis(): boolean {
    if (!this.redis.isUp) {
      this.redisFailed('not connected');
      return false;
    }
    return this.failedAt === undefined || Date.now() - this.failedAt >= RETRY_AFTER_MS;
  }

  private redisFailed(reason: string): void {
    if (this.failedAt === undefined) {
      this.logger.warn(`Rate limits per replica while Redis is unreachable (${reason})`);
    }
    this.failedAt = Date.now();
  }

  private redisAnswered(): void {
    if (this.failedAt !== undefined) this.logger.log('Rate limits are fleet-wide again: Redis answers');
    this.failedAt = undefined;
  }
}

function withTimeout<T>(operation: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}
