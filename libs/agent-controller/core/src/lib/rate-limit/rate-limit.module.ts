import { ExecutionContext, Injectable, Module, SetMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModule } from '@nestjs/throttler';
import { AppConfig, appConfig } from '../config/app-config';
import { DomainError } from '../errors/domain-error';
import { FleetThrottlerStorage } from './fleet-throttler-storage';

const STRICT_RATE_LIMIT = 'agent-controller:strict-rate-limit';

/** Marks a route (login, setup) that gets the stricter `LOGIN_RATE_LIMIT_MAX` budget on top of the global one. */
export const StrictRateLimit = () => SetMetadata(STRICT_RATE_LIMIT, true);

function isStrict(context: ExecutionContext): boolean {
  return Reflect.getMetadata(STRICT_RATE_LIMIT, context.getHandler()) === true;
}

/**
 * The throttler names its header after the budget that ran out (`Retry-After-credentials`, `Retry-After-global`);
 * clients and proxies read the standard `Retry-After`, which the exception filter sends for `retryAfterSeconds`.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    _context: ExecutionContext,
    limit: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new DomainError('RATE_LIMITED', 'Too many requests, slow down', {
      retryAfterSeconds: Math.max(1, Math.ceil(limit.timeToBlockExpire)),
    });
  }
}

/** Global per-IP request budget, plus a tight one for credential-guessing targets; fleet-wide with REDIS_URL. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [appConfig.KEY, FleetThrottlerStorage],
      useFactory: (config: AppConfig, storage: FleetThrottlerStorage) => ({
        storage,
        throttlers: [
          { name: 'global', ttl: config.rateLimit.ttlSeconds * 1000, limit: config.rateLimit.max },
          {
            name: 'credentials',
            ttl: config.rateLimit.ttlSeconds * 1000,
            limit: config.rateLimit.loginMax,
            skipIf: (context) => !isStrict(context),
          },
        ],
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
