import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { VcsBranch, VcsDiff, VcsStatus } from './agent-detail.types';
import { VcsCreateBranchRequest, VcsResolveConflictRequest } from './agent-requests.types';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

/** Git in an agent's workspace (`…/vcs/*`), proxied to the remote. */
@Injectable({ providedIn: 'root' })
export class GitApi {
  private readonly http = inject(HttpClient);

  status(clientId: string, agentId: string): Promise<VcsStatus> {
    return firstValueFrom(this.http.get<VcsStatus>(`${apiPaths.agents.one(clientId, agentId)}/vcs/status`));
  }

  branches(clientId: string, agentId: string): Promise<VcsBranch[]> {
    return firstValueFrom(this.http.get<VcsBranch[]>(`${apiPaths.agents.one(clientId, agentId)}/vcs/branches`));
  }

  diff(clientId: string, agentId: string, path: string): Promise<VcsDiff> {
    const params = new HttpParams().set('path', path);
    return firstValueFrom(this.http.get<VcsDiff>(`${apiPaths.agents.one(clientId, agentId)}/vcs/diff`, { params }));
  }

  stage(clientId: string, agentId: string, files: string[]): Promise<unknown> {
    return this.post(clientId, agentId, 'stage', { files });
  }

  unstage(clientId: string, agentId: string, files: string[]): Promise<unknown> {
    return this.post(clientId, agentId, 'unstage', { files });
  }

  commit(clientId: string, agentId: string, message: string): Promise<unknown> {
    return this.post(clientId, agentId, 'commit', { message });
  }

  push(clientId: string, agentId: string): Promise<unknown> {
    return this.post(clientId, agentId, 'push', {});
  }

  pull(clientId: string, agentId: string): Promise<unknown> {
    return this.post(clientId, agentId, 'pull', {});
  }

  createBranch(clientId: string, agentId: string, body: VcsCreateBranchRequest): Promise<unknown> {
    return this.post(clientId, agentId, 'branches', body);
  }

  switchBranch(clientId: string, agentId: string, branch: string): Promise<unknown> {
    return this.post(clientId, agentId, `branches/${encodeURIComponent(branch)}/switch`, {});
  }

  fetch(clientId: string, agentId: string): Promise<unknown> {
    return this.post(clientId, agentId, 'fetch', {});
  }

  rebase(clientId: string, agentId: string, branch: string): Promise<unknown> {
    return this.post(clientId, agentId, 'rebase', { branch });
  }

  deleteBranch(clientId: string, agentId: string, branch: string): Promise<unknown> {
    return firstValueFrom(
      this.http.delete(`${apiPaths.agents.one(clientId, agentId)}/vcs/branches/${encodeURIComponent(branch)}`),
    );
  }

  resolveConflict(clientId: string, agentId: string, body: VcsResolveConflictRequest): Promise<unknown> {
    return this.post(clientId, agentId, 'conflicts/resolve', body);
  }

  prepareCleanWorkspace(clientId: string, agentId: string, baseBranch: string): Promise<unknown> {
    return this.post(clientId, agentId, 'workspace/prepare-clean', { baseBranch });
  }

  private post(clientId: string, agentId: string, action: string, body: unknown): Promise<unknown> {
    return firstValueFrom(this.http.post(`${apiPaths.agents.one(clientId, agentId)}/vcs/${action}`, body));
  }
}
