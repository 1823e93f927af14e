import { randomBytes } from 'node:crypto';

import type { AddressPool } from './address-pool';
import type {
  AgentManagerAuth,
  AgentManagerEndpoint,
  AgentManagerLauncher,
  AgentManagerProcess,
} from './agent-manager';
import type { Scheduler } from './scheduler';
import { fetchBootstrapEnv, parseUserData } from './user-data';

/**
 * The provider-neutral life of a simulated server. Times are fixed at create:
 *
 *   createdAt ──── initializing ──── provisionedAt ──── starting ──── runningAt ──── running
 *
 * `off` instead of `starting` when the server is not started after create, or when its create action
 * fails (at `provisionedAt`). A delete shows `deleting` for `deleteMs`, then the server is gone. Hetzner maps
 * the phases one to one; DigitalOcean has `provisionedAt = runningAt` and shows `new` until `active`.
 */
export type MachinePhase = 'initializing' | 'starting' | 'running' | 'off' | 'deleting' | 'deleted';

export interface MachineAction {
  id: number;
  command: string;
  machineId: number;
  startedAt: number;
  /** Progress rises linearly from 0 at `progressFrom` to 100 at `finishesAt`. */
  progressFrom: number;
  finishesAt: number;
  fails: boolean;
}

export type ActionStatus = 'running' | 'success' | 'error';

export interface ActionState {
  status: ActionStatus;
  /** 0–100; a failed action keeps the progress it had when it failed. */
  progress: number;
  finishedAt: number | null;
}

export type AgentManagerStatus =
  /** The server has not reached `running` yet. */
  | 'waiting'
  /** Reading the user data, fetching the bootstrap environment, starting the process. */
  | 'starting'
  | 'running'
  /** Fault `neverHealthy`: the server runs without an agent-manager. */
  | 'skipped'
  /** The user data gave no usable environment: no `STATIC_API_KEY` nor Keycloak settings (see `reason`). */
  | 'no-env'
  /** The process could not be started (see `reason`). */
  | 'failed'
  /** The process ended by itself. */
  | 'exited'
  /** Stopped because the server was deleted. */
  | 'stopped'
  /** Agent-managers are switched off for this simulator. */
  | 'disabled';

export interface AgentManagerInfo {
  status: AgentManagerStatus;
  reason: string | null;
  /** Where the environment came from: `.env` files in the user data, or the bootstrap fetch (which wins). */
  envSource: 'write_files' | 'bootstrap' | null;
  /** `api-key` (`STATIC_API_KEY`) or `keycloak` (realm from `KEYCLOAK_*`), as the real manager decides. */
  authMethod: 'api-key' | 'keycloak' | null;
  /** With `keycloak`: the realm issuer the agent-manager accepts tokens of. */
  keycloakIssuer: string | null;
  envFiles: string[];
  bootstrapUrl: string | null;
  gitRepositoryUrl: string | null;
  endpoint: AgentManagerEndpoint | null;
  exitCode: number | null;
}

export interface Machine<T> {
  id: number;
  name: string;
  createdAt: number;
  bootMs: number;
  provisionedAt: number;
  runningAt: number;
  startAfterCreate: boolean;
  /** The public IPv4 (a loopback address). */
  address: string;
  /** Kept for the control API; never part of a provider's server object. */
  userData: string | null;
  /** Provider data: type/size, location/region, image, labels/tags, … */
  attrs: T;
  /** Fault `actionErrorNext`: the create action ends in error and the server ends `off`. */
  failsToCreate: boolean;
  /** Fault `neverHealthyNext`. */
  neverHealthy: boolean;
  phase: MachinePhase;
  deletingUntil: number | null;
  actionIds: number[];
  agentManager: AgentManagerInfo;
}

export interface ActionTemplate {
  command: string;
  progressFrom: number;
  finishesAt: number;
}

