import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { CreateUserRequest, UpdateUserRequest, User } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';

export interface UsersPage {
  users: User[];
  total: number;
}

/** /api/users (global admins, users mode), typed by the shared contracts. */
@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly http = inject(HttpClient);

  async list(limit: number, offset: number): Promise<UsersPage> {
    const params = new HttpParams({ fromObject: { limit, offset } });
    const response = await firstValueFrom(this.http.get<User[]>('/api/users', { params, observe: 'response' }));
    return { users: response.body ?? [], total: Number(response.headers.get('x-total-count') ?? 0) };
  }

  create(request: CreateUserRequest): Promise<User> {
    return firstValueFrom(this.http.post<User>('/api/users', request));
  }

  update(id: string, request: UpdateUserRequest): Promise<User> {
    return firstValueFrom(this.http.post<User>(`/api/users/${encodeURIComponent(id)}`, request));
  }

  lock(id: string): Promise<User> {
    return firstValueFrom(this.http.post<User>(`/api/users/${encodeURIComponent(id)}/lock`, {}));
  }

  unlock(id: string): Promise<User> {
    return firstValueFrom(this.http.post<User>(`/api/users/${encodeURIComponent(id)}/unlock`, {}));
  }

  delete(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`/api/users/${encodeURIComponent(id)}`));
  }
}
