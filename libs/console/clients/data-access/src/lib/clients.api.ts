import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  Client,
  ClientWithSecret,
  CreateClientRequest,
  ListClientsQuery,
} from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';

export interface ClientPage {
  clients: Client[];
  total: number;
}

/** The clients routes of the controller's API, typed by the shared contracts. */
@Injectable({ providedIn: 'root' })
export class ClientsApi {
  private readonly http = inject(HttpClient);

  async list(query: Partial<ListClientsQuery>): Promise<ClientPage> {
    let params = new HttpParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params = params.set(key, String(value));
    }
    const response = await firstValueFrom(this.http.get<Client[]>('/api/clients', { params, observe: 'response' }));
    return { clients: response.body ?? [], total: Number(response.headers.get('x-total-count') ?? 0) };
  }

  create(request: CreateClientRequest): Promise<ClientWithSecret> {
    return firstValueFrom(this.http.post<ClientWithSecret>('/api/clients', request));
  }
}
