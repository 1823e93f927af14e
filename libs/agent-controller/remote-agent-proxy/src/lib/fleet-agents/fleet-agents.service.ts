import { Injectable } from '@nestjs/common';
import { ClientAccessPolicy } from '@agent-controller/clients';
import { RequestPrincipal } from '@agent-controller/core';
import { FleetAgent, FleetAgentType, ListFleetAgentsQuery } from '@agent-controller/shared-contracts';
import { AgentSnapshotsRepository, FleetAgentRow } from './agent-snapshots.repository';

export function toFleetAgentResponse(row: FleetAgentRow): FleetAgent {
  return {
    id: row.agentId,
    name: row.name,
    description: row.description,
    agentType: row.agentType,
    containerType: row.containerType,
    running: row.running,
    stateReportedAt: row.stateReportedAt?.toISOString() ?? null,
    createdAt: row.remoteCreatedAt?.toISOString() ?? null,
    client: { id: row.clientId, name: row.clientName },
    snapshotAt: row.snapshotAt.toISOString(),
  };
}

/** The fleet's agents from the stored snapshots, limited to the clients the caller may see (as the clients list). */
@Injectable()
export class FleetAgentsService {
  constructor(
    private readonly policy: ClientAccessPolicy,
    private readonly snapshots: AgentSnapshotsRepository,
  ) {}

  async listAgents(principal: RequestPrincipal, query: ListFleetAgentsQuery): Promise<[FleetAgent[], number]> {
    const [rows, total] = await this.snapshots.findPage(this.policy.visibility(principal), query);
    return [rows.map(toFleetAgentResponse), total];
  }

  listAgentTypes(principal: RequestPrincipal): Promise<FleetAgentType[]> {
    return this.snapshots.countTypes(this.policy.visibility(principal));
  }
}
