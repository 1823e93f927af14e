import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { EnvironmentVariable } from './agent-detail.types';
import { EnvironmentVariableRequest } from './agent-requests.types';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

/** An agent's environment variables (`…/environment`), proxied to the remote. */
@Injectable({ providedIn: 'root' })
export class EnvironmentApi {
  private readonly http = inject(HttpClient);

  list(clientId: string, agentId: string, limit = 1000): Promise<EnvironmentVariable[]> {
    const params = new HttpParams().set('limit', limit).set('offset', 0);
    return firstValueFrom(
      this.http.get<EnvironmentVariable[]>(`${apiPaths.agents.one(clientId, agentId)}/environment`, { params }),
    );
  }

  create(clientId: string, agentId: string, body: EnvironmentVariableRequest): Promise<EnvironmentVariable> {
    return firstValueFrom(
      this.http.post<EnvironmentVariable>(`${apiPaths.agents.one(clientId, agentId)}/environment`, body),
    );
  }

  update(
    clientId: string,
    agentId: string,
    id: string,
    body: EnvironmentVariableRequest,
  ): Promise<EnvironmentVariable> {
    const url = `${apiPaths.agents.one(clientId, agentId)}/environment/${encodeURIComponent(id)}`;
    return firstValueFrom(this.http.put<EnvironmentVariable>(url, body));
  }

  delete(clientId: string, agentId: string, id: string): Promise<unknown> {
    return firstValueFrom(
      this.http.delete(`${apiPaths.agents.one(clientId, agentId)}/environment/${encodeURIComponent(id)}`),
    );
  }

  deleteAll(clientId: string, agentId: string): Promise<{ deletedCount?: number } | null> {
    return firstValueFrom(
      this.http.delete<{ deletedCount?: number } | null>(`${apiPaths.agents.one(clientId, agentId)}/environment`),
    );
  }
}
