import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { Client, ClientsSummary, HealthState, TopUsage, TopUsageOrder } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

/** A page of clients in one health state and how many share it. */
export interface ClientsInState {
  state: HealthState;
  clients: Client[];
  total: number;
}

/** The routes the fleet overview reads, typed by the shared contracts; none of them calls a remote. */
@Injectable({ providedIn: 'root' })
export class OverviewApi {
  private readonly http = inject(HttpClient);

  summary(): Promise<ClientsSummary> {
    return firstValueFrom(this.http.get<ClientsSummary>(apiPaths.clients.summary));
  }

  topUsage(by: TopUsageOrder, hours: number, limit: number): Promise<TopUsage> {
    const params = new HttpParams({ fromObject: { by, hours, limit } });
    return firstValueFrom(this.http.get<TopUsage>(apiPaths.clients.topUsage, { params }));
  }

  /** Active clients in `state`, the longest unseen first: inactive ones are never checked, so not failing. */
  async activeInState(state: HealthState, limit: number): Promise<ClientsInState> {
    const params = new HttpParams({ fromObject: { health: state, status: 'active', sort: 'lastSeen', limit } });
    const response = await firstValueFrom(
      this.http.get<Client[]>(apiPaths.clients.list, { params, observe: 'response' }),
    );
    return { state, clients: response.body ?? [], total: Number(response.headers.get('x-total-count') ?? 0) };
  }
}
