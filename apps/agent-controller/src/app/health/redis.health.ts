import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RedisConnection } from '@agent-controller/core';

const PING_TIMEOUT_MS = 1_000;

/**
 * Redis for readiness. A replica without Redis still serves REST (rate limits and socket rooms fall back to this
 * replica), so Redis away is `degraded`, never `down`: taking every replica out of the balancer for it would
 * turn a degraded fleet into a dead one.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly redis: RedisConnection,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(): Promise<HealthIndicatorResult<'redis'>> {
    const session = this.indicators.check('redis');
    const problem = await this.problem();
    return problem === null
      ? session.up({ state: 'connected' })
      : session.up({
          state: 'degraded',
          message: `${problem}: rate limits, socket rooms and events stay on this replica until it is back`,
        });
  }

  private async problem(): Promise<string | null> {
    if (!this.redis.isUp || !this.redis.client) return 'Redis is unreachable';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`Redis did not answer within ${PING_TIMEOUT_MS} ms`), PING_TIMEOUT_MS);
    });
    const ping = this.redis.client.ping().then(
      () => null,
      (error: unknown) => `Redis refused a ping (${error instanceof Error ? error.message : String(error)})`,
    );
    try {
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
