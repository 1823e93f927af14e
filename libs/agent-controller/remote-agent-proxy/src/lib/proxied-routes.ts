import { applyDecorators, HttpCode, type Type } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import type { ClientAction } from '@agent-controller/clients';
import { IdParamsDto } from '@agent-controller/core';
import {
  agentFileParamsSchema,
  agentParamsSchema,
  createFileRequestSchema,
  deploymentConfigurationRequestSchema,
  deploymentJobParamsSchema,
  deploymentRepositoryParamsSchema,
  deploymentRunParamsSchema,
  environmentParamsSchema,
  environmentVariableRequestSchema,
  fileContextQuerySchema,
  listAgentsQuerySchema,
  listEnvironmentQuerySchema,
  listFilesQuerySchema,
  listRunsQuerySchema,
  moveFileRequestSchema,
  remoteAgentSchema,
  triggerWorkflowRequestSchema,
  updateAgentRequestSchema,
  vcsBranchParamsSchema,
  vcsCommitRequestSchema,
  vcsCreateBranchRequestSchema,
  vcsDiffQuerySchema,
  vcsFilesRequestSchema,
  vcsPrepareCleanRequestSchema,
  vcsPushRequestSchema,
  vcsRebaseRequestSchema,
  vcsResolveConflictRequestSchema,
  verifyCommandsRequestSchema,
  workflowsQuerySchema,
  writeFileRequestSchema,
} from '@agent-controller/shared-contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Validated path parameters: the client's `id`, and whatever else the route's path names. */
export type RouteParams = { id: string } & Record<string, unknown>;
export type RouteQuery = Record<string, unknown>;

/** One call to a client's agent-manager: what `RemoteAgentsService.forward` needs to make and check it. */
export interface RemoteRoute {
  method: HttpMethod;
  /** The remote's path below `/api` (`:name` and `*name` parameters), published below `/api/clients/:id`. */
  path: string;
  /** What the caller must be allowed on the client; the file routes decide by the query's `context`. */
  action: ClientAction | ((query: RouteQuery) => ClientAction);
  /** Checked against the remote's 2xx body; a body that does not match is a 502 `REMOTE_INCOMPATIBLE`. */
  response?: z.ZodType;
  /** For routes that legitimately take long: REMOTE_LONG_REQUEST_TIMEOUT instead of REMOTE_REQUEST_TIMEOUT. */
  timeout?: 'long';
}

/** A route the controller publishes and relays as it is: its arguments are validated by their DTOs first. */
export interface ProxiedRoute extends RemoteRoute {
  /** The controller method's name, part of the OpenAPI operation id. */
  name: string;
  /** Path parameters; `AgentParamsDto` when left out. */
  params?: Type;
  query?: Type;
  body?: Type;
  /** The audit action: a route that changes the fleet leaves one audit row per call. */
  audit?: string;
  /** More OpenAPI documentation than the path, parameters and body say. */
  docs?: MethodDecorator;
}

/** The remote's path of a call: each parameter URL-encoded, then the checked query (empty values left out). */
export function remotePath(route: RemoteRoute, params: RouteParams, query: RouteQuery = {}): string {
  const path = route.path.replace(/([:*])(\w+)/g, (_match, kind: string, name: string) =>
    kind === '*'
      ? [params[name]]
          .flat()
          .map((segment) => encodeURIComponent(String(segment)))
          .join('/')
      : encodeURIComponent(String(params[name])),
  );
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') search.append(name, String(value));
  }
  return search.size > 0 ? `${path}?${search}` : path;
}

export function actionOf(route: RemoteRoute, query: RouteQuery = {}): ClientAction {
  return typeof route.action === 'function' ? route.action(query) : route.action;
}

