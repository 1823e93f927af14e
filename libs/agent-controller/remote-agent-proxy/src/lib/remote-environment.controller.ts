import { Body, Controller, Delete, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestPrincipal } from '@agent-controller/core';
import {
  agentParamsSchema,
  environmentParamsSchema,
  environmentVariableRequestSchema,
  listEnvironmentQuerySchema,
} from '@agent-controller/shared-contracts';
import type { Response } from 'express';
import { createZodDto } from 'nestjs-zod';
import { AuditedAgentOperation } from './agent-audit';
import { relay } from './relay';
import { RemoteAgentsService } from './remote-agents.service';

class AgentParamsDto extends createZodDto(agentParamsSchema) {}
class EnvironmentParamsDto extends createZodDto(environmentParamsSchema) {}
class EnvironmentVariableRequestDto extends createZodDto(environmentVariableRequestSchema) {}
class ListEnvironmentQueryDto extends createZodDto(listEnvironmentQuerySchema) {}

/** An agent's environment variables on the remote: reading is open to members, writing needs `configure`. */
@ApiTags('agents')
@ApiBearerAuth()
@Controller('clients/:id/agents/:agentId/environment')
export class RemoteEnvironmentController {
  constructor(private readonly agents: RemoteAgentsService) {}

  private path(params: AgentParamsDto, rest = '') {
    return `/agents/${params.agentId}/environment${rest}`;
  }

  @Get()
  async listEnvironmentVariables(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Query() query: ListEnvironmentQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const search = new URLSearchParams({ limit: String(query.limit), offset: String(query.offset) });
    return relay(
      response,
      await this.agents.forward(principal, params.id, 'read', 'GET', this.path(params, `?${search}`)),
    );
  }

  @Get('count')
  async countEnvironmentVariables(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return relay(response, await this.agents.forward(principal, params.id, 'read', 'GET', this.path(params, '/count')));
  }

  @Post()
  @AuditedAgentOperation('agent.environment.create')
  async createEnvironmentVariable(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: EnvironmentVariableRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return relay(
      response,
      await this.agents.forward(principal, params.id, 'configure', 'POST', this.path(params), body),
    );
  }

  @Put(':envVarId')
  @AuditedAgentOperation('agent.environment.update')
  async updateEnvironmentVariable(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: EnvironmentParamsDto,
    @Body() body: EnvironmentVariableRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const path = this.path(params, `/${params.envVarId}`);
    return relay(response, await this.agents.forward(principal, params.id, 'configure', 'PUT', path, body));
  }

  @Delete(':envVarId')
  @AuditedAgentOperation('agent.environment.delete')
  async deleteEnvironmentVariable(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: EnvironmentParamsDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const path = this.path(params, `/${params.envVarId}`);
    return relay(response, await this.agents.forward(principal, params.id, 'configure', 'DELETE', path));
  }

  @Delete()
  @AuditedAgentOperation('agent.environment.delete-all')
  async deleteAllEnvironmentVariables(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return relay(response, await this.agents.forward(principal, params.id, 'configure', 'DELETE', this.path(params)));
  }
}
