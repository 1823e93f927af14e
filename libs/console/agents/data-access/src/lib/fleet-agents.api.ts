import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Client, FleetAgent, FleetAgentType } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

export interface FleetAgentsPage {
  agents: FleetAgent[];
  total: number;
}

/** A client as the agents filter offers it. */
export type ClientOption = Pick<Client, 'id' | 'name'>;

/** How many clients the client filter offers (by name); more are reached by searching for the client's name. */
export const CLIENT_OPTIONS_LIMIT = 100;

/** `GET /api/agents` (the fleet's agents, from the stored snapshots) and what its filters offer. */
@Injectable({ providedIn: 'root' })
export class FleetAgentsApi {
  private readonly http = inject(HttpClient);

  async list(query: Record<string, string>): Promise<FleetAgentsPage> {
    const params = new HttpParams({ fromObject: query });
    const response = await firstValueFrom(
      this.http.get<FleetAgent[]>(apiPaths.agents.fleet, { params, observe: 'response' }),
    );
    return { agents: response.body ?? [], total: Number(response.headers.get('x-total-count') ?? 0) };
  }

  types(): Promise<FleetAgentType[]> {
    return firstValueFrom(this.http.get<FleetAgentType[]>(apiPaths.agents.fleetTypes));
  }

  async clients(): Promise<ClientOption[]> {
    const params = new HttpParams().set('limit', CLIENT_OPTIONS_LIMIT).set('sort', 'name');
    const clients = await firstValueFrom(this.http.get<Client[]>(apiPaths.clients.list, { params }));
    return clients.map(({ id, name }) => ({ id, name }));
  }
}