export interface CreateMachineInput<T> {
  name: string;
  attrs: T;
  userData: string | null;
  bootMs: number;
  /** Share of `bootMs` spent `initializing` (Hetzner 0.5; DigitalOcean 1: no separate `starting`). */
  provisionShare: number;
  startAfterCreate: boolean;
  failsToCreate: boolean;
  neverHealthy: boolean;
  /** The actions the create starts, from the machine's times. */
  actions: (times: { createdAt: number; provisionedAt: number; runningAt: number }) => ActionTemplate[];
  /**
   * Runs right before the machine is stored (after the address is allocated, with no await in between), so
   * a uniqueness check here cannot race another create. Throwing aborts the create.
   */
  precheck?: () => void;
}

export interface AgentManagerSettings {
  launcher: AgentManagerLauncher;
  /** Defaults when the environment sets no `PORT` / `WEBSOCKET_PORT`. */
  port: number;
  wsPort: number;
  bootstrap: { attempts: number; retryDelayMs: number; timeoutMs: number };
}

export interface MachineStoreOptions {
  scheduler: Scheduler;
  addresses: AddressPool;
  /** `null`: no agent-manager is ever started. */
  agentManager: AgentManagerSettings | null;
  firstMachineId: number;
  firstActionId: number;
  log?: (line: string) => void;
}

export function phaseAt(machine: Machine<unknown>, now: number): MachinePhase {
  if (machine.deletingUntil !== null) {
    return now < machine.deletingUntil ? 'deleting' : 'deleted';
  }
  if (now < machine.provisionedAt) return 'initializing';
  if (machine.failsToCreate || !machine.startAfterCreate) return 'off';
  if (now < machine.runningAt) return 'starting';
  return 'running';
}

export function actionStateAt(action: MachineAction, now: number): ActionState {
  const span = action.finishesAt - action.progressFrom;
  const rising = span <= 0 ? 100 : Math.floor(((now - action.progressFrom) / span) * 100);
  if (now < action.finishesAt) {
    return { status: 'running', progress: Math.min(99, Math.max(0, rising)), finishedAt: null };
  }
  if (action.fails) {
    return { status: 'error', progress: span <= 0 ? 0 : 50, finishedAt: action.finishesAt };
  }
  return { status: 'success', progress: 100, finishedAt: action.finishesAt };
}

const PORT_PATTERN = /^\d{1,5}$/;

/**
 * The agent-manager's authentication from its environment, decided as the real manager does:
 * `AUTHENTICATION_METHOD` when set, else `api-key` with `STATIC_API_KEY`, else `keycloak`. Keycloak needs
 * `KEYCLOAK_REALM` and `KEYCLOAK_AUTH_SERVER_URL` (or `KEYCLOAK_SERVER_URL`). Returns why, when unusable.
 */
export function agentManagerAuth(env: Readonly<Record<string, string>>): AgentManagerAuth | string {
  const method = env['AUTHENTICATION_METHOD'] || (env['STATIC_API_KEY'] ? 'api-key' : 'keycloak');
  if (method === 'api-key') {
    const apiKey = env['STATIC_API_KEY'];
    return apiKey ? { method, apiKey } : 'AUTHENTICATION_METHOD is api-key but STATIC_API_KEY is not set';
  }
  if (method === 'keycloak') {
    const server = (env['KEYCLOAK_AUTH_SERVER_URL'] || env['KEYCLOAK_SERVER_URL'] || '').replace(/\/+$/, '');
    const realm = env['KEYCLOAK_REALM'];
    if (!server || !realm) {
      return 'the environment has neither STATIC_API_KEY nor KEYCLOAK_AUTH_SERVER_URL and KEYCLOAK_REALM';
    }
    return { method, issuer: `${server}/realms/${realm}` };
  }
  return `AUTHENTICATION_METHOD ${method} is not simulated (api-key or keycloak)`;
}

function envPort(value: string | undefined, fallback: number): number {
  return value !== undefined && PORT_PATTERN.test(value) && Number(value) <= 65535 ? Number(value) : fallback;
}

/** Servers and actions of one provider simulator, with their timers and agent-managers. */
export class MachineStore<T> {
  private readonly machines = new Map<number, Machine<T>>();
  private readonly actions = new Map<number, MachineAction>();
  private readonly processes = new Map<number, AgentManagerProcess>();
  /** Attributes of every machine ever created (until `clear`), for actions that outlive their machine. */
  private readonly attrsById = new Map<number, T>();
  private nextMachineId: number;
  private nextActionId: number;
  private closed = false;

