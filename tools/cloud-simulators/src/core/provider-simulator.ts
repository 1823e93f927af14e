import { createServer } from 'node:http';

import type { Router } from 'express';

import {
  type CloudProviderName,
  type ProviderSimulatorOptions,
  type ResolvedAgentManagerOptions,
  type ResolvedProviderOptions,
  resolveProviderOptions,
} from '../options';

import { AddressPool } from './address-pool';
import { AgentManagerLauncher, defaultAgentManagerBin } from './agent-manager';
import { CONTROL_PREFIX, createControlRouter } from './control.routes';
import { type FaultPatch, Faults, type FaultSettings, validateFaultPatch } from './faults';
import { ApiError, closeServer, iso, listen, urlHost } from './http';
import { type Machine, MachineStore } from './machines';
import { createProviderApp, type ProviderContext, type ProviderProfile } from './provider-app';
import type { RateLimiter } from './rate-limit';
import { Scheduler } from './scheduler';

/** What the agent-managers of all simulators in one process share: the address pool and the launcher. */
export interface SharedRuntime {
  addresses: AddressPool;
  launcher: AgentManagerLauncher | null;
}

export function createSharedRuntime(
  agentManager: ResolvedAgentManagerOptions,
  log?: (line: string) => void,
): SharedRuntime {
  return {
    addresses: new AddressPool(agentManager.addressPrefix, [agentManager.port, agentManager.wsPort]),
    launcher: agentManager.enabled
      ? new AgentManagerLauncher(agentManager.bin ?? defaultAgentManagerBin(), {
          startTimeoutMs: agentManager.startTimeoutMs,
          log,
        })
      : null,
  };
}

export interface ProviderDeps<T> {
  store: MachineStore<T>;
  faults: Faults;
  scheduler: Scheduler;
}

/** What a provider module supplies to `startProviderSimulator`. */
export interface ProviderDefinition<T> {
  provider: CloudProviderName;
  profile: ProviderProfile;
  /** Path of the API base URL on the origin: `/v1` (Hetzner) or `` (DigitalOcean, whose paths carry `/v2`). */
  basePath: string;
  unsupportedFaults: readonly (keyof FaultSettings)[];
  firstMachineId: number;
  firstActionId: number;
  createLimiter(options: ResolvedProviderOptions): RateLimiter;
  routes(deps: ProviderDeps<T>): Router;
  /** Provider fields of a server in the control API (`status`, type, location, labels, …). */
  describe(machine: Machine<T>): Record<string, unknown>;
}

export interface ProviderSimulatorHandle {
  provider: CloudProviderName;
  /** The API base URL a client is configured with: Hetzner `http://host:port/v1`, DigitalOcean `http://host:port`. */
  url: string;
  origin: string;
  /** `origin` + `/_simulator`. */
  controlUrl: string;
  host: string;
  port: number;
  token: string;
  /** Hetzner only. */
  readOnlyToken?: string;
  controlToken: string;
  /** Same as `GET /_simulator/state`. */
  state(): Record<string, unknown>;
  /** Same as `GET /_simulator/servers/:id`. */
  server(id: number): Record<string, unknown> | undefined;
  /** Same as `POST /_simulator/faults`. */
  setFaults(patch: FaultPatch): FaultSettings;
  /** Same as `DELETE /_simulator/faults`. */
  clearFaults(): FaultSettings;
  /** Same as `POST /_simulator/reset`. */
  reset(): Promise<void>;
  /** Stops listening, deletes every server (agent-managers stopped), clears timers. Idempotent. */
  close(): Promise<void>;
}

function validatedFaults(patch: FaultPatch, unsupported: readonly (keyof FaultSettings)[]): FaultPatch {
  try {
    return validateFaultPatch(patch, unsupported);
  } catch (err) {
    throw err instanceof ApiError ? new Error(`Invalid fault settings: ${err.message}`) : err;
  }
}

