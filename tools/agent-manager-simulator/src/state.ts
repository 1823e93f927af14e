import { randomBytes, randomUUID } from 'node:crypto';

import type { AgentResponseDto, EnvironmentVariableResponseDto, PortAndPassword } from './dto';
import { SimulatedInternalError } from './http-errors';
import { verifyPassword } from './passwords';
import { Workspace } from './workspace';

/** One agent row, as the real manager's `agents` table holds it (only what the wire needs). */
export interface AgentRecord {
  id: string;
  name: string;
  description: string | null;
  passwordHash: string;
  agentType: string;
  containerType: string;
  /** Simulated Docker container id. It changes when environment variables are reconciled. */
  containerId: string;
  running: boolean;
  vnc?: PortAndPassword;
  ssh?: PortAndPassword;
  /** Only the URL given in the create body is stored (the configured default is not). */
  gitRepositoryUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Insertion order, to break ties between equal timestamps deterministically. */
  seq: number;
}

export interface EnvironmentVariableRecord {
  id: string;
  agentId: string;
  variable: string;
  content: string | null;
  createdAt: Date;
  updatedAt: Date;
  seq: number;
}

/** Stored for the deployments endpoints of a later round; the create/update agent bodies may carry one. */
export interface DeploymentConfigurationRecord {
  id: string;
  agentId: string;
  providerType: string;
  repositoryId: string;
  defaultBranch?: string;
  workflowId?: string;
  providerBaseUrl?: string;
  providerToken: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface AgentFilterRecord {
  id: string;
  pattern: string;
  regexFlags: string;
  direction: 'incoming' | 'outgoing' | 'bidirectional';
  filterType: 'none' | 'filter' | 'drop';
  replaceContent?: string;
  priority: number;
  createdAt: Date;
  updatedAt: Date;
  seq: number;
}

export interface DeploymentRunRecord {
  id: string;
  configurationId: string;
  providerRunId: string;
  runName: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'cancelled';
  ref: string;
  sha: string;
  workflowId?: string;
  workflowName?: string;
  startedAt?: Date;
  completedAt?: Date;
  htmlUrl?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A persisted chat message, as replayed (`chatMessage` data) after a login. */
export type ChatMessageRecord =
  | { from: 'user'; text: string; timestamp: string }
  | { from: 'agent'; response: string | Record<string, unknown>; timestamp: string };

/** Messages kept per agent (the real table grows without bound; replay needs only the last 20). */
export const MAX_STORED_CHAT_MESSAGES = 1000;

export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}

/** Negative LIMIT/OFFSET make PostgreSQL fail; the real manager answers 500. */
function checkPage(limit: number, offset: number): void {
  if (limit < 0) {
    throw new SimulatedInternalError('LIMIT must not be negative');
  }
  if (offset < 0) {
    throw new SimulatedInternalError('OFFSET must not be negative');
  }
}

/**
 * In-memory store standing in for the manager's database. Plain data plus the queries the routes need;
 * request handling and validation live in `services/`.
 */
export class SimulatorState {
  readonly agents = new Map<string, AgentRecord>();
  readonly environmentVariables = new Map<string, EnvironmentVariableRecord>();
  readonly deploymentConfigurations = new Map<string, DeploymentConfigurationRecord>();
  readonly chatMessages = new Map<string, ChatMessageRecord[]>();
  /** Simulated container filesystem and git model per agent, created on first use. */
  readonly workspaces = new Map<string, Workspace>();
  /** `/api/agents-filters` rows by id. */
  readonly agentFilters = new Map<string, AgentFilterRecord>();
  /** `/api/configuration-overrides`: setting key → value. */
  readonly configurationOverrides = new Map<string, string>();
  /** Deployment runs by agent id, oldest first. */
  readonly deploymentRuns = new Map<string, DeploymentRunRecord[]>();
  private seq = 0;

  nextSeq(): number {
    return ++this.seq;
  }

  clear(): void {
    this.agents.clear();
    this.environmentVariables.clear();
    this.deploymentConfigurations.clear();
    this.chatMessages.clear();
    this.workspaces.clear();
    this.agentFilters.clear();
    this.configurationOverrides.clear();
    this.deploymentRuns.clear();
  }

  workspaceOf(agentId: string): Workspace {
    let workspace = this.workspaces.get(agentId);
    if (!workspace) {
      workspace = new Workspace();
      this.workspaces.set(agentId, workspace);
    }
    return workspace;
  }

  // ---- agents

