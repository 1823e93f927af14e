import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  JobStatus,
  Location,
  OrphanServer,
  Provider,
  ProviderType,
  ProvisioningJob,
  ProvisionRequest,
  ServerType,
} from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

export interface JobPage {
  jobs: ProvisioningJob[];
  total: number;
}

export interface JobsQuery {
  limit: number;
  offset: number;
  status?: JobStatus;
}

/** The provisioning routes of the controller's API, typed by the shared contracts. */
@Injectable({ providedIn: 'root' })
export class ProvisioningApi {
  private readonly http = inject(HttpClient);

  providers(): Promise<Provider[]> {
    return firstValueFrom(this.http.get<Provider[]>(apiPaths.provisioning.providers));
  }

  locations(type: ProviderType): Promise<Location[]> {
    return firstValueFrom(this.http.get<Location[]>(apiPaths.provisioning.locations(type)));
  }

  serverTypes(type: ProviderType, location?: string): Promise<ServerType[]> {
    const params = location ? new HttpParams().set('location', location) : undefined;
    return firstValueFrom(this.http.get<ServerType[]>(apiPaths.provisioning.serverTypes(type), { params }));
  }

  provision(request: ProvisionRequest): Promise<ProvisioningJob> {
    return firstValueFrom(this.http.post<ProvisioningJob>(apiPaths.provisioning.provision, request));
  }

  async jobs(query: JobsQuery): Promise<JobPage> {
    let params = new HttpParams().set('limit', query.limit).set('offset', query.offset);
    if (query.status) params = params.set('status', query.status);
    const response = await firstValueFrom(
      this.http.get<ProvisioningJob[]>(apiPaths.provisioning.jobs, { params, observe: 'response' }),
    );
    return { jobs: response.body ?? [], total: Number(response.headers.get('x-total-count') ?? 0) };
  }

  job(id: string): Promise<ProvisioningJob> {
    return firstValueFrom(this.http.get<ProvisioningJob>(apiPaths.provisioning.job(id)));
  }

  orphans(): Promise<OrphanServer[]> {
    return firstValueFrom(this.http.get<OrphanServer[]>(apiPaths.provisioning.orphans));
  }
}