export async function startProviderSimulator<T>(
  definition: ProviderDefinition<T>,
  options: ProviderSimulatorOptions = {},
  shared?: SharedRuntime,
): Promise<ProviderSimulatorHandle> {
  const resolved = resolveProviderOptions(definition.provider, options);
  validatedFaults(options.faults ?? {}, definition.unsupportedFaults);
  const runtime = shared ?? createSharedRuntime(resolved.agentManager, resolved.log);
  const scheduler = new Scheduler(resolved.clock);
  const faults = new Faults(resolved.initialFaults);
  const store = new MachineStore<T>({
    scheduler,
    addresses: runtime.addresses,
    agentManager: runtime.launcher
      ? {
          launcher: runtime.launcher,
          port: resolved.agentManager.port,
          wsPort: resolved.agentManager.wsPort,
          bootstrap: {
            attempts: resolved.agentManager.bootstrapAttempts,
            retryDelayMs: resolved.agentManager.bootstrapRetryMs,
            timeoutMs: resolved.agentManager.bootstrapTimeoutMs,
          },
        }
      : null,
    firstMachineId: definition.firstMachineId,
    firstActionId: definition.firstActionId,
    log: resolved.log,
  });
  const ctx: ProviderContext = {
    profile: definition.profile,
    faults,
    limiter: definition.createLimiter(resolved),
    scheduler,
    tokens: {
      readWrite: new Set([resolved.token]),
      readOnly: new Set(definition.profile.readOnly ? [resolved.readOnlyToken] : []),
    },
    stats: { total: 0, byStatus: {} },
    log: resolved.log,
    logRequests: resolved.logRequests,
  };

  let url = '';
  const describeServer = (machine: Machine<T>): Record<string, unknown> => ({
    id: machine.id,
    name: machine.name,
    ...definition.describe(machine),
    phase: machine.phase,
    ipv4: machine.address,
    createdAt: iso(machine.createdAt),
    runningAt: iso(machine.runningAt),
    bootMs: machine.bootMs,
    userData: machine.userData,
    agentManager: machine.agentManager,
    actionIds: machine.actionIds,
  });
  const snapshot = (): Record<string, unknown> => ({
    provider: definition.provider,
    url,
    options: {
      rateLimit: ctx.limiter.limit,
      agentManager: {
        ...resolved.agentManager,
        enabled: runtime.launcher !== null,
        bin: runtime.launcher?.bin ?? null,
      },
    },
    faults: faults.current,
    servers: store.list().map(describeServer),
    requests: { total: ctx.stats.total, byStatus: { ...ctx.stats.byStatus } },
  });
  const reset = async (): Promise<void> => {
    faults.reset();
    ctx.limiter.reset();
    ctx.stats.total = 0;
    ctx.stats.byStatus = {};
    await store.clear();
  };
  const server = (id: number): Record<string, unknown> | undefined => {
    const machine = store.get(id);
    return machine ? describeServer(machine) : undefined;
  };

  const control = createControlRouter({
    controlToken: resolved.controlToken,
    faults,
    unsupportedFaults: definition.unsupportedFaults,
    snapshot,
    server,
    reset,
  });
  const http = createServer(createProviderApp(ctx, definition.routes({ store, faults, scheduler }), control));
  const address = await listen(http, resolved.port, resolved.host).catch(async (err: unknown) => {
    if (!shared) runtime.launcher?.close();
    throw err;
  });
  const origin = `http://${urlHost(resolved.host)}:${address.port}`;
  url = `${origin}${definition.basePath}`;

  let closing: Promise<void> | undefined;
  return {
    provider: definition.provider,
    url,
    origin,
    controlUrl: `${origin}${CONTROL_PREFIX}`,
    host: resolved.host,
    port: address.port,
    token: resolved.token,
    ...(definition.profile.readOnly ? { readOnlyToken: resolved.readOnlyToken } : {}),
    controlToken: resolved.controlToken,
    state: snapshot,
    server,
    setFaults: (patch) => faults.patch(validatedFaults(patch, definition.unsupportedFaults)),
    clearFaults: () => faults.reset(),
    reset,
    close: () => {
      closing ??= (async () => {
        scheduler.clearAll();
        await Promise.all([closeServer(http), store.close()]);
        if (!shared) runtime.launcher?.close();
      })();
      return closing;
    },
  };
}
