import { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/*
 * One rule, counted in memory (one replica) or in Redis (the fleet): a budget's window opens with its first hit
 * and lasts `ttl`; every hit adds one. The hit that first goes over the limit stretches the window to at least
 * `blockDuration` from now, so the caller is refused until the window closes; then it starts afresh. One counter
 * and one expiry per (throttler, key): O(1) per request whatever the budget, unlike the throttler's stock storage,
 * which keeps a timestamp per hit and filters them all on every request.
 */

function toRecord(totalHits: number, msLeft: number, limit: number): ThrottlerStorageRecord {
  const secondsLeft = Math.ceil(msLeft / 1000);
  const isBlocked = totalHits > limit;
  return { totalHits, timeToExpire: secondsLeft, isBlocked, timeToBlockExpire: isBlocked ? secondsLeft : 0 };
}

/** Expired windows are dropped at most this often, on a hit: no timer to stop, memory bounded by active keys. */
const SWEEP_INTERVAL_MS = 60_000;

/** This process's counters. */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, { hits: number; endsAt: number }>();
  private nextSweepAt = 0;

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    if (now >= this.nextSweepAt) this.sweep(now);
    const id = `${throttlerName}:${key}`;
    let window = this.windows.get(id);
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + ttl };
      this.windows.set(id, window);
    }
    window.hits += 1;
    if (window.hits === limit + 1) window.endsAt = Math.max(window.endsAt, now + blockDuration);
    return toRecord(window.hits, window.endsAt - now, limit);
  }

  private sweep(now: number): void {
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [id, window] of this.windows) if (window.endsAt <= now) this.windows.delete(id);
  }
}

/** KEYS[1] the counter; ARGV ttl, limit, blockDuration (ms). Returns {hits, ms left}. */
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local msLeft = redis.call('PTTL', KEYS[1])
if msLeft < 0 then
  msLeft = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], msLeft)
end
local blockDuration = tonumber(ARGV[3])
if hits == tonumber(ARGV[2]) + 1 and blockDuration > msLeft then
  msLeft = blockDuration
  redis.call('PEXPIRE', KEYS[1], msLeft)
end
return {hits, msLeft}
`;

type RedisWithHit = Redis & {
  rateLimitHit(key: string, ttl: number, limit: number, blockDuration: number): Promise<[number, number]>;
};

/** The fleet's counters, one atomic script per hit (sent once, then run by its hash), keys under `keyPrefix`. */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly redis: RedisWithHit;

  constructor(
    redis: Redis,
    private readonly keyPrefix: string,
  ) {
    redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as RedisWithHit;
  }

  /** The Redis key that counts `key` for `throttlerName`. */
  keyOf(key: string, throttlerName: string): string {
    return `${this.keyPrefix}rate-limit:${throttlerName}:${key}`;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const [hits, msLeft] = await this.redis.rateLimitHit(this.keyOf(key, throttlerName), ttl, limit, blockDuration);
    return toRecord(hits, msLeft, limit);
  }
}