  constructor(private readonly options: MachineStoreOptions) {
    this.nextMachineId = options.firstMachineId;
    this.nextActionId = options.firstActionId;
  }

  get now(): number {
    return this.options.scheduler.now();
  }

  async create(input: CreateMachineInput<T>): Promise<{ machine: Machine<T>; actions: MachineAction[] }> {
    const address = await this.options.addresses.allocate();
    try {
      input.precheck?.();
    } catch (err) {
      this.options.addresses.release(address);
      throw err;
    }
    const createdAt = this.now;
    const provisionedAt = createdAt + Math.round(input.bootMs * input.provisionShare);
    const runningAt = createdAt + input.bootMs;
    const machine: Machine<T> = {
      id: this.nextMachineId++,
      name: input.name,
      createdAt,
      bootMs: input.bootMs,
      provisionedAt,
      runningAt,
      startAfterCreate: input.startAfterCreate,
      address,
      userData: input.userData,
      attrs: input.attrs,
      failsToCreate: input.failsToCreate,
      neverHealthy: input.neverHealthy,
      phase: 'initializing',
      deletingUntil: null,
      actionIds: [],
      agentManager: {
        status: 'waiting',
        reason: null,
        envSource: null,
        authMethod: null,
        keycloakIssuer: null,
        envFiles: [],
        bootstrapUrl: null,
        gitRepositoryUrl: null,
        endpoint: null,
        exitCode: null,
      },
    };
    const actions = input.actions({ createdAt, provisionedAt, runningAt }).map((template) => {
      const clipped = input.failsToCreate && template.finishesAt > provisionedAt;
      return this.addAction({
        command: template.command,
        machineId: machine.id,
        startedAt: createdAt,
        progressFrom: clipped ? Math.min(template.progressFrom, provisionedAt) : template.progressFrom,
        finishesAt: clipped ? provisionedAt : template.finishesAt,
        fails: input.failsToCreate,
      });
    });
    machine.actionIds.push(...actions.map((action) => action.id));
    this.machines.set(machine.id, machine);
    this.attrsById.set(machine.id, machine.attrs);
    this.options.scheduler.at(provisionedAt, () => this.advance());
    this.options.scheduler.at(runningAt, () => this.advance());
    this.advance();
    return { machine, actions };
  }

  /** A machine that is not gone (a `deleting` one included). */
  get(id: number): Machine<T> | undefined {
    this.advance();
    return this.machines.get(id);
  }

  list(): Machine<T>[] {
    this.advance();
    return [...this.machines.values()];
  }

  action(id: number): MachineAction | undefined {
    return this.actions.get(id);
  }

  /** The attributes of a machine, also after it is gone. */
  attrsOf(machineId: number): T | undefined {
    return this.attrsById.get(machineId);
  }

  /**
   * Starts deleting: the agent-manager is stopped at once; the machine shows `deleting` for `deleteMs`,
   * then is gone. With `command`, the deletion is an action of that name, running for `deleteMs`.
   */
  delete(id: number, deleteMs: number, command?: string): MachineAction | null {
    const machine = this.get(id);
    if (!machine || machine.deletingUntil !== null) {
      return null;
    }
    const now = this.now;
    machine.deletingUntil = now + deleteMs;
    void this.stopAgentManager(machine, 'stopped');
    let action: MachineAction | null = null;
    if (command) {
      action = this.addAction({
        command,
        machineId: id,
        startedAt: now,
        progressFrom: now,
        finishesAt: now + deleteMs,
        fails: false,
      });
      machine.actionIds.push(action.id);
    }
    this.options.scheduler.at(machine.deletingUntil, () => this.advance());
    this.advance();
    return action;
  }

  /** Applies every transition that is due; boots agent-managers of machines that reached `running`. */
  advance(): void {
    const now = this.now;
    for (const machine of this.machines.values()) {
      const phase = phaseAt(machine, now);
      if (phase === machine.phase) continue;
      machine.phase = phase;
      if (phase === 'running') {
        void this.bootAgentManager(machine);
      } else if (phase === 'deleted') {
        this.machines.delete(machine.id);
        this.options.addresses.release(machine.address);
      }
    }
  }

