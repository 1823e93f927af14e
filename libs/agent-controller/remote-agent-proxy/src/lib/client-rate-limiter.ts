import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig, DomainError, FleetThrottlerStorage } from '@agent-controller/core';

const WINDOW_MS = 60_000;

/**
 * A budget of proxied calls per client and minute, whoever calls: it protects the remote (real managers
 * allow 100 requests a minute per address in production). Separate from the per-address API limit; counted in
 * the same storage, so with REDIS_URL the replicas share it.
 */
@Injectable()
export class ClientRateLimiter {
  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly storage: FleetThrottlerStorage,
  ) {}

  async consume(clientId: string, clientName: string): Promise<void> {
    const limit = this.config.remote.clientRateLimitPerMinute;
    const record = await this.storage.increment(clientId, WINDOW_MS, limit, 0, 'client');
    if (record.isBlocked) {
      const retryAfterSeconds = Math.max(1, record.timeToBlockExpire);
      throw new DomainError(
        'CLIENT_RATE_LIMITED',
        `Too many calls to client ${clientName}; retry in ${retryAfterSeconds} s`,
        {
          clientId,
          retryAfterSeconds,
        },
      );
    }
  }
}
