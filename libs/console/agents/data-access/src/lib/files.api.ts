import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { FileContent, FileNode } from './agent-detail.types';
import { CreateFileRequest, WriteFileRequest } from './agent-requests.types';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

/** `files/<path>`: each segment encoded on its own, so the slashes stay path separators. */
function fileUrl(clientId: string, agentId: string, path: string): string {
  const segments = path.split('/').filter(Boolean).map(encodeURIComponent);
  return `${apiPaths.agents.one(clientId, agentId)}/files/${segments.join('/')}`;
}

/** `app` is the agent's workspace; `config` its configuration directory (management rights, DESIGN §4). */
export type FileContext = 'app' | 'config';

/** `app` is the controller's default and is left out, so the workspace URLs stay as they were. */
function contextParams(context: FileContext, params = new HttpParams()): HttpParams {
  return context === 'config' ? params.set('context', 'config') : params;
}

/** The files of an agent (workspace or configuration), proxied to the remote's container. */
@Injectable({ providedIn: 'root' })
export class FilesApi {
  private readonly http = inject(HttpClient);

  list(clientId: string, agentId: string, path: string, context: FileContext = 'app'): Promise<FileNode[]> {
    const params = contextParams(context, path ? new HttpParams().set('path', path) : undefined);
    return firstValueFrom(this.http.get<FileNode[]>(`${apiPaths.agents.one(clientId, agentId)}/files`, { params }));
  }

  read(clientId: string, agentId: string, path: string, context: FileContext = 'app'): Promise<FileContent> {
    const params = contextParams(context);
    return firstValueFrom(this.http.get<FileContent>(fileUrl(clientId, agentId, path), { params }));
  }

  write(
    clientId: string,
    agentId: string,
    path: string,
    body: WriteFileRequest,
    context: FileContext = 'app',
  ): Promise<unknown> {
    const params = contextParams(context);
    return firstValueFrom(this.http.put(fileUrl(clientId, agentId, path), body, { params }));
  }

  create(
    clientId: string,
    agentId: string,
    path: string,
    body: CreateFileRequest,
    context: FileContext = 'app',
  ): Promise<unknown> {
    const params = contextParams(context);
    return firstValueFrom(this.http.post(fileUrl(clientId, agentId, path), body, { params }));
  }

  move(
    clientId: string,
    agentId: string,
    path: string,
    destination: string,
    context: FileContext = 'app',
  ): Promise<unknown> {
    const params = contextParams(context);
    return firstValueFrom(this.http.patch(fileUrl(clientId, agentId, path), { destination }, { params }));
  }

  delete(clientId: string, agentId: string, path: string, context: FileContext = 'app'): Promise<unknown> {
    const params = contextParams(context);
    return firstValueFrom(this.http.delete(fileUrl(clientId, agentId, path), { params }));
  }
}