  /** Deletes every machine and action at once (agent-managers stopped); ids keep counting. */
  async clear(): Promise<void> {
    const machines = [...this.machines.values()];
    this.machines.clear();
    this.actions.clear();
    this.attrsById.clear();
    await Promise.all(
      machines.map((machine) => {
        this.options.addresses.release(machine.address);
        return this.stopAgentManager(machine, 'stopped');
      }),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.clear();
  }

  private addAction(fields: Omit<MachineAction, 'id'>): MachineAction {
    const action = { id: this.nextActionId++, ...fields };
    this.actions.set(action.id, action);
    return action;
  }

  private isGone(machine: Machine<T>): boolean {
    return this.closed || this.machines.get(machine.id) !== machine || machine.deletingUntil !== null;
  }

  private async stopAgentManager(machine: Machine<T>, status: 'stopped'): Promise<void> {
    const child = this.processes.get(machine.id);
    this.processes.delete(machine.id);
    if (machine.agentManager.status === 'running' || machine.agentManager.status === 'starting') {
      machine.agentManager.status = status;
    }
    await child?.stop();
  }

  private async bootAgentManager(machine: Machine<T>): Promise<void> {
    const info = machine.agentManager;
    const settings = this.options.agentManager;
    if (!settings) {
      info.status = 'disabled';
      return;
    }
    if (machine.neverHealthy) {
      info.status = 'skipped';
      info.reason = 'fault neverHealthy: the server runs without an agent-manager';
      return;
    }
    info.status = 'starting';
    const parsed = parseUserData(machine.userData);
    const env = { ...parsed.env };
    info.envFiles = parsed.envFiles;
    if (parsed.envFiles.length > 0) info.envSource = 'write_files';
    let problem = parsed.problem;
    if (parsed.bootstrap) {
      info.bootstrapUrl = parsed.bootstrap.url;
      const fetched = await fetchBootstrapEnv(parsed.bootstrap, {
        ...settings.bootstrap,
        sleep: (ms) => this.options.scheduler.sleep(ms),
      });
      if (typeof fetched === 'string') {
        problem = fetched;
      } else {
        Object.assign(env, fetched);
        info.envSource = 'bootstrap';
      }
    }
    if (this.isGone(machine)) return;
    const auth = agentManagerAuth(env);
    if (typeof auth === 'string') {
      info.status = 'no-env';
      info.reason = problem ?? auth;
      return;
    }
    info.authMethod = auth.method;
    info.keycloakIssuer = auth.method === 'keycloak' ? auth.issuer : null;
    info.gitRepositoryUrl = env['GIT_REPOSITORY_URL'] || null;
    try {
      const child = await settings.launcher.launch({
        host: machine.address,
        port: envPort(env['PORT'], settings.port),
        wsPort: envPort(env['WEBSOCKET_PORT'], settings.wsPort),
        auth,
        gitRepositoryUrl: env['GIT_REPOSITORY_URL'] || undefined,
        corsOrigin: env['CORS_ORIGIN'] || undefined,
        controlToken: randomBytes(18).toString('base64url'),
      });
      if (this.isGone(machine)) {
        await child.stop();
        return;
      }
      this.processes.set(machine.id, child);
      const { pid, url, apiUrl, wsUrl, controlUrl, controlToken } = child;
      const endpoint = { pid, url, apiUrl, wsUrl, controlUrl, apiKey: child.apiKey, controlToken };
      info.endpoint = endpoint;
      info.status = 'running';
      this.options.log?.(`server ${machine.id} (${machine.name}): agent-manager listening on ${endpoint.url}`);
      void child.exited.then((code) => {
        if (this.processes.get(machine.id) === child) {
          this.processes.delete(machine.id);
          info.status = 'exited';
          info.exitCode = code;
        }
      });
    } catch (err) {
      if (this.isGone(machine)) return;
      info.status = 'failed';
      info.reason = (err as Error).message;
      this.options.log?.(`server ${machine.id} (${machine.name}): ${info.reason}`);
    }
  }
}
