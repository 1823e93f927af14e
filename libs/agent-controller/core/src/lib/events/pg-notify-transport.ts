import { Logger } from '@nestjs/common';
import { Client, ClientConfig, escapeIdentifier } from 'pg';
import type { DatabaseConfig } from '../config/app-config';
import { EventTooLargeError, EventTransport } from './event-transport';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const NOTIFY_PAYLOAD_LIMIT = 8000;
export const EVENTS_CHANNEL = 'agent_controller_events';

/** The connection settings of a database server, for a `pg` client of its own (a URL wins, as for the pool). */
export function pgClientConfig(database: Extract<DatabaseConfig, { kind: 'server' }>): ClientConfig {
  return {
    connectionString: database.url,
    host: database.host,
    port: database.port,
    user: database.username,
    password: database.password,
    database: database.database,
    ssl: database.ssl ? { rejectUnauthorized: true } : false,
    application_name: 'agent-controller:events',
    keepAlive: true,
    connectionTimeoutMillis: 5_000,
  };
}

/**
 * PostgreSQL LISTEN/NOTIFY, for replicas sharing a database server without Redis. One dedicated connection
 * listens and publishes (pooled connections come and go, and a LISTEN lives as long as its session); when it
 * breaks it is opened again every `retryMs` until the server answers.
 */
export class PgNotifyTransport implements EventTransport {
  readonly name = 'postgres';
  private readonly logger = new Logger('FleetEvents');
  private client?: Client;
  private retry?: NodeJS.Timeout;
  private stopped = false;
  private failing = false;
  private receive: (message: string) => void = () => undefined;
  private connected: (up: boolean) => void = () => undefined;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel = EVENTS_CHANNEL,
    private readonly retryMs = 1_000,
  ) {}

  start(receive: (message: string) => void, connected: (up: boolean) => void): void {
    this.receive = receive;
    this.connected = connected;
    void this.connect();
  }

  async publish(message: string): Promise<void> {
    if (Buffer.byteLength(message) >= NOTIFY_PAYLOAD_LIMIT) {
      throw new EventTooLargeError(`${Buffer.byteLength(message)} bytes is too large for NOTIFY`);
    }
    if (!this.client) throw new Error('not connected to PostgreSQL');
    await this.client.query('SELECT pg_notify($1, $2)', [this.channel, message]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    let lost = false;
    // Without an 'error' listener a dropped connection would end the process.
    const onLost = (error?: unknown) => {
      if (lost) return;
      lost = true;
      if (this.client === client) {
        this.client = undefined;
        this.connected(false);
      }
      void client.end().catch(() => undefined);
      this.reconnectLater(error);
    };
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('connection ended')));
    client.on('notification', ({ channel, payload }) => {
      if (channel === this.channel && payload !== undefined) this.receive(payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${escapeIdentifier(this.channel)}`);
    } catch (error) {
      onLost(error);
      return;
    }
    if (lost) return;
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.failing) this.logger.log("Listening for other replicas' events on PostgreSQL again");
    this.failing = false;
    this.connected(true);
  }

  private reconnectLater(error: unknown): void {
    if (this.stopped) return;
    if (!this.failing) this.logger.warn(`PostgreSQL event connection lost (${String(error)}); reconnecting`);
    this.failing = true;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.connect(), this.retryMs);
    this.retry.unref();
  }
}
