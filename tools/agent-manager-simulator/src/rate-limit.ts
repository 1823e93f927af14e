import type { RequestHandler } from 'express';

import { plainHttpException } from './http-errors';

export type RateLimitScope = 'route' | 'ip';

export const RATE_LIMIT_MESSAGE = 'Too many requests, please try again later.';

interface ThrottleRecord {
  /** Expiry time of every counted hit (each hit counts for `ttl` after it was made). */
  hits: number[];
  /** End of the current window, only used for `X-RateLimit-Reset`; renewed once it has passed. */
  windowExpiresAt: number;
  blocked: boolean;
  blockExpiresAt: number;
}

export interface ThrottleResult {
  blocked: boolean;
  totalHits: number;
  /** Seconds until the window ends (`X-RateLimit-Reset`). */
  timeToExpire: number;
  /** Seconds until the block ends (`Retry-After`). */
  timeToBlockExpire: number;
}

/**
 * The in-memory throttler of `@nestjs/throttler` (v6), which the real manager registers as a global guard
 * after its auth guard: a hit counts for `ttl`; the request that takes the count above `limit` starts a
 * block of `ttl` during which nothing is counted and everything gets 429; when the block ends the count
 * starts again from that request.
 */
export class Throttler {
  private readonly records = new Map<string, ThrottleRecord>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    readonly limit: number,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): ThrottleResult {
    const now = this.now();
    this.ensureSweeper();
    let record = this.records.get(key);
    if (!record) {
      record = { hits: [], windowExpiresAt: now + this.ttlMs, blocked: false, blockExpiresAt: 0 };
      this.records.set(key, record);
    }
    record.hits = record.hits.filter((expiresAt) => expiresAt > now);
    if (record.windowExpiresAt <= now) {
      record.windowExpiresAt = now + this.ttlMs;
    }
    if (!record.blocked) {
      record.hits.push(now + this.ttlMs);
    }
    if (record.hits.length > this.limit && !record.blocked) {
      record.blocked = true;
      record.blockExpiresAt = now + this.ttlMs;
    }
    if (record.blocked && record.blockExpiresAt <= now) {
      record.blocked = false;
      record.hits = [now + this.ttlMs];
    }
    return {
      blocked: record.blocked,
      totalHits: record.hits.length,
      timeToExpire: Math.ceil((record.windowExpiresAt - now) / 1000),
      timeToBlockExpire: record.blocked ? Math.ceil((record.blockExpiresAt - now) / 1000) : 0,
    };
  }

  reset(): void {
    this.records.clear();
  }

  close(): void {
    if (this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
    this.records.clear();
  }

  private ensureSweeper(): void {
    if (this.sweeper) {
      return;
    }
    this.sweeper = setInterval(() => this.sweep(), Math.max(this.ttlMs, 1000));
    this.sweeper.unref();
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, record] of this.records) {
      const idle =
        !(record.blocked && record.blockExpiresAt > now) &&
        record.windowExpiresAt <= now &&
        record.hits.every((expiresAt) => expiresAt <= now);
      if (idle) {
        this.records.delete(key);
      }
    }
  }
}

/**
 * Route guard. On success it sets `X-RateLimit-Limit/Remaining/Reset`; when blocked it answers 429
 * `{"statusCode":429,"message":"Too many requests, please try again later."}` with `Retry-After` (the
 * NestJS guard sets only that header on a 429). The client is `req.ip` (the socket address; no proxy
 * headers are trusted).
 */
export function createThrottleGuard(throttler: Throttler, scope: RateLimitScope, routeName: string): RequestHandler {
  return (req, res, next) => {
    const tracker = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const key = scope === 'route' ? `${routeName}|${tracker}` : tracker;
    const result = throttler.hit(key);
    if (result.blocked) {
      res.setHeader('Retry-After', String(result.timeToBlockExpire));
      next(plainHttpException(429, RATE_LIMIT_MESSAGE));
      return;
    }
    res.setHeader('X-RateLimit-Limit', String(throttler.limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, throttler.limit - result.totalHits)));
    res.setHeader('X-RateLimit-Reset', String(result.timeToExpire));
    next();
  };
}
