import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { AppConfig } from '@agent-controller/core';
import type { Server, ServerOptions } from 'socket.io';

/**
 * Socket.IO on the API's port, or on WEBSOCKET_PORT when set; cross-origin browsers only from CORS_ORIGIN
 * (the console is served from the same origin).
 */
export class GatewayIoAdapter extends IoAdapter {
  /** Every Socket.IO server made, so a replica shutting down can send their browsers elsewhere. */
  readonly servers: Server[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const corsOrigins = this.config.http.corsOrigins;
    const server = super.createIOServer(this.config.gateway.port ?? port, {
      ...options,
      cors: corsOrigins.length > 0 ? { origin: corsOrigins } : undefined,
      // Agent chat stays small; a browser may not push large frames through the controller.
      maxHttpBufferSize: 1_000_000,
    });
    this.servers.push(server);
    return server;
  }
}