export class AgentParamsDto extends createZodDto(agentParamsSchema) {}
// The body DTOs' names are their OpenAPI schema names.
class ListAgentsQueryDto extends createZodDto(listAgentsQuerySchema) {}
class UpdateAgentRequestDto extends createZodDto(updateAgentRequestSchema) {}
class EnvironmentParamsDto extends createZodDto(environmentParamsSchema) {}
class EnvironmentVariableRequestDto extends createZodDto(environmentVariableRequestSchema) {}
class ListEnvironmentQueryDto extends createZodDto(listEnvironmentQuerySchema) {}
class AgentFileParamsDto extends createZodDto(agentFileParamsSchema) {}
class FileContextQueryDto extends createZodDto(fileContextQuerySchema) {}
class ListFilesQueryDto extends createZodDto(listFilesQuerySchema) {}
class WriteFileRequestDto extends createZodDto(writeFileRequestSchema) {}
class CreateFileRequestDto extends createZodDto(createFileRequestSchema) {}
class MoveFileRequestDto extends createZodDto(moveFileRequestSchema) {}
class BranchParamsDto extends createZodDto(vcsBranchParamsSchema) {}
class FilesRequestDto extends createZodDto(vcsFilesRequestSchema) {}
class CommitRequestDto extends createZodDto(vcsCommitRequestSchema) {}
class PushRequestDto extends createZodDto(vcsPushRequestSchema) {}
class PrepareCleanRequestDto extends createZodDto(vcsPrepareCleanRequestSchema) {}
class RebaseRequestDto extends createZodDto(vcsRebaseRequestSchema) {}
class CreateBranchRequestDto extends createZodDto(vcsCreateBranchRequestSchema) {}
class ResolveConflictRequestDto extends createZodDto(vcsResolveConflictRequestSchema) {}
class DiffQueryDto extends createZodDto(vcsDiffQuerySchema) {}
class VerifyCommandsRequestDto extends createZodDto(verifyCommandsRequestSchema) {}
class ConfigurationRequestDto extends createZodDto(deploymentConfigurationRequestSchema) {}
class RepositoryParamsDto extends createZodDto(deploymentRepositoryParamsSchema) {}
class RunParamsDto extends createZodDto(deploymentRunParamsSchema) {}
class JobParamsDto extends createZodDto(deploymentJobParamsSchema) {}
class WorkflowsQueryDto extends createZodDto(workflowsQuerySchema) {}
class TriggerWorkflowRequestDto extends createZodDto(triggerWorkflowRequestSchema) {}
class ListRunsQueryDto extends createZodDto(listRunsQuerySchema) {}

/** The agent's configuration files need management rights; its app files are open to every member (DESIGN §4). */
const byFileContext =
  (appAction: ClientAction) =>
  (query: RouteQuery): ClientAction =>
    query['context'] === 'config' ? 'configure' : appAction;

/**
 * Every agent operation relayed to the client's agent-manager unchanged, grouped as the OpenAPI operation ids
 * name them. Reading is `read`; running things is `operate`; changing what an agent is or holds (its settings,
 * environment, configuration files, CI/CD configuration with the provider token) is `configure` (DESIGN §4).
 * Creating and deleting an agent and storing its credentials also touch stored credentials: `RemoteAgentsController`.
 */
