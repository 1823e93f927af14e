import { ExecutionContext, Module, SetMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AppConfig, appConfig } from '../config/app-config';

const STRICT_RATE_LIMIT = 'agent-controller:strict-rate-limit';

/** Marks a route (login, setup) that gets the stricter `LOGIN_RATE_LIMIT_MAX` budget on top of the global one. */
export const StrictRateLimit = () => SetMetadata(STRICT_RATE_LIMIT, true);

function isStrict(context: ExecutionContext): boolean {
  return Reflect.getMetadata(STRICT_RATE_LIMIT, context.getHandler()) === true;
}

/** Global per-IP request budget, plus a tight one for credential-guessing targets. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => ({
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
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class RateLimitModule {}
