import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { DeploymentConfiguration, DeploymentJob, DeploymentRun, DeploymentWorkflow } from './agent-detail.types';
import { DeploymentConfigurationRequest, TriggerWorkflowRequest } from './agent-requests.types';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

/** An agent's CI deployments (`…/deployments/*`), proxied to the remote and from there to GitHub/GitLab. */
@Injectable({ providedIn: 'root' })
export class DeploymentsApi {
  private readonly http = inject(HttpClient);

  /** `null` when none is configured: the remote answers 200 with an empty body. */
  configuration(clientId: string, agentId: string): Promise<DeploymentConfiguration | null> {
    return firstValueFrom(
      this.http.get<DeploymentConfiguration | null>(`${this.base(clientId, agentId)}/configuration`),
    );
  }

  /** Creates or updates (the remote upserts); the token is write-only and never read back. */
  saveConfiguration(
    clientId: string,
    agentId: string,
    body: DeploymentConfigurationRequest,
  ): Promise<DeploymentConfiguration> {
    return firstValueFrom(
      this.http.post<DeploymentConfiguration>(`${this.base(clientId, agentId)}/configuration`, body),
    );
  }

  deleteConfiguration(clientId: string, agentId: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(`${this.base(clientId, agentId)}/configuration`));
  }

  workflows(clientId: string, agentId: string, repositoryId: string, branch?: string): Promise<DeploymentWorkflow[]> {
    const params = branch ? new HttpParams().set('branch', branch) : undefined;
    const url = `${this.base(clientId, agentId)}/repositories/${encodeURIComponent(repositoryId)}/workflows`;
    return firstValueFrom(this.http.get<DeploymentWorkflow[]>(url, { params }));
  }

  trigger(clientId: string, agentId: string, body: TriggerWorkflowRequest): Promise<DeploymentRun> {
    return firstValueFrom(this.http.post<DeploymentRun>(`${this.base(clientId, agentId)}/workflows/trigger`, body));
  }

  runs(clientId: string, agentId: string, limit = 20): Promise<DeploymentRun[]> {
    const params = new HttpParams().set('limit', limit).set('offset', 0);
    return firstValueFrom(this.http.get<DeploymentRun[]>(`${this.base(clientId, agentId)}/runs`, { params }));
  }

  run(clientId: string, agentId: string, runId: string): Promise<DeploymentRun> {
    return firstValueFrom(this.http.get<DeploymentRun>(this.runUrl(clientId, agentId, runId)));
  }

  jobs(clientId: string, agentId: string, runId: string): Promise<DeploymentJob[]> {
    return firstValueFrom(this.http.get<DeploymentJob[]>(`${this.runUrl(clientId, agentId, runId)}/jobs`));
  }

  logs(clientId: string, agentId: string, runId: string): Promise<{ logs: string }> {
    return firstValueFrom(this.http.get<{ logs: string }>(`${this.runUrl(clientId, agentId, runId)}/logs`));
  }

  jobLogs(clientId: string, agentId: string, runId: string, jobId: string): Promise<{ logs: string }> {
    const url = `${this.runUrl(clientId, agentId, runId)}/jobs/${encodeURIComponent(jobId)}/logs`;
    return firstValueFrom(this.http.get<{ logs: string }>(url));
  }

  cancel(clientId: string, agentId: string, runId: string): Promise<unknown> {
    return firstValueFrom(this.http.post(`${this.runUrl(clientId, agentId, runId)}/cancel`, {}));
  }

  private base(clientId: string, agentId: string): string {
    return `${apiPaths.agents.one(clientId, agentId)}/deployments`;
  }

  private runUrl(clientId: string, agentId: string, runId: string): string {
    return `${this.base(clientId, agentId)}/runs/${encodeURIComponent(runId)}`;
  }
}
