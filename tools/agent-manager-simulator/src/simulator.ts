import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createApp } from './app';
import { createAuthenticator } from './auth';
import { ConfigStore } from './config-store';
import type { SimulatorContext } from './context';
import {
  applyFaultPatch,
  FaultController,
  type FaultPatch,
  type FaultSettings,
  NO_FAULTS,
  TimerRegistry,
  validateFaultPatch,
} from './faults';
import { HttpException } from './http-errors';
import { resolveOptions, type SimulatorOptions } from './options';
import { Throttler } from './rate-limit';
import { CONTROL_PREFIX, resetSimulator } from './routes/control.routes';
import { AgentsGateway, SOCKET_NAMESPACE } from './sockets/agents-gateway';
import { SimulatorState } from './state';

export interface SimulatorHandle {
  /** Base URL without `/api`, as a controller stores a manager's endpoint. */
  url: string;
  /** `url` + `/api`. */
  apiUrl: string;
  /** `url` + `/_simulator`. */
  controlUrl: string;
  /** Socket.IO namespace URL, `http://host:wsPort/agents` (path `/socket.io`): `io(wsUrl)`. */
  wsUrl: string;
  wsPort: number;
  host: string;
  port: number;
  apiKey: string;
  controlToken: string;
  /** The live state, for in-process tests and benchmarks. */
  context: SimulatorContext;
  /** Same as `POST /_simulator/faults`. */
  setFaults(patch: FaultPatch): FaultSettings;
  /** Same as `DELETE /_simulator/faults`. */
  clearFaults(): FaultSettings;
  /** Same as `POST /_simulator/config` (`null` clears it). */
  setConfigOverride(override: Record<string, unknown> | null): void;
  /** Same as `POST /_simulator/reset`. */
  reset(options?: { keepData?: boolean }): void;
  /** Same as `POST /_simulator/sockets/drop`: closes every socket's transport (a network drop); returns the count. */
  dropSockets(): number;
  /** Stops listening, drops open connections and timers. Idempotent. */
  close(): Promise<void>;
}

function validatedPatch(patch: unknown): FaultPatch {
  try {
    return validateFaultPatch(patch);
  } catch (err) {
    if (err instanceof HttpException) {
      throw new Error(`Invalid fault settings: ${err.message}`);
    }
    throw err;
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export function createSimulatorContext(options: SimulatorOptions = {}): SimulatorContext {
  const resolved = resolveOptions(options);
  const initialPatch = validatedPatch(resolved.faults);
  const initialFaults = applyFaultPatch(NO_FAULTS, initialPatch);
  const state = new SimulatorState();
  const config = new ConfigStore(resolved.gitRepositoryUrl, () => {
    const value = state.configurationOverrides.get('gitRepositoryUrl');
    return value ? value : undefined;
  });
  const initialConfigOverride = initialPatch.configOverride ?? null;
  config.setOverride(initialConfigOverride);
  return {
    options: resolved,
    state,
    config,
    faults: new FaultController(initialFaults),
    initialFaults,
    initialConfigOverride,
    throttler: new Throttler(resolved.rateLimit, resolved.rateLimitTtlSeconds * 1000),
    timers: new TimerRegistry(),
    authenticate: createAuthenticator({
      mode: resolved.auth,
      apiKey: resolved.apiKey,
      keycloakIssuer: resolved.keycloakIssuer,
    }),
    stats: { total: 0, byStatus: {} },
  };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Starts a simulator: an agent-manager API on `http://host:port/api` plus the control API. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const ctx = createSimulatorContext(options);
  const server = createServer(createApp(ctx));
  const address = await listen(server, ctx.options.port, ctx.options.host);
  const url = `http://${urlHost(ctx.options.host)}:${address.port}`;
  const gateway = new AgentsGateway(ctx, {
    port: ctx.options.wsPort,
    host: ctx.options.host,
    statsIntervalMs: ctx.options.statsIntervalMs,
  });
  try {
    await gateway.listen();
  } catch (err) {
    ctx.throttler.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  ctx.sockets = gateway;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= Promise.all([
      gateway.close(),
      new Promise<void>((resolve) => {
        ctx.timers.clearAll();
        ctx.throttler.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    ]).then(() => undefined);
    return closing;
  };

  return {
    url,
    apiUrl: `${url}/api`,
    controlUrl: `${url}${CONTROL_PREFIX}`,
    wsUrl: `http://${urlHost(ctx.options.host)}:${gateway.port}${SOCKET_NAMESPACE}`,
    wsPort: gateway.port,
    host: ctx.options.host,
    port: address.port,
    apiKey: ctx.options.apiKey,
    controlToken: ctx.options.controlToken,
    context: ctx,
    setFaults: (patch) => {
      const valid = validatedPatch(patch);
      if (valid.configOverride !== undefined) {
        ctx.config.setOverride(valid.configOverride);
      }
      return ctx.faults.patch(valid);
    },
    clearFaults: () => {
      ctx.faults.set(NO_FAULTS);
      return ctx.faults.current;
    },
    setConfigOverride: (override) => ctx.config.setOverride(override),
    reset: (resetOptions = {}) => resetSimulator(ctx, resetOptions.keepData === true),
    dropSockets: () => gateway.dropSockets(),
    close,
  };
}
