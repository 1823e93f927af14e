import { randomInt, randomUUID } from 'node:crypto';

import type { SimulatorContext } from '../context';
import { CONTAINER_TYPES, type CreateAgentResponseDto, type PortAndPassword } from '../dto';
import { badRequest, notFound, SimulatedInternalError } from '../http-errors';
import { generatePassword, hashPassword } from '../passwords';
import { type AgentRecord, newContainerId, type SimulatorState, toAgentResponseDto } from '../state';

import { readBody } from './body';
import { upsertDeploymentConfiguration } from './deployments.service';

/** Host port ranges of the real manager (`VNC_SERVER_PUBLIC_PORTS`, `SSH_SERVER_PUBLIC_PORTS` defaults). */
export const VNC_PORT_RANGE: readonly [number, number] = [49152, 57343];
export const SSH_PORT_RANGE: readonly [number, number] = [57344, 65535];

const NAME_MAX = 255;
const AGENT_TYPE_MAX = 50;
const URL_MAX = 255;

export const MISSING_REPOSITORY_MESSAGE =
  'Git repository URL not configured. Please set GIT_REPOSITORY_URL or provide a gitRepositoryUrl in the createAgentDto.';

/**
 * Models the simulated providers report (`GET /agents/{id}/models`). Invented: the real list comes from a
 * provider command inside the agent's container.
 */
export const SIMULATED_MODELS: Readonly<Record<string, Record<string, string>>> = {
  cursor: { auto: 'Auto', 'sonnet-4.5': 'Claude 4.5 Sonnet', 'gpt-5': 'GPT-5' },
  opencode: { 'opencode/big-pickle': 'Big Pickle', 'anthropic/claude-sonnet-4-5': 'Claude Sonnet 4.5' },
  openclaw: { 'openclaw/default': 'OpenClaw Default' },
};

export function findAgentOrThrow(state: SimulatorState, id: string): AgentRecord {
  const agent = state.findAgent(id);
  if (!agent) {
    throw notFound(`Agent with ID ${id} not found`);
  }
  return agent;
}

function pickHostPort(state: SimulatorState, [start, end]: readonly [number, number], exclude?: number): number {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = randomInt(start, end + 1);
    if (port !== exclude && !state.isHostPortInUse(port)) {
      return port;
    }
  }
  throw new SimulatedInternalError('No free host port left');
}

/** Column checks the real database does on insert/update; a violation is an uncaught error → 500. */
function checkVarchar(column: string, value: unknown, max: number, nullable: boolean): void {
  if (value === null || value === undefined) {
    if (!nullable) {
      throw new SimulatedInternalError(`null value in column "${column}" violates not-null constraint`);
    }
    return;
  }
  if (typeof value !== 'string') {
    throw new SimulatedInternalError(`column "${column}" expects a string`);
  }
  if (value.length > max) {
    throw new SimulatedInternalError(`value too long for type character varying(${max})`);
  }
}

function checkNullableText(column: string, value: unknown): void {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw new SimulatedInternalError(`column "${column}" expects a string`);
  }
}

function checkContainerType(value: unknown): string {
  if (typeof value !== 'string' || !(CONTAINER_TYPES as readonly string[]).includes(value)) {
    throw new SimulatedInternalError(`invalid input value for enum container_type: "${String(value)}"`);
  }
  return value;
}

function checkLookupName(name: unknown): void {
  if (name !== undefined && name !== null && typeof name !== 'string') {
    throw new SimulatedInternalError('name must be a string');
  }
}

export function listAgents(ctx: SimulatorContext, limit: number, offset: number): AgentRecord[] {
  return ctx.state.listAgents(limit, offset);
}

/**
 * `POST /api/agents`, in the real order: name look-up (400 if taken; TypeORM ignores a missing name, so
 * then any existing agent "takes" it), password, repository URL (body, else `GIT_REPOSITORY_URL`, else 400),
 * provider for `agentType` (unknown → 500), containers (simulated: always succeed, so no Docker or git
 * credential errors), optional SSH/VNC ports, then the row (column violations → 500).
 */
