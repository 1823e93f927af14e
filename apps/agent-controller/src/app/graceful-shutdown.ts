import { INestApplication, Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig, appConfig } from '@agent-controller/core';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Server as SocketServer } from 'socket.io';

/** After the drain: how long Nest's shutdown hooks (locks, leases, database) may take before the process exits anyway. */
const HOOKS_BOUND_MS = 5000;
/** While draining, idle keep-alive connections are closed this often: a finished response leaves its socket idle. */
const IDLE_SWEEP_MS = 100;

/**
 * Takes SIGTERM/SIGINT/SIGHUP over from Nest's shutdown hooks so a rolling restart loses no request that had started
 * (DESIGN §8): not ready first while still serving, then stop accepting, hand browser sockets a reconnect, let
 * in-flight requests finish (bounded), and only then run the modules' shutdown hooks, which release locks and
 * leases and close the database — Nest would run them at once, under the requests still being answered.
 */
@Injectable()
export class GracefulShutdown {
  private readonly logger = new Logger('GracefulShutdown');
  private readonly inFlight = new Set<ServerResponse>();
  private stopping = false;

  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {}

  /** False from the first shutdown signal on: readiness answers 503 so the load balancer stops sending. */
  get ready(): boolean {
    return !this.stopping;
  }

  /**
   * Instead of `app.enableShutdownHooks()`. `socketServers` is read at shutdown: the gateway's servers are made
   * when the application listens.
   */
  handleSignals(app: INestApplication, socketServers: () => SocketServer[]): void {
    const server = app.getHttpServer() as HttpServer;
    // First in line, so the header is set before Express can answer.
    server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => this.track(response));
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (this.stopping) return this.exit(1, `${signal} while shutting down: exiting now`);
        void this.shutDown(app, server, socketServers(), signal);
      });
    }
  }

  private track(response: ServerResponse): void {
    this.inFlight.add(response);
    response.once('close', () => this.inFlight.delete(response));
    // The caller (or balancer) opens its next request elsewhere instead of reusing this connection.
    if (this.stopping) response.setHeader('Connection', 'close');
  }

  private async shutDown(
    app: INestApplication,
    server: HttpServer,
    socketServers: SocketServer[],
    signal: NodeJS.Signals,
  ): Promise<void> {
    this.stopping = true;
    // Ctrl-C is a person at a terminal, not a balancer that needs time to notice.
    const delayMs = signal === 'SIGTERM' ? this.config.http.shutdownReadinessDelayMs : 0;
    const drainMs = this.config.http.shutdownDrainMs;
    setTimeout(
      () => this.exit(1, `Shutdown did not finish within ${delayMs + drainMs + HOOKS_BOUND_MS} ms: exiting now`),
      delayMs + drainMs + HOOKS_BOUND_MS,
    ).unref();
    for (const response of this.inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
    this.logger.log(
      `${signal}: not ready; serving ${delayMs} ms more, then draining ${this.inFlight.size} request(s) in flight (up to ${drainMs} ms)`,
    );
    await sleep(delayMs);

    // Stops accepting; Node also closes the connections idle now (keep-alive holds them 65 s otherwise).
    server.close();
    for (const io of socketServers) {
      // Ends every transport without a Socket.IO "disconnect" packet: the client sees "transport close" and
      // reconnects (through the balancer, elsewhere); "io server disconnect" would leave it disconnected. The
      // gateway's disconnect handling closes each socket's remote link. A separate WEBSOCKET_PORT stops accepting too.
      io.engine.close();
      if (io.httpServer !== server) io.httpServer?.close();
    }
    const started = this.inFlight.size;
    const drained = await this.drain(server, drainMs);
    if (drained) {
      this.logger.log(`Drained ${started} request(s) in flight; releasing locks and leases`);
    } else {
      this.logger.warn(`${this.inFlight.size} request(s) still running after ${drainMs} ms: cutting them`);
      server.closeAllConnections();
    }

    try {
      await app.close();
    } catch (error) {
      this.logger.error({ err: error }, 'Shutdown hooks failed');
      return this.exit(1, 'Exiting after failed shutdown hooks');
    }
    this.exit(drained ? 0 : 1, drained ? 'Shut down' : 'Shut down after cutting requests');
  }

  /** True once every request in flight has been answered, false if `drainMs` passed first. */
  private async drain(server: HttpServer, drainMs: number): Promise<boolean> {
    const deadline = Date.now() + drainMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      server.closeIdleConnections();
      await sleep(Math.min(IDLE_SWEEP_MS, Math.max(0, deadline - Date.now())));
    }
    server.closeIdleConnections();
    return this.inFlight.size === 0;
  }

  private exit(code: number, message: string): void {
    if (code === 0) this.logger.log(message);
    else this.logger.error(message);
    process.exit(code);
  }
}