export const PROXIED_ROUTES = {
  agents: [
    {
      name: 'listAgents',
      method: 'GET',
      path: '/agents',
      action: 'read',
      params: IdParamsDto,
      query: ListAgentsQueryDto,
      response: z.array(remoteAgentSchema),
      docs: ApiOkResponse({ description: "The remote's agents (contract AgentResponseDto[]), newest first" }),
    },
    { name: 'getAgent', method: 'GET', path: '/agents/:agentId', action: 'read', response: remoteAgentSchema },
    {
      name: 'updateAgent',
      method: 'POST',
      path: '/agents/:agentId',
      action: 'configure',
      body: UpdateAgentRequestDto,
      response: remoteAgentSchema,
      audit: 'agent.update',
    },
    { name: 'listAgentModels', method: 'GET', path: '/agents/:agentId/models', action: 'read' },
    { name: 'startAgent', method: 'POST', path: '/agents/:agentId/start', action: 'operate', audit: 'agent.start' },
    { name: 'stopAgent', method: 'POST', path: '/agents/:agentId/stop', action: 'operate', audit: 'agent.stop' },
    {
      name: 'restartAgent',
      method: 'POST',
      path: '/agents/:agentId/restart',
      action: 'operate',
      audit: 'agent.restart',
    },
  ],
  environment: [
    {
      name: 'listEnvironmentVariables',
      method: 'GET',
      path: '/agents/:agentId/environment',
      action: 'read',
      query: ListEnvironmentQueryDto,
    },
    { name: 'countEnvironmentVariables', method: 'GET', path: '/agents/:agentId/environment/count', action: 'read' },
    {
      name: 'createEnvironmentVariable',
      method: 'POST',
      path: '/agents/:agentId/environment',
      action: 'configure',
      body: EnvironmentVariableRequestDto,
      audit: 'agent.environment.create',
    },
    {
      name: 'updateEnvironmentVariable',
      method: 'PUT',
      path: '/agents/:agentId/environment/:envVarId',
      action: 'configure',
      params: EnvironmentParamsDto,
      body: EnvironmentVariableRequestDto,
      audit: 'agent.environment.update',
    },
    {
      name: 'deleteEnvironmentVariable',
      method: 'DELETE',
      path: '/agents/:agentId/environment/:envVarId',
      action: 'configure',
      params: EnvironmentParamsDto,
      audit: 'agent.environment.delete',
      // The remote answers 204 without a body (contract §5); the relay passes that on.
      docs: applyDecorators(HttpCode(204), ApiNoContentResponse({ description: 'Deleted; the agent is reconciled' })),
    },
    {
      name: 'deleteAllEnvironmentVariables',
      method: 'DELETE',
      path: '/agents/:agentId/environment',
      action: 'configure',
      audit: 'agent.environment.delete-all',
    },
  ],
  files: [
    {
      name: 'listFiles',
      method: 'GET',
      path: '/agents/:agentId/files',
      action: byFileContext('read'),
      query: ListFilesQueryDto,
    },
    {
      name: 'readFile',
      method: 'GET',
      path: '/agents/:agentId/files/*path',
      action: byFileContext('read'),
      params: AgentFileParamsDto,
      query: FileContextQueryDto,
    },
    {
      name: 'writeFile',
      method: 'PUT',
      path: '/agents/:agentId/files/*path',
      action: byFileContext('operate'),
      params: AgentFileParamsDto,
      query: FileContextQueryDto,
      body: WriteFileRequestDto,
      audit: 'agent.file.write',
    },
    {
      name: 'createFile',
      method: 'POST',
      path: '/agents/:agentId/files/*path',
      action: byFileContext('operate'),
      params: AgentFileParamsDto,
      query: FileContextQueryDto,
      body: CreateFileRequestDto,
      audit: 'agent.file.create',
    },
    {
      name: 'moveFile',
      method: 'PATCH',
      path: '/agents/:agentId/files/*path',
      action: byFileContext('operate'),
      params: AgentFileParamsDto,
      query: FileContextQueryDto,
      body: MoveFileRequestDto,
      audit: 'agent.file.move',
    },
    {
      name: 'deleteFile',
      method: 'DELETE',
      path: '/agents/:agentId/files/*path',
      action: byFileContext('operate'),
      params: AgentFileParamsDto,
      query: FileContextQueryDto,
      audit: 'agent.file.delete',
    },
  ],
  // Git network operations and command runs legitimately take minutes.
  vcs: [
    { name: 'getVcsStatus', method: 'GET', path: '/agents/:agentId/vcs/status', action: 'read' },
    { name: 'listBranches', method: 'GET', path: '/agents/:agentId/vcs/branches', action: 'read' },
    { name: 'getDiff', method: 'GET', path: '/agents/:agentId/vcs/diff', action: 'read', query: DiffQueryDto },
    {
      name: 'stageFiles',
      method: 'POST',
      path: '/agents/:agentId/vcs/stage',
      action: 'operate',
      body: FilesRequestDto,
      audit: 'agent.vcs.stage',
    },
    {
      name: 'unstageFiles',
      method: 'POST',
      path: '/agents/:agentId/vcs/unstage',
      action: 'operate',
      body: FilesRequestDto,
      audit: 'agent.vcs.unstage',
    },
    {
      name: 'commit',
      method: 'POST',
      path: '/agents/:agentId/vcs/commit',
      action: 'operate',
      body: CommitRequestDto,
      audit: 'agent.vcs.commit',
    },
    {
      name: 'push',
      method: 'POST',
      path: '/agents/:agentId/vcs/push',
      action: 'operate',
      body: PushRequestDto,
      audit: 'agent.vcs.push',
      timeout: 'long',
    },
    {
      name: 'pull',
      method: 'POST',
      path: '/agents/:agentId/vcs/pull',
      action: 'operate',
      audit: 'agent.vcs.pull',
      timeout: 'long',
    },
    {
      name: 'fetchRemote',
      method: 'POST',
      path: '/agents/:agentId/vcs/fetch',
      action: 'operate',
      audit: 'agent.vcs.fetch',
      timeout: 'long',
    },
    {
      name: 'rebase',
      method: 'POST',
      path: '/agents/:agentId/vcs/rebase',
      action: 'operate',
      body: RebaseRequestDto,
      audit: 'agent.vcs.rebase',
      timeout: 'long',
    },
    {
      name: 'prepareCleanWorkspace',
      method: 'POST',
      path: '/agents/:agentId/vcs/workspace/prepare-clean',
      action: 'operate',
      body: PrepareCleanRequestDto,
      audit: 'agent.vcs.prepare-clean',
      timeout: 'long',
    },
    {
      name: 'createBranch',
      method: 'POST',
      path: '/agents/:agentId/vcs/branches',
      action: 'operate',
      body: CreateBranchRequestDto,
      audit: 'agent.vcs.branch.create',
    },
    {
      name: 'switchBranch',
      method: 'POST',
      path: '/agents/:agentId/vcs/branches/:branch/switch',
      action: 'operate',
      params: BranchParamsDto,
      audit: 'agent.vcs.branch.switch',
    },
    {
      name: 'deleteBranch',
      method: 'DELETE',
      path: '/agents/:agentId/vcs/branches/:branch',
      action: 'operate',
      params: BranchParamsDto,
      audit: 'agent.vcs.branch.delete',
    },
    {
      name: 'resolveConflict',
      method: 'POST',
      path: '/agents/:agentId/vcs/conflicts/resolve',
      action: 'operate',
      body: ResolveConflictRequestDto,
      audit: 'agent.vcs.conflict.resolve',
    },
    {
      name: 'verifyCommands',
      method: 'POST',
      path: '/agents/:agentId/automation/verify-commands',
      action: 'operate',
      body: VerifyCommandsRequestDto,
      audit: 'agent.automation.verify-commands',
      timeout: 'long',
    },
  ],
  deployments: [
    { name: 'getConfiguration', method: 'GET', path: '/agents/:agentId/deployments/configuration', action: 'read' },
    {
      name: 'saveConfiguration',
      method: 'POST',
      path: '/agents/:agentId/deployments/configuration',
      action: 'configure',
      body: ConfigurationRequestDto,
      audit: 'agent.deployment.configure',
    },
    {
      name: 'deleteConfiguration',
      method: 'DELETE',
      path: '/agents/:agentId/deployments/configuration',
      action: 'configure',
      audit: 'agent.deployment.unconfigure',
    },
    { name: 'listRepositories', method: 'GET', path: '/agents/:agentId/deployments/repositories', action: 'read' },
    {
      name: 'listBranches',
      method: 'GET',
      path: '/agents/:agentId/deployments/repositories/:repositoryId/branches',
      action: 'read',
      params: RepositoryParamsDto,
    },
    {
      name: 'listWorkflows',
      method: 'GET',
      path: '/agents/:agentId/deployments/repositories/:repositoryId/workflows',
      action: 'read',
      params: RepositoryParamsDto,
      query: WorkflowsQueryDto,
    },
    {
      // Waits on the CI provider's API.
      name: 'triggerWorkflow',
      method: 'POST',
      path: '/agents/:agentId/deployments/workflows/trigger',
      action: 'operate',
      body: TriggerWorkflowRequestDto,
      audit: 'agent.deployment.trigger',
      timeout: 'long',
    },
    {
      name: 'listRuns',
      method: 'GET',
      path: '/agents/:agentId/deployments/runs',
      action: 'read',
      query: ListRunsQueryDto,
    },
    {
      name: 'getRun',
      method: 'GET',
      path: '/agents/:agentId/deployments/runs/:runId',
      action: 'read',
      params: RunParamsDto,
    },
    {
      name: 'getRunLogs',
      method: 'GET',
      path: '/agents/:agentId/deployments/runs/:runId/logs',
      action: 'read',
      params: RunParamsDto,
    },
    {
      name: 'listRunJobs',
      method: 'GET',
      path: '/agents/:agentId/deployments/runs/:runId/jobs',
      action: 'read',
      params: RunParamsDto,
    },
    {
      name: 'getJobLogs',
      method: 'GET',
      path: '/agents/:agentId/deployments/runs/:runId/jobs/:jobId/logs',
      action: 'read',
      params: JobParamsDto,
    },
    {
      name: 'cancelRun',
      method: 'POST',
      path: '/agents/:agentId/deployments/runs/:runId/cancel',
      action: 'operate',
      params: RunParamsDto,
      audit: 'agent.deployment.cancel',
    },
  ],
} satisfies Record<string, ProxiedRoute[]>;
