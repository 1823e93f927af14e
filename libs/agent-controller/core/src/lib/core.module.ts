import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { appConfig } from './config/app-config';
import { EventsModule } from './events/events.module';
import { ApiExceptionFilter } from './errors/api-exception.filter';
import { ZodRequestValidationPipe } from './errors/zod-request-validation.pipe';
import { AppLoggerModule } from './logging/logger.module';
import { FleetThrottlerStorage } from './rate-limit/fleet-throttler-storage';
import { RedisModule } from './redis/redis.module';

/** Configuration, logging, validation and the error model: what every other module relies on. */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, ignoreEnvFile: true, load: [appConfig] }),
    AppLoggerModule,
    RedisModule,
    EventsModule,
  ],
  providers: [
    { provide: APP_PIPE, useClass: ZodRequestValidationPipe },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
    FleetThrottlerStorage,
  ],
  exports: [ConfigModule, AppLoggerModule, RedisModule, EventsModule, FleetThrottlerStorage],
})
export class CoreModule {}
