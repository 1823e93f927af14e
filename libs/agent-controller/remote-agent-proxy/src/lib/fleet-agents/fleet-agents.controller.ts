import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequestPrincipal, withTotalCount } from '@agent-controller/core';
import {
  FLEET_AGENTS_PER_CLIENT_MAX,
  fleetAgentSchema,
  fleetAgentTypeSchema,
  listFleetAgentsQuerySchema,
} from '@agent-controller/shared-contracts';
import type { Response } from 'express';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { FleetAgentsService } from './fleet-agents.service';

class FleetAgentDto extends createZodDto(fleetAgentSchema) {}
class FleetAgentTypeDto extends createZodDto(fleetAgentTypeSchema) {}
class ListFleetAgentsQueryDto extends createZodDto(listFleetAgentsQuerySchema) {}

/** Every agent of the fleet, from the snapshots the health prober keeps; never calls a remote. */
@ApiTags('agents')
@ApiBearerAuth()
@Controller('agents')
export class FleetAgentsController {
  constructor(private readonly agents: FleetAgentsService) {}

  @Get()
  @ApiOperation({
    summary: 'Agents of every client',
    description:
      'The agents of the clients the caller may see, as their remotes listed them at `snapshotAt`: the health ' +
      "prober fetches each healthy client's agents once per health interval (up to " +
      `${FLEET_AGENTS_PER_CLIENT_MAX} per client). A remote that stops answering keeps its last snapshot, with ` +
      'its time. Ordered by agent name.',
  })
  @ApiHeader({ name: 'X-Total-Count', description: 'Total number of matching agents' })
  @ZodResponse({ status: 200, type: [FleetAgentDto] })
  async listFleetAgents(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Query() query: ListFleetAgentsQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    return withTotalCount(response, await this.agents.listAgents(principal, query));
  }

  @Get('types')
  @ApiOperation({ summary: 'Agent types in the fleet', description: 'With how many agents of each the caller may see' })
  @ZodResponse({ status: 200, type: [FleetAgentTypeDto] })
  listFleetAgentTypes(@CurrentPrincipal() principal: RequestPrincipal) {
    return this.agents.listAgentTypes(principal);
  }
}
