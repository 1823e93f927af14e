import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestPrincipal } from '@agent-controller/core';
import {
  agentParamsSchema,
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
} from '@agent-controller/shared-contracts';
import type { Response } from 'express';
import { createZodDto } from 'nestjs-zod';
import { AuditedAgentOperation } from './agent-audit';
import { relay } from './relay';
import { RemoteAgentsService } from './remote-agents.service';

class AgentParamsDto extends createZodDto(agentParamsSchema) {}
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

/** Git network operations and command runs legitimately take minutes: REMOTE_LONG_REQUEST_TIMEOUT applies. */
const LONG_RUNNING_PATHS = new Set([
  '/vcs/push',
  '/vcs/pull',
  '/vcs/fetch',
  '/vcs/rebase',
  '/vcs/workspace/prepare-clean',
  '/automation/verify-commands',
]);

/** Git in the agent's workspace: reading is `read`, every git operation is `operate` (DESIGN §4). */
@ApiTags('agents')
@ApiBearerAuth()
@Controller('clients/:id/agents/:agentId')
export class RemoteVcsController {
  constructor(private readonly agents: RemoteAgentsService) {}

  private async read(principal: RequestPrincipal, params: AgentParamsDto, path: string, response: Response) {
    return relay(
      response,
      await this.agents.forward(principal, params.id, 'read', 'GET', `/agents/${params.agentId}${path}`),
    );
  }

  private async operate(
    principal: RequestPrincipal,
    params: AgentParamsDto,
    method: string,
    path: string,
    response: Response,
    body?: unknown,
  ) {
    return relay(
      response,
      await this.agents.forward(principal, params.id, 'operate', method, `/agents/${params.agentId}${path}`, body, {
        timeout: LONG_RUNNING_PATHS.has(path) ? 'long' : 'default',
      }),
    );
  }

  @Get('vcs/status')
  getVcsStatus(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.read(p, params, '/vcs/status', r);
  }

  @Get('vcs/branches')
  listBranches(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.read(p, params, '/vcs/branches', r);
  }

  @Get('vcs/diff')
  getDiff(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Query() query: DiffQueryDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.read(p, params, `/vcs/diff?${new URLSearchParams({ path: query.path })}`, r);
  }

  @Post('vcs/stage')
  @AuditedAgentOperation('agent.vcs.stage')
  stageFiles(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: FilesRequestDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'POST', '/vcs/stage', r, body);
  }

  @Post('vcs/unstage')
  @AuditedAgentOperation('agent.vcs.unstage')
  unstageFiles(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: FilesRequestDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'POST', '/vcs/unstage', r, body);
  }

  @Post('vcs/commit')
  @AuditedAgentOperation('agent.vcs.commit')
  commit(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: CommitRequestDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'POST', '/vcs/commit', r, body);
  }

  @Post('vcs/push')
  @AuditedAgentOperation('agent.vcs.push')
  push(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: PushRequestDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'POST', '/vcs/push', r, body);
  }

  @Post('vcs/pull')
  @AuditedAgentOperation('agent.vcs.pull')
  pull(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'POST', '/vcs/pull', r);
  }

  @Post('vcs/fetch')
  @AuditedAgentOperation('agent.vcs.fetch')
  fetchRemote(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'POST', '/vcs/fetch', r);
  }

  @Post('vcs/rebase')
  @AuditedAgentOperation('agent.vcs.rebase')
  rebase(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: RebaseRequestDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'POST', '/vcs/rebase', r, body);
  }

  @Post('vcs/workspace/prepare-clean')
  @AuditedAgentOperation('agent.vcs.prepare-clean')
  prepareCleanWorkspace(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: PrepareCleanRequestDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'POST', '/vcs/workspace/prepare-clean', r, body);
  }

  @Post('vcs/branches')
  @AuditedAgentOperation('agent.vcs.branch.create')
  createBranch(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: CreateBranchRequestDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'POST', '/vcs/branches', r, body);
  }

  @Post('vcs/branches/:branch/switch')
  @AuditedAgentOperation('agent.vcs.branch.switch')
  switchBranch(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: BranchParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'POST', `/vcs/branches/${encodeURIComponent(params.branch)}/switch`, r);
  }

  @Delete('vcs/branches/:branch')
  @AuditedAgentOperation('agent.vcs.branch.delete')
  deleteBranch(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: BranchParamsDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'DELETE', `/vcs/branches/${encodeURIComponent(params.branch)}`, r);
  }

  @Post('vcs/conflicts/resolve')
  @AuditedAgentOperation('agent.vcs.conflict.resolve')
  resolveConflict(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: ResolveConflictRequestDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'POST', '/vcs/conflicts/resolve', r, body);
  }

  @Post('automation/verify-commands')
  @AuditedAgentOperation('agent.automation.verify-commands')
  verifyCommands(
    @CurrentPrincipal() p: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: VerifyCommandsRequestDto,
    @Res({ passthrough: true }) r: Response,
  ) {
    return this.operate(p, params, 'POST', '/automation/verify-commands', r, body);
  }
}
