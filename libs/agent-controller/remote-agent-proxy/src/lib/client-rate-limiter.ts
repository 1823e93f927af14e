import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { AppConfig, appConfig, DomainError } from '@agent-controller/core';

const WINDOW_MS = 60_000;

/**
 * A budget of proxied calls per client and minute, whoever calls: it protects the remote (real managers
 * allow 100 requests a minute per address in production). Separate from the per-address API limit.
 */
@Injectable()
export class ClientRateLimiter implements OnApplicationShutdown {
  private readonly storage = new ThrottlerStorageService();

  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {}

  async consume(clientId: string, clientName: string): Promise<void> {
    const limit = this.config.remote.clientRateLimitPerMinute;
    const record = await this.storage.increment(`client:${clientId}`, WINDOW_MS, limit, 0, 'client');
    if (record.totalHits > limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil(record.timeToExpire));
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

  onApplicationShutdown(): void {
    this.storage.onApplicationShutdown();
  }
}