export async function createAgent(ctx: SimulatorContext, rawBody: unknown): Promise<CreateAgentResponseDto> {
  const dto = readBody(rawBody);
  const name = dto['name'];
  checkLookupName(name);
  if (ctx.state.findAgentByName(name as string | null | undefined)) {
    throw badRequest(`Agent with name '${String(name)}' already exists`);
  }

  const password = generatePassword();
  const passwordHash = await hashPassword(password);

  const bodyRepositoryUrl = dto['gitRepositoryUrl'];
  const repositoryUrl = bodyRepositoryUrl || ctx.config.gitRepositoryUrl();
  if (!repositoryUrl) {
    throw badRequest(MISSING_REPOSITORY_MESSAGE);
  }
  checkVarchar('git_repository_url', bodyRepositoryUrl || null, URL_MAX, true);

  const agentType = dto['agentType'] || 'cursor';
  if (typeof agentType !== 'string' || !ctx.config.hasAgentType(agentType)) {
    const available = ctx.config
      .agentTypes()
      .map((entry) => entry.type)
      .join(', ');
    throw new SimulatedInternalError(
      `Agent provider with type '${String(agentType)}' not found. Available types: ${available || 'none'}`,
    );
  }

  const ssh: PortAndPassword | undefined = dto['createSshConnection']
    ? { port: pickHostPort(ctx.state, SSH_PORT_RANGE), password: generatePassword() }
    : undefined;
  const vnc: PortAndPassword | undefined = dto['createVirtualWorkspace']
    ? { port: pickHostPort(ctx.state, VNC_PORT_RANGE, ssh?.port), password: generatePassword() }
    : undefined;

  checkVarchar('name', name, NAME_MAX, false);
  checkVarchar('agent_type', agentType, AGENT_TYPE_MAX, false);
  const containerType = checkContainerType(dto['containerType'] || 'generic');
  const description = dto['description'];
  checkNullableText('description', description);

  // The hash above yields the event loop: re-check so two concurrent creates cannot both take a name.
  if (ctx.state.findAgentByName(name as string)) {
    throw badRequest(`Agent with name '${String(name)}' already exists`);
  }
  const now = new Date();
  const agent: AgentRecord = {
    id: randomUUID(),
    name: name as string,
    description: (description as string | null | undefined) ?? null,
    passwordHash,
    agentType,
    containerType,
    containerId: newContainerId(),
    running: true,
    vnc,
    ssh,
    gitRepositoryUrl: typeof bodyRepositoryUrl === 'string' && bodyRepositoryUrl ? bodyRepositoryUrl : null,
    createdAt: now,
    updatedAt: now,
    seq: ctx.state.nextSeq(),
  };
  ctx.state.insertAgent(agent);
  upsertDeploymentConfiguration(ctx.state, agent.id, dto['deploymentConfiguration']);

  return {
    ...toAgentResponseDto(agent, { omitNullDescription: description === undefined }),
    password,
  };
}

/**
 * `POST /api/agents/{id}`: partial update of name, description, agentType, containerType (the password
 * cannot change). A truthy `name` taken by another agent → 400, checked before the agent's existence.
 * `updatedAt` moves only when a value actually changes.
 */
export function updateAgent(ctx: SimulatorContext, id: string, rawBody: unknown): AgentRecord {
  const dto = readBody(rawBody);
  const name = dto['name'];
  if (name) {
    checkLookupName(name);
    const existing = ctx.state.findAgentByName(name as string);
    if (existing && existing.id !== id) {
      throw badRequest(`Agent with name '${String(name)}' already exists`);
    }
  }
  const agent = findAgentOrThrow(ctx.state, id);

  const changes: Partial<Pick<AgentRecord, 'name' | 'description' | 'agentType' | 'containerType'>> = {};
  if (name !== undefined) {
    checkVarchar('name', name, NAME_MAX, false);
    changes.name = name as string;
  }
  if (dto['description'] !== undefined) {
    checkNullableText('description', dto['description']);
    changes.description = dto['description'] as string | null;
  }
  if (dto['agentType'] !== undefined) {
    checkVarchar('agent_type', dto['agentType'], AGENT_TYPE_MAX, false);
    changes.agentType = dto['agentType'] as string;
  }
  if (dto['containerType'] !== undefined) {
    changes.containerType = checkContainerType(dto['containerType']);
  }

  let changed = false;
  for (const [key, value] of Object.entries(changes) as [keyof typeof changes, string | null][]) {
    if (agent[key] !== value) {
      (agent as unknown as Record<string, unknown>)[key] = value;
      changed = true;
    }
  }
  if (changed) {
    agent.updatedAt = new Date();
  }
  upsertDeploymentConfiguration(ctx.state, agent.id, dto['deploymentConfiguration']);
  return agent;
}

export function deleteAgent(ctx: SimulatorContext, id: string): void {
  findAgentOrThrow(ctx.state, id);
  ctx.state.deleteAgent(id);
}

export type ContainerAction = 'start' | 'stop' | 'restart';

/** start/stop/restart: the simulated container always obeys; the DTO (and `updatedAt`) is unchanged. */
export function runContainerAction(ctx: SimulatorContext, id: string, action: ContainerAction): AgentRecord {
  const agent = findAgentOrThrow(ctx.state, id);
  agent.running = action !== 'stop';
  return agent;
}

/** A fixed map per agent type; `{}` while the container is stopped (the provider command cannot run). */
export function agentModels(ctx: SimulatorContext, id: string): Record<string, string> {
  const agent = findAgentOrThrow(ctx.state, id);
  if (!agent.running) {
    return {};
  }
  return { ...(SIMULATED_MODELS[agent.agentType] ?? {}) };
}
