import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, IdParamsDto, RequestPrincipal } from '@agent-controller/core';
import {
  agentParamsSchema,
  createAgentRequestSchema,
  listAgentsQuerySchema,
  remoteAgentSchema,
  storeAgentCredentialsRequestSchema,
  updateAgentRequestSchema,
} from '@agent-controller/shared-contracts';
import type { Response } from 'express';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { AuditedAgentOperation } from './agent-audit';
import { relay } from './relay';
import { RemoteAgentsService } from './remote-agents.service';

class AgentParamsDto extends createZodDto(agentParamsSchema) {}
class ListAgentsQueryDto extends createZodDto(listAgentsQuerySchema) {}
class CreateAgentRequestDto extends createZodDto(createAgentRequestSchema) {}
class UpdateAgentRequestDto extends createZodDto(updateAgentRequestSchema) {}
class StoreAgentCredentialsRequestDto extends createZodDto(storeAgentCredentialsRequestSchema) {}

@ApiTags('agents')
@ApiBearerAuth()
@Controller('clients/:id/agents')
export class RemoteAgentsController {
  constructor(private readonly agents: RemoteAgentsService) {}

  @Get()
  @ApiOkResponse({ description: "The remote's agents (contract AgentResponseDto[]), newest first" })
  async listAgents(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Query() query: ListAgentsQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const search = new URLSearchParams({ limit: String(query.limit), offset: String(query.offset) });
    return relay(
      response,
      await this.agents.forward(principal, params.id, 'read', 'GET', `/agents?${search}`, undefined, {
        responseSchema: z.array(remoteAgentSchema),
      }),
    );
  }

  @Post()
  @AuditedAgentOperation('agent.create')
  @ApiOkResponse({ description: 'Created on the remote; `password` is shown only here and stored encrypted' })
  async createAgent(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: CreateAgentRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return relay(response, await this.agents.createAgent(principal, params.id, body));
  }

  @Get(':agentId')
  async getAgent(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return relay(
      response,
      await this.agents.forward(principal, params.id, 'read', 'GET', `/agents/${params.agentId}`, undefined, {
        responseSchema: remoteAgentSchema,
      }),
    );
  }

  @Post(':agentId')
  @AuditedAgentOperation('agent.update')
  async updateAgent(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: UpdateAgentRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return relay(
      response,
      await this.agents.forward(principal, params.id, 'configure', 'POST', `/agents/${params.agentId}`, body, {
        responseSchema: remoteAgentSchema,
      }),
    );
  }

  @Delete(':agentId')
  @AuditedAgentOperation('agent.delete')
  async deleteAgent(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return relay(response, await this.agents.deleteAgent(principal, params.id, params.agentId));
  }

  @Get(':agentId/models')
  async listAgentModels(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return relay(
      response,
      await this.agents.forward(principal, params.id, 'read', 'GET', `/agents/${params.agentId}/models`),
    );
  }

  @Post(':agentId/start')
  @AuditedAgentOperation('agent.start')
  async startAgent(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return relay(
      response,
      await this.agents.forward(principal, params.id, 'operate', 'POST', `/agents/${params.agentId}/start`),
    );
  }

  @Post(':agentId/stop')
  @AuditedAgentOperation('agent.stop')
  async stopAgent(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return relay(
      response,
      await this.agents.forward(principal, params.id, 'operate', 'POST', `/agents/${params.agentId}/stop`),
    );
  }

  @Post(':agentId/restart')
  @AuditedAgentOperation('agent.restart')
  async restartAgent(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return relay(
      response,
      await this.agents.forward(principal, params.id, 'operate', 'POST', `/agents/${params.agentId}/restart`),
    );
  }

  @Put(':agentId/credentials')
  @AuditedAgentOperation('agent.credentials.store')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'Stored encrypted for the gateway, once the remote has confirmed the agent exists (GET of the agent)',
  })
  @ApiNotFoundResponse({ description: '`NOT_FOUND` naming the agent when the remote does not have it; nothing stored' })
  async storeAgentCredentials(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Body() body: StoreAgentCredentialsRequestDto,
  ) {
    await this.agents.storeAgentCredentials(principal, params.id, params.agentId, body.password);
  }
}
