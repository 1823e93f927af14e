import { Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, IdParamsDto, RequestPrincipal } from '@agent-controller/core';
import { AgentAutonomyService } from './agent-autonomy.service';
import { AgentParamsDto } from './proxied-routes';

const WHY =
  "Kept for Agenstra's console, which asks for settings of Agenstra's autonomous ticket runs; this controller has " +
  'no such runs, so it answers as Agenstra does when none are set.';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('clients/:id')
export class AgentAutonomyController {
  constructor(private readonly autonomy: AgentAutonomyService) {}

  @Get('agent-autonomy/enabled-agent-ids')
  @ApiOperation({ summary: 'Agents with autonomy enabled (always none)', description: WHY })
  @ApiOkResponse({ description: '`{agentIds: []}`' })
  listEnabledAutonomyAgentIds(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: IdParamsDto) {
    return this.autonomy.listEnabledAgentIds(principal, params.id);
  }

  @Get('agents/:agentId/autonomy')
  @ApiOperation({ summary: "An agent's autonomy settings (never any)", description: WHY })
  @ApiNotFoundResponse({ description: '`NOT_FOUND`: the agent has no autonomy settings' })
  getAgentAutonomy(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: AgentParamsDto) {
    return this.autonomy.getSettings(principal, params.id, params.agentId);
  }

  @Put('agents/:agentId/autonomy')
  @ApiOperation({
    summary: "Save an agent's autonomy settings (not supported)",
    description: `${WHY} 501 NOT_SUPPORTED`,
  })
  putAgentAutonomy(@CurrentPrincipal() principal: RequestPrincipal, @Param() params: AgentParamsDto) {
    return this.autonomy.saveSettings(principal, params.id);
  }
}
