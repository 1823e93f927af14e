import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { FileContent, FileNode } from './agent-detail.types';
import { agentUrl, CreateFileRequest, WriteFileRequest } from './agent-requests.types';

/** `files/<path>`: each segment encoded on its own, so the slashes stay path separators. */
function fileUrl(clientId: string, agentId: string, path: string): string {
  const segments = path.split('/').filter(Boolean).map(encodeURIComponent);
  return `${agentUrl(clientId, agentId)}/files/${segments.join('/')}`;
}

/** The files of an agent's workspace (the `app` context), proxied to the remote's container. */
@Injectable({ providedIn: 'root' })
export class FilesApi {
  private readonly http = inject(HttpClient);

  list(clientId: string, agentId: string, path: string): Promise<FileNode[]> {
    const params = path ? new HttpParams().set('path', path) : undefined;
    return firstValueFrom(this.http.get<FileNode[]>(`${agentUrl(clientId, agentId)}/files`, { params }));
  }

  read(clientId: string, agentId: string, path: string): Promise<FileContent> {
    return firstValueFrom(this.http.get<FileContent>(fileUrl(clientId, agentId, path)));
  }

  write(clientId: string, agentId: string, path: string, body: WriteFileRequest): Promise<unknown> {
    return firstValueFrom(this.http.put(fileUrl(clientId, agentId, path), body));
  }

  create(clientId: string, agentId: string, path: string, body: CreateFileRequest): Promise<unknown> {
    return firstValueFrom(this.http.post(fileUrl(clientId, agentId, path), body));
  }

  move(clientId: string, agentId: string, path: string, destination: string): Promise<unknown> {
    return firstValueFrom(this.http.patch(fileUrl(clientId, agentId, path), { destination }));
  }

  delete(clientId: string, agentId: string, path: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(fileUrl(clientId, agentId, path)));
  }
}
