import type { SimulatorContext } from '../context';
import type { EnvironmentVariableResponseDto } from '../dto';
import { notFound, SimulatedInternalError } from '../http-errors';
import { type EnvironmentVariableRecord, newContainerId, toEnvironmentVariableResponseDto } from '../state';

import { findAgentOrThrow } from './agents.service';
import { readBody } from './body';

const VARIABLE_MAX = 255;

function checkVariable(value: unknown): string {
  if (value === undefined || value === null) {
    throw new SimulatedInternalError('null value in column "variable" violates not-null constraint');
  }
  if (typeof value !== 'string') {
    throw new SimulatedInternalError('column "variable" expects a string');
  }
  if (value.length > VARIABLE_MAX) {
    throw new SimulatedInternalError(`value too long for type character varying(${VARIABLE_MAX})`);
  }
  return value;
}

function checkContent(value: unknown): string | null | undefined {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw new SimulatedInternalError('column "content" expects a string');
  }
  return value;
}

function findVariableOrThrow(ctx: SimulatorContext, id: string): EnvironmentVariableRecord {
  const variable = ctx.state.environmentVariables.get(id);
  if (!variable) {
    throw notFound(`Environment variable with ID ${id} not found`);
  }
  return variable;
}

/**
 * After every change the real manager recreates the agent's container with the new environment (new
 * container id) and clears the agent's chat history. An unknown agent → 404 "Agent with ID … not found".
 */
function reconcile(ctx: SimulatorContext, agentId: string): void {
  const agent = findAgentOrThrow(ctx.state, agentId);
  agent.containerId = newContainerId();
  // Later round (Socket.IO): also drop the agent's persisted chat messages here.
}

/**
 * List, oldest first. The real query filters by `agent_id` only: an unknown agent gets `[]`, not a 404.
 */
export function listEnvironmentVariables(
  ctx: SimulatorContext,
  agentId: string,
  limit: number,
  offset: number,
): EnvironmentVariableResponseDto[] {
  return ctx.state
    .listEnvironmentVariables(agentId, limit, offset)
    .map((variable) => toEnvironmentVariableResponseDto(variable));
}

/** `{count}`; 0 for an unknown agent. */
export function countEnvironmentVariables(ctx: SimulatorContext, agentId: string): { count: number } {
  return { count: ctx.state.environmentVariablesOf(agentId).length };
}

/** 201 DTO. An unknown agent violates the foreign key → 500; a missing `variable` → 500; content may be absent. */
export function createEnvironmentVariable(
  ctx: SimulatorContext,
  agentId: string,
  rawBody: unknown,
): EnvironmentVariableResponseDto {
  const dto = readBody(rawBody);
  const variableName = checkVariable(dto['variable']);
  const content = checkContent(dto['content']);
  if (!ctx.state.findAgent(agentId)) {
    throw new SimulatedInternalError(
      'insert or update on table "agent_environment_variables" violates foreign key constraint',
    );
  }
  const now = new Date();
  const variable: EnvironmentVariableRecord = {
    id: ctx.state.newId(),
    agentId,
    variable: variableName,
    content: content ?? null,
    createdAt: now,
    updatedAt: now,
    seq: ctx.state.nextSeq(),
  };
  ctx.state.environmentVariables.set(variable.id, variable);
  reconcile(ctx, agentId);
  return toEnvironmentVariableResponseDto(variable);
}

/**
 * PUT, by variable id only (the `agentId` in the path is validated as a UUID but not compared). Like the
 * real server (Object.assign of the body onto the row, then save), a key missing from the body keeps its
 * stored value, but the answer echoes the body: a missing `variable` is left out of it and a missing
 * `content` reads `""`. Send both keys, as the contract says.
 */
export function updateEnvironmentVariable(
  ctx: SimulatorContext,
  id: string,
  rawBody: unknown,
): EnvironmentVariableResponseDto {
  const dto = readBody(rawBody);
  const variable = findVariableOrThrow(ctx, id);
  const newName = dto['variable'] === undefined ? undefined : checkVariable(dto['variable']);
  const newContent = checkContent(dto['content']);
  let changed = false;
  if (newName !== undefined && newName !== variable.variable) {
    variable.variable = newName;
    changed = true;
  }
  if (newContent !== undefined && newContent !== variable.content) {
    variable.content = newContent;
    changed = true;
  }
  if (changed) {
    variable.updatedAt = new Date();
  }
  reconcile(ctx, variable.agentId);
  return toEnvironmentVariableResponseDto(variable, {
    variable: dto['variable'] as string | undefined,
    content: dto['content'] as string | null | undefined,
  });
}

/** DELETE by variable id (204); unknown → 404. */
export function deleteEnvironmentVariable(ctx: SimulatorContext, id: string): void {
  const variable = findVariableOrThrow(ctx, id);
  ctx.state.environmentVariables.delete(id);
  reconcile(ctx, variable.agentId);
}

/** `{deletedCount}`; for an unknown agent nothing is deleted and the reconcile step answers 404. */
export function deleteAllEnvironmentVariables(ctx: SimulatorContext, agentId: string): { deletedCount: number } {
  const deletedCount = ctx.state.deleteEnvironmentVariablesOf(agentId);
  reconcile(ctx, agentId);
  return { deletedCount };
}
