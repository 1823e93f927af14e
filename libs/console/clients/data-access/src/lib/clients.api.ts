import { HttpClient, HttpErrorResponse, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  AuditEvent,
  BulkClientRequest,
  BulkClientResponse,
  Client,
  ClientHealth,
  ClientConfig,
  ClientHealthEvent,
  ClientRole,
  ClientStatus,
  ClientUsage,
  ClientUser,
  ClientWithSecret,
  CreateClientRequest,
  ListClientsQuery,
  ProvisioningInfo,
  ServerOnDelete,
  UpdateClientRequest,
} from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';

export interface ClientPage {
  clients: Client[];
  total: number;
}

export interface VerifyResult {
  health: ClientHealth;
  config: ClientConfig | null;
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

  /** Saves changed fields; a changed connection setting is checked again before the answer. */
  update(id: string, request: UpdateClientRequest): Promise<Client> {
    return firstValueFrom(this.http.post<Client>(`/api/clients/${id}`, request));
  }

  get(id: string): Promise<Client> {
    return firstValueFrom(this.http.get<Client>(`/api/clients/${id}`));
  }

  /** `server` says what happens to the cloud server of a provisioned client (required for one, else 409). */
  remove(id: string, server?: ServerOnDelete): Promise<unknown> {
    const params = server ? new HttpParams().set('server', server) : undefined;
    return firstValueFrom(this.http.delete(`/api/clients/${id}`, { params }));
  }

  /** Where the client's cloud server is, when provisioning made one; null for any other client. */
  async provisioningInfo(id: string): Promise<ProvisioningInfo | null> {
    try {
      return await firstValueFrom(this.http.get<ProvisioningInfo>(`/api/clients/${id}/provisioning/info`));
    } catch (error) {
      if (error instanceof HttpErrorResponse && error.status === 404) return null;
      throw error;
    }
  }

  verify(id: string): Promise<VerifyResult> {
    return firstValueFrom(this.http.post<VerifyResult>(`/api/clients/${id}/verify`, {}));
  }

  /** Stores the remote's new key once the remote accepts it (409 KEY_NOT_ACCEPTED keeps the old one), or always with `force`. */
  rotateKey(id: string, apiKey: string, force = false): Promise<ClientWithSecret> {
    return firstValueFrom(this.http.post<ClientWithSecret>(`/api/clients/${id}/rotate-key`, { apiKey, force }));
  }

  setStatus(id: string, status: ClientStatus): Promise<Client> {
    return firstValueFrom(this.http.post<Client>(`/api/clients/${id}/status`, { status }));
  }

  healthHistory(id: string): Promise<ClientHealthEvent[]> {
    return firstValueFrom(this.http.get<ClientHealthEvent[]>(`/api/clients/${id}/health/history`));
  }

  usage(id: string): Promise<ClientUsage> {
    return firstValueFrom(this.http.get<ClientUsage>(`/api/clients/${id}/usage`));
  }

  users(id: string): Promise<ClientUser[]> {
    return firstValueFrom(this.http.get<ClientUser[]>(`/api/clients/${id}/users`));
  }

  addUser(id: string, email: string, role: ClientRole): Promise<ClientUser> {
    return firstValueFrom(this.http.post<ClientUser>(`/api/clients/${id}/users`, { email, role }));
  }

  updateUser(id: string, relationshipId: string, role: ClientRole): Promise<ClientUser> {
    return firstValueFrom(this.http.post<ClientUser>(`/api/clients/${id}/users/${relationshipId}`, { role }));
  }

  removeUser(id: string, relationshipId: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(`/api/clients/${id}/users/${relationshipId}`));
  }

  audit(targetId: string, limit = 50): Promise<AuditEvent[]> {
    const params = new HttpParams().set('targetId', targetId).set('limit', String(limit));
    return firstValueFrom(this.http.get<AuditEvent[]>('/api/audit', { params }));
  }

  bulk(request: BulkClientRequest): Promise<BulkClientResponse> {
    return firstValueFrom(this.http.post<BulkClientResponse>('/api/clients/bulk', request));
  }
}
