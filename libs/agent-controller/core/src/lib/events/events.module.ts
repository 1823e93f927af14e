import { Global, Module } from '@nestjs/common';
import { AppConfig, appConfig } from '../config/app-config';
import { RedisConnection } from '../redis/redis-connection';
import { EventTransport, NoEventTransport } from './event-transport';
import { FLEET_EVENT_TRANSPORT, FleetEvents } from './fleet-events';
import { PgNotifyTransport, pgClientConfig } from './pg-notify-transport';
import { RedisEventTransport } from './redis-event-transport';

/** Redis where REDIS_URL is set; else PostgreSQL NOTIFY on a database server; else (embedded) this process only. */
function chooseTransport(config: AppConfig, redis: RedisConnection): EventTransport {
  if (redis.enabled) return new RedisEventTransport(redis);
  if (config.database.kind === 'server') return new PgNotifyTransport(pgClientConfig(config.database));
  return new NoEventTransport();
}

/** The internal event bus, for any module that tells or listens (gateway, webhooks, caches). */
@Global()
@Module({
  providers: [
    FleetEvents,
    { provide: FLEET_EVENT_TRANSPORT, inject: [appConfig.KEY, RedisConnection], useFactory: chooseTransport },
  ],
  exports: [FleetEvents],
})
export class EventsModule {}
