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
  ClientHealthStrips,
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
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

export interface ClientPage {
  clients: Client[];
  total: number;
}

export interface VerifyResult {
  health: ClientHealth;
  config: ClientConfig | null;
}

/** GET /api/clients's parameters for `query`, unset values left out. */
function clientsListParams(query: Partial<ListClientsQuery>): HttpParams {
  let params = new HttpParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params = params.set(key, String(value));
  }
  return params;
}

/** The URL `list(query)` asks for, spelt as its request's `urlWithParams` (so an early request finds it). */
export function clientsListUrl(query: Partial<ListClientsQuery>): string {
  const search = clientsListParams(query).toString();
  return search ? `${apiPaths.clients.list}?${search}` : apiPaths.clients.list;
}

/** The clients routes of the controller's API, typed by the shared contracts. */
@Injectable({ providedIn: 'root' })
export class ClientsApi {
  private readonly http = inject(HttpClient);

  async list(query: Partial<ListClientsQuery>): Promise<ClientPage> {
    const response = await firstValueFrom(
      this.http.get<Client[]>(apiPaths.clients.list, { params: clientsListParams(query), observe: 'response' }),
    );
    return { clients: response.body ?? [], total: Number(response.headers.get('x-total-count') ?? 0) };
  }

  create(request: CreateClientRequest): Promise<ClientWithSecret> {
    return firstValueFrom(this.http.post<ClientWithSecret>(apiPaths.clients.list, request));
  }

  /** Saves changed fields; a changed connection setting is checked again before the answer. */
  update(id: string, request: UpdateClientRequest): Promise<Client> {
    return firstValueFrom(this.http.post<Client>(apiPaths.clients.one(id), request));
  }

  get(id: string): Promise<Client> {
    return firstValueFrom(this.http.get<Client>(apiPaths.clients.one(id)));
  }

  /** `server` says what happens to the cloud server of a provisioned client (required for one, else 409). */
  remove(id: string, server?: ServerOnDelete): Promise<unknown> {
    const params = server ? new HttpParams().set('server', server) : undefined;
    return firstValueFrom(this.http.delete(apiPaths.clients.one(id), { params }));
  }

  /** Where the client's cloud server is, when provisioning made one; null for any other client. */
  async provisioningInfo(id: string): Promise<ProvisioningInfo | null> {
    try {
      return await firstValueFrom(this.http.get<ProvisioningInfo>(apiPaths.clients.provisioningInfo(id)));
    } catch (error) {
      if (error instanceof HttpErrorResponse && error.status === 404) return null;
      throw error;
    }
  }

  verify(id: string): Promise<VerifyResult> {
    return firstValueFrom(this.http.post<VerifyResult>(apiPaths.clients.verify(id), {}));
  }

  /** Stores the remote's new key once the remote accepts it (409 KEY_NOT_ACCEPTED keeps the old one), or always with `force`. */
  rotateKey(id: string, apiKey: string, force = false): Promise<ClientWithSecret> {
    return firstValueFrom(this.http.post<ClientWithSecret>(apiPaths.clients.rotateKey(id), { apiKey, force }));
  }

  setStatus(id: string, status: ClientStatus): Promise<Client> {
    return firstValueFrom(this.http.post<Client>(apiPaths.clients.status(id), { status }));
  }

  healthHistory(id: string): Promise<ClientHealthEvent[]> {
    return firstValueFrom(this.http.get<ClientHealthEvent[]>(apiPaths.clients.healthHistory(id)));
  }

  /** The last 24 hours of health of a page of clients, in one request. */
  healthStrips(ids: string[]): Promise<ClientHealthStrips> {
    const params = new HttpParams().set('ids', ids.join(','));
    return firstValueFrom(this.http.get<ClientHealthStrips>(apiPaths.clients.healthStrips, { params }));
  }

  usage(id: string): Promise<ClientUsage> {
    return firstValueFrom(this.http.get<ClientUsage>(apiPaths.clients.usage(id)));
  }

  /** The members with the creator first: the console derives the caller's relation from this list. */
  users(id: string): Promise<ClientUser[]> {
    return firstValueFrom(this.http.get<ClientUser[]>(apiPaths.clients.users(id), { params: { include: 'creator' } }));
  }

  addUser(id: string, email: string, role: ClientRole): Promise<ClientUser> {
    return firstValueFrom(this.http.post<ClientUser>(apiPaths.clients.users(id), { email, role }));
  }

  updateUser(id: string, relationshipId: string, role: ClientRole): Promise<ClientUser> {
    return firstValueFrom(this.http.post<ClientUser>(apiPaths.clients.user(id, relationshipId), { role }));
  }

  removeUser(id: string, relationshipId: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(apiPaths.clients.user(id, relationshipId)));
  }

  audit(targetId: string, limit = 50): Promise<AuditEvent[]> {
    const params = new HttpParams().set('targetId', targetId).set('limit', String(limit));
    return firstValueFrom(this.http.get<AuditEvent[]>(apiPaths.audit, { params }));
  }

  bulk(request: BulkClientRequest): Promise<BulkClientResponse> {
    return firstValueFrom(this.http.post<BulkClientResponse>(apiPaths.clients.bulk, request));
  }
}
