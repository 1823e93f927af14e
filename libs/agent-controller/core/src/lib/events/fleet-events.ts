import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { filter, Observable, Subject } from 'rxjs';
import { RedisConnection } from '../redis/redis-connection';
import { FleetEvent, FleetEventOf, FleetEventType } from './fleet-event';

/** An event as it travels through Redis: who sent it, so the sender does not hear it twice. */
interface Envelope {
  origin: string;
  event: FleetEvent;
}

/**
 * The controller's one internal event bus (DESIGN §8). Without Redis it is this process's own; with `REDIS_URL`
 * every replica hears every event once: the publisher at once, the others through Redis pub/sub. Publishing
 * never fails: while Redis is away events stay on this replica (logged once per change of state).
 *
 * Publish after the change is committed: a listener that reads it back must find it.
 */
@Injectable()
export class FleetEvents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('FleetEvents');
  private readonly events = new Subject<FleetEvent>();
  private readonly origin = randomUUID();
  private readonly channel: string;
  private publishFailing = false;

  constructor(private readonly redis: RedisConnection) {
    this.channel = `${redis.keyPrefix}events`;
  }

  onModuleInit(): void {
    if (!this.redis.enabled) return;
    const subscriber = this.redis.duplicate('events');
    subscriber.on('message', (_channel: string, message: string) => this.receive(message));
    // Waits for the connection when Redis is away at start-up; re-subscribes by itself after a reconnect.
    subscriber.subscribe(this.channel).catch((error: unknown) => {
      this.logger.warn(`Not subscribed to ${this.channel}: ${String(error)}; other replicas' events are missed`);
    });
  }

  onApplicationShutdown(): void {
    this.events.complete();
  }

  publish(event: FleetEvent): void {
    this.events.next(event);
    const client = this.redis.client;
    if (!client) return;
    const envelope: Envelope = { origin: this.origin, event };
    client.publish(this.channel, JSON.stringify(envelope)).then(
      () => {
        if (!this.publishFailing) return;
        this.publishFailing = false;
        this.logger.log('Events reach the other replicas again');
      },
      (error: unknown) => {
        if (this.publishFailing) return;
        this.publishFailing = true;
        this.logger.warn(`Events stay on this replica until Redis is back: ${String(error)}`);
      },
    );
  }

  /**
   * Events of one type, from this replica and (with Redis) every other. A listener handles its own failures:
   * rxjs rethrows a listener's error outside any caller, where it would end the process.
   */
  on<T extends FleetEventType>(type: T): Observable<FleetEventOf<T>> {
    return this.events.pipe(filter((event): event is FleetEventOf<T> => event.type === type));
  }

  private receive(message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      this.logger.warn(`Ignored a message on ${this.channel} that is not JSON`);
      return;
    }
    if (envelope.origin === this.origin || typeof envelope.event?.type !== 'string') return;
    this.events.next(envelope.event);
  }
}
