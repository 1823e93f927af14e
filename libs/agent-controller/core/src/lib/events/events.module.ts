import { Global, Module } from '@nestjs/common';
import { FleetEvents } from './fleet-events';

/** The internal event bus, for any module that tells or listens (gateway, webhooks, caches). */
@Global()
@Module({ providers: [FleetEvents], exports: [FleetEvents] })
export class EventsModule {}
