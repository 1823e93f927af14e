import { Body, Delete, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { CurrentPrincipal, IdParamsDto, RequestPrincipal } from '@agent-controller/core';
import { createAgentRequestSchema, storeAgentCredentialsRequestSchema } from '@agent-controller/shared-contracts';
import type { Response } from 'express';
import { createZodDto } from 'nestjs-zod';
import { AuditedAgentOperation } from './agent-audit';
import { AgentParamsDto, PROXIED_ROUTES } from './proxied-routes';
import { proxyController } from './proxy-controllers';
import { relay } from './relay';

class CreateAgentRequestDto extends createZodDto(createAgentRequestSchema) {}
class StoreAgentCredentialsRequestDto extends createZodDto(storeAgentCredentialsRequestSchema) {}

/** The agents themselves: the table's routes, and the three that also keep or drop the agent's stored password. */
export class RemoteAgentsController extends proxyController(PROXIED_ROUTES.agents) {
  @Post('agents')
  @AuditedAgentOperation('agent.create')
  @ApiOkResponse({ description: 'Created on the remote; `password` is shown only here and stored encrypted' })
  async createAgent(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: IdParamsDto,
    @Body() body: CreateAgentRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const created = await this.agents.createAgent(principal, params.id, body);
    // Parsed, not relayed as text: the audit row takes the new agent's id from it.
    response.status(created.status);
    return created.body;
  }

  @Delete('agents/:agentId')
  @AuditedAgentOperation('agent.delete')
  async deleteAgent(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param() params: AgentParamsDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return relay(response, await this.agents.deleteAgent(principal, params));
  }

  @Put('agents/:agentId/credentials')
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
    await this.agents.storeAgentCredentials(principal, params, body.password);
  }
}
