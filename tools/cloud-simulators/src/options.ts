import { randomBytes } from 'node:crypto';

import type { FaultPatch, FaultSettings } from './core/faults';
import type { Clock } from './core/scheduler';

export type CloudProviderName = 'hetzner' | 'digitalocean';
export const CLOUD_PROVIDERS: readonly CloudProviderName[] = ['hetzner', 'digitalocean'];

/** How simulated servers run their agent-manager (one agent-manager simulator process per running server). */
export interface AgentManagerOptions {
  /** `false`: servers boot without ever starting an agent-manager (API-only tests). Default true. */
  enabled?: boolean;
  /** The built agent-manager simulator. Default: `dist/tools/agent-manager-simulator/main.js`. */
  bin?: string;
  /** First three octets of the servers' public IPv4 addresses (loopback on Linux). Default `127.0.1`. */
  addressPrefix?: string;
  /** Ports the agent-manager listens on when the server's environment sets no `PORT`/`WEBSOCKET_PORT`. */
  port?: number;
  wsPort?: number;
  /** How long an agent-manager may take to print its listening line. Default 15000 ms. */
  startTimeoutMs?: number;
  /** The bootstrap fetch (see the README's user-data convention): tries, pause between them, timeout of one. */
  bootstrapAttempts?: number;
  bootstrapRetryMs?: number;
  bootstrapTimeoutMs?: number;
}

/** One provider simulator. */
export interface ProviderSimulatorOptions {
  /** Listen port; 0 (default) picks a free one. */
  port?: number;
  /** Bind address. Default 127.0.0.1. */
  host?: string;
  /** API token accepted for reads and writes. Generated when absent. */
  token?: string;
  /** Hetzner only: a token that may only read (writes get 401 `token_readonly`). Generated when absent. */
  readOnlyToken?: string;
  /** Token of the `/_simulator` control API. Generated when absent. */
  controlToken?: string;
  /** Boot time: create → running/active. Default 3000 ms. */
  bootMs?: number;
  /** Hetzner: how long a deleted server shows `deleting`. Default 1000 ms. */
  deleteMs?: number;
  /** Requests per hour per token (DigitalOcean 5000, Hetzner 3600 by default). */
  rateLimit?: number;
  /** DigitalOcean: requests per minute per token. Default 250. */
  burstLimit?: number;
  /** Faults active from the start (and restored by a reset). */
  faults?: FaultPatch;
  agentManager?: AgentManagerOptions;
  /** Receives a line per notable event (and per request with `logRequests`). Silent when absent. */
  log?: (line: string) => void;
  logRequests?: boolean;
  /** For tests of the state machines: the simulator's notion of now. */
  clock?: Clock;
}

/** Both simulators in one process (`startCloudSimulators`). Provider sections override the common keys. */
export interface CloudSimulatorsOptions
  extends Omit<ProviderSimulatorOptions, 'port' | 'readOnlyToken' | 'rateLimit' | 'burstLimit'> {
  /** Which to start. Default both. */
  providers?: readonly CloudProviderName[];
  hetznerPort?: number;
  digitaloceanPort?: number;
  /** Overrides for one simulator (agent-manager settings are common to both). */
  hetzner?: Omit<ProviderSimulatorOptions, 'agentManager'>;
  digitalocean?: Omit<ProviderSimulatorOptions, 'agentManager'>;
}

export interface ResolvedAgentManagerOptions {
  enabled: boolean;
  bin: string | undefined;
  addressPrefix: string;
  port: number;
  wsPort: number;
  startTimeoutMs: number;
  bootstrapAttempts: number;
  bootstrapRetryMs: number;
  bootstrapTimeoutMs: number;
}

export interface ResolvedProviderOptions {
  port: number;
  host: string;
  token: string;
  readOnlyToken: string;
  controlToken: string;
  rateLimit: number;
  burstLimit: number;
  initialFaults: FaultSettings;
  agentManager: ResolvedAgentManagerOptions;
  log: ((line: string) => void) | undefined;
  logRequests: boolean;
  clock: Clock;
}

export const DEFAULT_BOOT_MS = 3000;
export const DEFAULT_DELETE_MS = 1000;
export const DEFAULT_ADDRESS_PREFIX = '127.0.1';
export const DEFAULT_AGENT_MANAGER_PORT = 3000;
export const DEFAULT_AGENT_MANAGER_WS_PORT = 8080;

export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function secret(name: string, value: string | undefined): string {
  if (value !== undefined && value.length === 0) {
    throw new Error(`${name} must not be empty`);
  }
  return value ?? generateSecret();
}

export function resolveAgentManagerOptions(options: AgentManagerOptions = {}): ResolvedAgentManagerOptions {
  return {
    enabled: options.enabled ?? true,
    bin: options.bin,
    addressPrefix: options.addressPrefix ?? DEFAULT_ADDRESS_PREFIX,
    port: checkInteger('agentManager.port', options.port ?? DEFAULT_AGENT_MANAGER_PORT, 1, 65535),
    wsPort: checkInteger('agentManager.wsPort', options.wsPort ?? DEFAULT_AGENT_MANAGER_WS_PORT, 1, 65535),
    startTimeoutMs: checkInteger('agentManager.startTimeoutMs', options.startTimeoutMs ?? 15000, 100, 600000),
    bootstrapAttempts: checkInteger('agentManager.bootstrapAttempts', options.bootstrapAttempts ?? 3, 1, 100),
    bootstrapRetryMs: checkInteger('agentManager.bootstrapRetryMs', options.bootstrapRetryMs ?? 1000, 0, 600000),
    bootstrapTimeoutMs: checkInteger('agentManager.bootstrapTimeoutMs', options.bootstrapTimeoutMs ?? 5000, 1, 600000),
  };
}

export function resolveProviderOptions(
  provider: CloudProviderName,
  options: ProviderSimulatorOptions = {},
): ResolvedProviderOptions {
  const initialFaults: FaultSettings = {
    rateLimitNext: 0,
    retryAfterSeconds: 1,
    serverErrorNext: 0,
    serverErrorStatus: 500,
    createFailNext: 0,
    createAnswerLostNext: 0,
    createAnswerLostStatus: 0,
    actionErrorNext: 0,
    neverHealthyNext: 0,
    deleteFailNext: 0,
    lockedNext: 0,
    bootMs: checkInteger('bootMs', options.bootMs ?? DEFAULT_BOOT_MS, 0, 3_600_000),
    deleteMs:
      provider === 'hetzner' ? checkInteger('deleteMs', options.deleteMs ?? DEFAULT_DELETE_MS, 0, 3_600_000) : 0,
    latencyMs: 0,
    ...options.faults,
  };
  return {
    port: checkInteger('port', options.port ?? 0, 0, 65535),
    host: options.host ?? '127.0.0.1',
    token: secret('token', options.token),
    readOnlyToken: secret('readOnlyToken', options.readOnlyToken),
    controlToken: secret('controlToken', options.controlToken),
    rateLimit: checkInteger(
      'rateLimit',
      options.rateLimit ?? (provider === 'hetzner' ? 3600 : 5000),
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    burstLimit: checkInteger('burstLimit', options.burstLimit ?? 250, 1, Number.MAX_SAFE_INTEGER),
    initialFaults,
    agentManager: resolveAgentManagerOptions(options.agentManager),
    log: options.log,
    logRequests: options.logRequests ?? false,
    clock: options.clock ?? Date.now,
  };
}
