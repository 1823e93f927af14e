import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { AppConfig, RedisConnection } from '@agent-controller/core';
import type Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

/**
 * Socket.IO on the API's port, or on WEBSOCKET_PORT when set; cross-origin browsers only from CORS_ORIGIN
 * (the console is served from the same origin).
 *
 * With `REDIS_URL`, rooms span the fleet through the classic Redis pub/sub adapter. Not the Redis-streams
 * adapter: its one gain is connection-state recovery (replaying missed packets after a reconnect), which the
 * console does not use — it re-links with `setClient` and reads state over REST — and streams cost a poll per
 * replica and trimming. Sockets need no sticky sessions over WebSocket (the console's only transport); a client
 * that starts with HTTP long-polling needs the load balancer to keep its polling requests on one replica.
 */
export class GatewayIoAdapter extends IoAdapter {
  /** Every Socket.IO server made, so a replica shutting down can send their browsers elsewhere. */
  readonly servers: Server[] = [];

  private readonly redis: RedisConnection;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
    this.redis = app.get(RedisConnection);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const corsOrigins = this.config.http.corsOrigins;
    const server: Server = super.createIOServer(this.config.gateway.port ?? port, {
      ...options,
      cors: corsOrigins.length > 0 ? { origin: corsOrigins } : undefined,
      // Agent chat stays small; a browser may not push large frames through the controller.
      maxHttpBufferSize: 1_000_000,
    });
    this.servers.push(server);
    if (this.redis.client) {
      server.adapter(
        createAdapter(quietPublisher(this.redis.client), this.redis.duplicate('socket.io'), {
          key: `${this.redis.keyPrefix}socket.io`,
        }),
      );
    }
    return server;
  }
}

/**
 * The adapter publishes without awaiting the answer, and while Redis is away the shared connection refuses
 * commands at once: unhandled, that rejection would end the process. A broadcast then reaches this replica's
 * sockets only, as the event bus does; the connection itself logs the outage.
 */
function quietPublisher(client: Redis): Redis {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'publish') {
        return (channel: string, message: string | Buffer) => target.publish(channel, message).catch(() => 0);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
