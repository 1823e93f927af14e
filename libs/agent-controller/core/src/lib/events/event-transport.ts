/**
 * How {@link FleetEvents} reaches the other replicas: Redis pub/sub, PostgreSQL LISTEN/NOTIFY, or nothing (one
 * process). A transport carries text; it says when it is connected, because while it is not, this replica may
 * miss other replicas' events and must not trust what it cached from them.
 */
export interface EventTransport {
  /** For logs: `redis`, `postgres` or `none`. */
  readonly name: string;
  /**
   * Starts listening. `receive` gets every message sent by any replica (this one's own too); `connected` is
   * called on each change of state, `true` only once messages are known to arrive.
   */
  start(receive: (message: string) => void, connected: (up: boolean) => void): void;
  /** Sends to every listening replica; rejects when it cannot. */
  publish(message: string): Promise<void>;
  stop(): Promise<void>;
}

/** One process (the embedded database, no Redis): the bus itself delivers everything, nothing travels. */
export class NoEventTransport implements EventTransport {
  readonly name = 'none';

  start(_receive: (message: string) => void, connected: (up: boolean) => void): void {
    connected(true);
  }

  async publish(): Promise<void> {
    // Nobody else to tell.
  }

  async stop(): Promise<void> {
    // Nothing to close.
  }
}

/** An event the transport cannot carry (PostgreSQL NOTIFY's payload limit): it stays on this replica. */
export class EventTooLargeError extends Error {}
