import type { Clock } from './scheduler';

/** What the rate-limit headers of one response say. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Unix seconds (see each limiter for what it means). */
  reset: number;
  /** The request was refused (429). */
  limited: boolean;
  /** Seconds to wait, when a limit that has one (DigitalOcean's burst) refused the request. */
  retryAfter?: number;
}

export interface RateLimiter {
  readonly limit: number;
  /** Counts a request of `key` (a token) unless it is refused. */
  hit(key: string): RateLimitState;
  /** The state of `key` without counting anything (for answers that are not counted, e.g. a 401). */
  peek(key: string): RateLimitState;
  reset(): void;
}

const seconds = (ms: number): number => Math.ceil(ms / 1000);

/**
 * DigitalOcean: every request counts for one hour after it was made (a sliding window of `limit`, 5,000 by
 * default), and at most `burstLimit` (250) in any minute. `reset` is when the oldest counted request expires.
 * A request refused by the burst limit gets `retryAfter`.
 */
export class SlidingWindowLimiter implements RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly burstLimit: number,
    private readonly now: Clock = Date.now,
    private readonly windowMs = 3_600_000,
    private readonly burstWindowMs = 60_000,
  ) {}

  hit(key: string): RateLimitState {
    const now = this.now();
    const hits = this.prune(key, now);
    const inBurst = hits.filter((time) => time > now - this.burstWindowMs);
    if (hits.length >= this.limit) {
      return this.state(hits, now, true);
    }
    if (inBurst.length >= this.burstLimit) {
      return { ...this.state(hits, now, true), retryAfter: seconds((inBurst[0] as number) + this.burstWindowMs - now) };
    }
    hits.push(now);
    return this.state(hits, now, false);
  }

  peek(key: string): RateLimitState {
    const now = this.now();
    return this.state(this.prune(key, now), now, false);
  }

  reset(): void {
    this.hits.clear();
  }

  private prune(key: string, now: number): number[] {
    let hits = this.hits.get(key);
    if (!hits) {
      hits = [];
      this.hits.set(key, hits);
    }
    let expired = 0;
    while (expired < hits.length && (hits[expired] as number) <= now - this.windowMs) expired++;
    if (expired > 0) hits.splice(0, expired);
    return hits;
  }

  private state(hits: number[], now: number, limited: boolean): RateLimitState {
    const oldest = hits[0] ?? now;
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - hits.length),
      reset: seconds(oldest + this.windowMs),
      limited,
    };
  }
}

/**
 * Hetzner: a bucket of `limit` requests (3,600 by default) per token that refills gradually, `limit` per
 * hour (one a second by default). `reset` is when the bucket will be full again.
 */
export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly refillPerMs: number;

  constructor(
    readonly limit: number,
    private readonly now: Clock = Date.now,
    periodMs = 3_600_000,
  ) {
    this.refillPerMs = limit / periodMs;
  }

  hit(key: string): RateLimitState {
    const bucket = this.refill(key);
    if (bucket.tokens < 1) {
      return this.state(bucket, true);
    }
    bucket.tokens -= 1;
    return this.state(bucket, false);
  }

  peek(key: string): RateLimitState {
    return this.state(this.refill(key), false);
  }

  reset(): void {
    this.buckets.clear();
  }

  private refill(key: string): { tokens: number; at: number } {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit, at: now };
    bucket.tokens = Math.min(this.limit, bucket.tokens + (now - bucket.at) * this.refillPerMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    return bucket;
  }

  private state(bucket: { tokens: number; at: number }, limited: boolean): RateLimitState {
    return {
      limit: this.limit,
      remaining: Math.floor(bucket.tokens),
      reset: seconds(bucket.at + (this.limit - bucket.tokens) / this.refillPerMs),
      limited,
    };
  }
}
