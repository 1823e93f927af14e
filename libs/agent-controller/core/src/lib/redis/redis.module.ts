import { Global, Module } from '@nestjs/common';
import { RedisConnection } from './redis-connection';

/** The fleet's Redis connection, for any module (rate limits, gateway, events); absent without `REDIS_URL`. */
@Global()
@Module({ providers: [RedisConnection], exports: [RedisConnection] })
export class RedisModule {}
