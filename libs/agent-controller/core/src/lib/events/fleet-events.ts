import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BehaviorSubject, distinctUntilChanged, filter, Observable, Subject } from 'rxjs';
import { EventTooLargeError, EventTransport } from './event-transport';
import { FleetEvent, FleetEventOf, FleetEventType } from './fleet-event';

/** The transport FleetEvents uses (see events.module.ts for the choice). */
export const FLEET_EVENT_TRANSPORT = Symbol('FLEET_EVENT_TRANSPORT');

/** An event as it travels between replicas: who sent it, so the sender does not hear it twice. */
interface Envelope {
  origin: string;
  event: FleetEvent;
}

/** Events that could not be sent wait for the transport to come back; beyond this many the oldest are dropped. */
const MAX_PENDING = 1_000;
/** How soon a failed send is tried again (also as soon as the transport reconnects). */
const RETRY_MS = 1_000;

/**
 * The controller's one internal event bus (DESIGN §8). The publisher's own listeners hear an event at once; the
 * other replicas through the transport (Redis pub/sub, PostgreSQL NOTIFY, or none in a single process).
 * Publishing never fails: events go out in order, and while the transport is away they are kept (bounded) and
 * sent when it is back.
 *
 * `delivering` says whether other replicas' events are known to arrive: caches of shared state are only
 * trusted while it is true.
 *
 * Publish after the change is committed: a listener that reads it back must find it.
 */
@Injectable()
export class FleetEvents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('FleetEvents');
  private readonly events = new Subject<FleetEvent>();
  private readonly up = new BehaviorSubject(false);
  private readonly origin = randomUUID();
  private readonly pending: string[] = [];
  private publishFailing = false;
  private draining = false;
  private retry?: NodeJS.Timeout;

  constructor(@Inject(FLEET_EVENT_TRANSPORT) private readonly transport: EventTransport) {}

  onModuleInit(): void {
    this.transport.start(
      (message) => this.receive(message),
      (up) => {
        this.up.next(up);
        if (up) void this.drain();
      },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retry);
    this.events.complete();
    this.up.next(false);
    this.up.complete();
    await this.transport.stop();
  }

  /** Whether events published on any replica reach this one now (always, in a single process). */
  get delivering(): boolean {
    return this.up.value;
  }

  /** `delivering` as it changes. */
  deliveringChanges(): Observable<boolean> {
    return this.up.pipe(distinctUntilChanged());
  }

  publish(event: FleetEvent): void {
    this.events.next(event);
    if (this.transport.name === 'none') return;
    this.pending.push(JSON.stringify({ origin: this.origin, event } satisfies Envelope));
    if (this.pending.length > MAX_PENDING) this.pending.shift();
    void this.drain();
  }

  /**
   * Events of one type, from this replica and every other. A listener handles its own failures: rxjs rethrows a
   * listener's error outside any caller, where it would end the process.
   */
  on<T extends FleetEventType>(type: T): Observable<FleetEventOf<T>> {
    return this.events.pipe(filter((event): event is FleetEventOf<T> => event.type === type));
  }

  /** Sends what is pending, in order, one at a time; on failure tries again in a second (or once reconnected). */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        try {
          await this.transport.publish(this.pending[0]);
        } catch (error) {
          if (!(error instanceof EventTooLargeError)) return this.failed(error);
          this.logger.warn(`An event stays on this replica: ${String(error)}`);
        }
        this.pending.shift();
        if (this.publishFailing) this.logger.log('Events reach the other replicas again');
        this.publishFailing = false;
      }
    } finally {
      this.draining = false;
    }
  }

  private failed(error: unknown): void {
    if (!this.publishFailing) {
      this.logger.warn(`Events wait on this replica until ${this.transport.name} is back: ${String(error)}`);
    }
    this.publishFailing = true;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.drain(), RETRY_MS);
    this.retry.unref();
  }

  private receive(message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      this.logger.warn(`Ignored a ${this.transport.name} event message that is not JSON`);
      return;
    }
    if (envelope.origin === this.origin || typeof envelope.event?.type !== 'string') return;
    this.events.next(envelope.event);
  }
}
