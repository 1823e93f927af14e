import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestPrincipal } from '@agent-controller/core';
import type { ClientAction } from '@agent-controller/clients';
import {
  agentParamsSchema,
  deploymentConfigurationRequestSchema,
  deploymentJobParamsSchema,
  deploymentRepositoryParamsSchema,
  deploymentRunParamsSchema,
  listRunsQuerySchema,
  triggerWorkflowRequestSchema,
  workflowsQuerySchema,
} from '@agent-controller/shared-contracts';
import type { Response } from 'express';
import { createZodDto } from 'nestjs-zod';
import { AuditedAgentOperation } from './agent-audit';
import { relay } from './relay';
import { RemoteAgentsService } from './remote-agents.service';

class AgentParamsDto extends createZodDto(agentParamsSchema) {}
class ConfigurationRequestDto extends createZodDto(deploymentConfigurationRequestSchema) {}
class RepositoryParamsDto extends createZodDto(deploymentRepositoryParamsSchema) {}
class RunParamsDto extends createZodDto(deploymentRunParamsSchema) {}
class JobParamsDto extends createZodDto(deploymentJobParamsSchema) {}
class WorkflowsQueryDto extends createZodDto(workflowsQuerySchema) {}
class TriggerWorkflowRequestDto extends createZodDto(triggerWorkflowRequestSchema) {}
class ListRunsQueryDto extends createZodDto(listRunsQuerySchema) {}

const segment = encodeURIComponent;

/**
 * CI/CD deployments of an agent: reading is `read`, triggering and cancelling runs is `operate`, and the
 * configuration (it holds the provider token) needs `configure`.
 */
@ApiTags('agents')
@ApiBearerAuth()
@Controller('clients/:id/agents/:agentId/deployments')
export class RemoteDeploymentsController {
  constructor(private readonly agents: RemoteAgentsService) {}

  private async call(
    principal: RequestPrincipal,
    params: AgentParamsDto,
    action: ClientAction,
    method: string,
    path: string,
    response: Response,
    body?: unknown,
  ) {
    const target = `/agents/${params.agentId}/deployments${path}`;
    // Triggering a workflow waits on the CI provider's API.
    const timeout = path === '/workflows/trigger' ? 'long' : 'default';
    return relay(response, await this.agents.forward(principal, params.id, action, method, target, body, { timeout }));
  }

  @Get('configuration')
  getConfiguration(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.call(p, params, 'read', 'GET', '/configuration', r);
  }

  @Post('configuration')
  @AuditedAgentOperation('agent.deployment.configure')
  saveConfiguration(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: ConfigurationRequestDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.call(p, params, 'configure', 'POST', '/configuration', r, body);
  }

  @Delete('configuration')
  @AuditedAgentOperation('agent.deployment.unconfigure')
  deleteConfiguration(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.call(p, params, 'configure', 'DELETE', '/configuration', r);
  }

  @Get('repositories')
  listRepositories(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.call(p, params, 'read', 'GET', '/repositories', r);
  }

  @Get('repositories/:repositoryId/branches')
  listBranches(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: RepositoryParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.call(p, params, 'read', 'GET', `/repositories/${segment(params.repositoryId)}/branches`, r);
  }

  @Get('repositories/:repositoryId/workflows')
  listWorkflows(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: RepositoryParamsDto,
    @Query() query: WorkflowsQueryDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    const search = query.branch ? `?${new URLSearchParams({ branch: query.branch })}` : '';
    return this.call(p, params, 'read', 'GET', `/repositories/${segment(params.repositoryId)}/workflows${search}`, r);
  }

  @Post('workflows/trigger')
  @AuditedAgentOperation('agent.deployment.trigger')
  triggerWorkflow(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: TriggerWorkflowRequestDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.call(p, params, 'operate', 'POST', '/workflows/trigger', r, body);
  }

  @Get('runs')
  listRuns(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Query() query: ListRunsQueryDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    const search = new URLSearchParams({ limit: String(query.limit), offset: String(query.offset) });
    return this.call(p, params, 'read', 'GET', `/runs?${search}`, r);
  }

  @Get('runs/:runId')
  getRun(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: RunParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.call(p, params, 'read', 'GET', `/runs/${segment(params.runId)}`, r);
  }

  @Get('runs/:runId/logs')
  getRunLogs(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: RunParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.call(p, params, 'read', 'GET', `/runs/${segment(params.runId)}/logs`, r);
  }

  @Get('runs/:runId/jobs')
  listRunJobs(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: RunParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.call(p, params, 'read', 'GET', `/runs/${segment(params.runId)}/jobs`, r);
  }

  @Get('runs/:runId/jobs/:jobId/logs')
  getJobLogs(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: JobParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.call(p, params, 'read', 'GET', `/runs/${segment(params.runId)}/jobs/${segment(params.jobId)}/logs`, r);
  }

  @Post('runs/:runId/cancel')
  @AuditedAgentOperation('agent.deployment.cancel')
  cancelRun(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: RunParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.call(p, params, 'operate', 'POST', `/runs/${segment(params.runId)}/cancel`, r);
  }
}