  /** `ORDER BY created_at DESC LIMIT $limit OFFSET $offset`. */
  listAgents(limit: number, offset: number): AgentRecord[] {
    checkPage(limit, offset);
    const sorted = [...this.agents.values()].sort(
      (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.seq - a.seq,
    );
    return sorted.slice(offset, offset + limit);
  }

  findAgent(id: string): AgentRecord | undefined {
    return this.agents.get(id);
  }

  /**
   * TypeORM's `findOne({where: {name}})` drops an undefined/null condition, so a missing name matches
   * whichever row comes first.
   */
  findAgentByName(name: string | null | undefined): AgentRecord | undefined {
    if (name === undefined || name === null) {
      return this.agents.values().next().value;
    }
    for (const agent of this.agents.values()) {
      if (agent.name === name) {
        return agent;
      }
    }
    return undefined;
  }

  isHostPortInUse(port: number): boolean {
    for (const agent of this.agents.values()) {
      if (agent.vnc?.port === port || agent.ssh?.port === port) {
        return true;
      }
    }
    return false;
  }

  insertAgent(agent: AgentRecord): void {
    this.agents.set(agent.id, agent);
  }

  /** Deletes the agent; its environment variables and deployment configuration go with it (FK cascade). */
  deleteAgent(id: string): boolean {
    if (!this.agents.delete(id)) {
      return false;
    }
    for (const [envId, variable] of this.environmentVariables) {
      if (variable.agentId === id) {
        this.environmentVariables.delete(envId);
      }
    }
    this.deploymentConfigurations.delete(id);
    this.chatMessages.delete(id);
    this.workspaces.delete(id);
    this.deploymentRuns.delete(id);
    return true;
  }

  /** Socket.IO `login`: checks the password against the stored hash. */
  async verifyAgentPassword(id: string, password: string): Promise<boolean> {
    const agent = this.agents.get(id);
    return agent ? verifyPassword(password, agent.passwordHash) : false;
  }

  // ---- chat messages

  appendChatMessage(agentId: string, message: ChatMessageRecord): void {
    const list = this.chatMessages.get(agentId) ?? [];
    list.push(message);
    if (list.length > MAX_STORED_CHAT_MESSAGES) list.splice(0, list.length - MAX_STORED_CHAT_MESSAGES);
    this.chatMessages.set(agentId, list);
  }

  /** The last `limit` messages of the agent, oldest first. */
  chatHistory(agentId: string, limit: number): ChatMessageRecord[] {
    return (this.chatMessages.get(agentId) ?? []).slice(-limit);
  }

  // ---- environment variables

  /** `WHERE agent_id = $1 ORDER BY created_at ASC LIMIT .. OFFSET ..`; an unknown agent simply has none. */
  listEnvironmentVariables(agentId: string, limit: number, offset: number): EnvironmentVariableRecord[] {
    checkPage(limit, offset);
    return this.environmentVariablesOf(agentId).slice(offset, offset + limit);
  }

  environmentVariablesOf(agentId: string): EnvironmentVariableRecord[] {
    return [...this.environmentVariables.values()]
      .filter((variable) => variable.agentId === agentId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.seq - b.seq);
  }

  deleteEnvironmentVariablesOf(agentId: string): number {
    let deleted = 0;
    for (const [id, variable] of this.environmentVariables) {
      if (variable.agentId === agentId) {
        this.environmentVariables.delete(id);
        deleted++;
      }
    }
    return deleted;
  }

  newId(): string {
    return randomUUID();
  }
}

// ---- mapping to the wire

/**
 * `AgentResponseDto`. `description` is `null` when a stored row has none; right after create the real
 * server maps the unsaved entity, where an absent description is `undefined` and so left out.
 */
export function toAgentResponseDto(
  agent: AgentRecord,
  options: { omitNullDescription?: boolean } = {},
): AgentResponseDto {
  return {
    id: agent.id,
    name: agent.name,
    description: options.omitNullDescription && agent.description === null ? undefined : agent.description,
    agentType: agent.agentType,
    containerType: agent.containerType,
    vnc: agent.vnc ? { port: agent.vnc.port, password: agent.vnc.password } : undefined,
    ssh: agent.ssh ? { port: agent.ssh.port, password: agent.ssh.password } : undefined,
    git: agent.gitRepositoryUrl ? { repositoryUrl: agent.gitRepositoryUrl } : undefined,
    createdAt: agent.createdAt.toISOString(),
    updatedAt: agent.updatedAt.toISOString(),
  };
}

export function toEnvironmentVariableResponseDto(
  variable: EnvironmentVariableRecord,
  overrides: { variable?: string | undefined; content?: string | null | undefined } = {},
): EnvironmentVariableResponseDto {
  const hasVariable = Object.prototype.hasOwnProperty.call(overrides, 'variable');
  const hasContent = Object.prototype.hasOwnProperty.call(overrides, 'content');
  return {
    id: variable.id,
    agentId: variable.agentId,
    variable: hasVariable ? overrides.variable : variable.variable,
    content: (hasContent ? overrides.content : variable.content) ?? '',
    createdAt: variable.createdAt.toISOString(),
    updatedAt: variable.updatedAt.toISOString(),
  };
}
