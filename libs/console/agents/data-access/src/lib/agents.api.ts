import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { CreateAgentRequest, UpdateAgentRequest } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

/** An agent as the remote describes it (contract §5 `AgentResponseDto`); the remote may add fields. */
export interface Agent {
  id: string;
  name: string;
  description?: string | null;
  agentType?: string;
  containerType?: string;
  git?: { repositoryUrl: string };
  createdAt?: string;
  updatedAt?: string;
}

/** What creation answers: the agent and its password, shown only this once (the controller keeps it for chat). */
export interface CreatedAgent extends Agent {
  password: string;
}

export type AgentAction = 'start' | 'stop' | 'restart';

/** The agents routes of one client (`/api/clients/:id/agents`), proxied by the controller to the remote. */
@Injectable({ providedIn: 'root' })
export class AgentsApi {
  private readonly http = inject(HttpClient);

  list(clientId: string, limit = 100, offset = 0): Promise<Agent[]> {
    const params = new HttpParams().set('limit', limit).set('offset', offset);
    return firstValueFrom(this.http.get<Agent[]>(apiPaths.agents.list(clientId), { params }));
  }

  get(clientId: string, agentId: string): Promise<Agent> {
    return firstValueFrom(this.http.get<Agent>(apiPaths.agents.one(clientId, agentId)));
  }

  create(clientId: string, request: CreateAgentRequest): Promise<CreatedAgent> {
    return firstValueFrom(this.http.post<CreatedAgent>(apiPaths.agents.list(clientId), request));
  }

  act(clientId: string, agentId: string, action: AgentAction): Promise<Agent> {
    return firstValueFrom(this.http.post<Agent>(`${apiPaths.agents.one(clientId, agentId)}/${action}`, {}));
  }

  /** Partial update (name, description, …): the remote answers the updated agent. */
  update(clientId: string, agentId: string, request: UpdateAgentRequest): Promise<Agent> {
    return firstValueFrom(this.http.post<Agent>(apiPaths.agents.one(clientId, agentId), request));
  }

  /** Stores the password of an agent created elsewhere, so the controller can log chat in to it. */
  storeCredentials(clientId: string, agentId: string, password: string): Promise<void> {
    return firstValueFrom(this.http.put<void>(`${apiPaths.agents.one(clientId, agentId)}/credentials`, { password }));
  }

  delete(clientId: string, agentId: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(apiPaths.agents.one(clientId, agentId)));
  }
}
