import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { CreateUserRequest, UpdateUserRequest, User } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

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
    const response = await firstValueFrom(this.http.get<User[]>(apiPaths.users.list, { params, observe: 'response' }));
    return { users: response.body ?? [], total: Number(response.headers.get('x-total-count') ?? 0) };
  }

  create(request: CreateUserRequest): Promise<User> {
    return firstValueFrom(this.http.post<User>(apiPaths.users.list, request));
  }

  update(id: string, request: UpdateUserRequest): Promise<User> {
    return firstValueFrom(this.http.post<User>(apiPaths.users.one(id), request));
  }

  lock(id: string): Promise<User> {
    return firstValueFrom(this.http.post<User>(apiPaths.users.lock(id), {}));
  }

  unlock(id: string): Promise<User> {
    return firstValueFrom(this.http.post<User>(apiPaths.users.unlock(id), {}));
  }

  delete(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(apiPaths.users.one(id)));
  }
}
