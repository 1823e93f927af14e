import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { ApiToken, CreateApiTokenRequest, CreatedApiToken, Team } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

/** /api/tokens (users and keycloak modes; api-key mode has none), typed by the shared contracts. */
@Injectable({ providedIn: 'root' })
export class TokensApi {
  private readonly http = inject(HttpClient);

  /** The caller's tokens (a global admin's: everyone's), newest first, not paged. */
  list(): Promise<ApiToken[]> {
    return firstValueFrom(this.http.get<ApiToken[]>(apiPaths.tokens.list));
  }

  /** The answer carries the token itself, the only time it is shown. */
  create(request: CreateApiTokenRequest): Promise<CreatedApiToken> {
    return firstValueFrom(this.http.post<CreatedApiToken>(apiPaths.tokens.list, request));
  }

  /** Revokes at once (204; revoking again is a no-op). */
  revoke(id: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(apiPaths.tokens.one(id)));
  }

  /** The teams a token may be narrowed to: every team for a global admin, else the caller's own. */
  teams(): Promise<Team[]> {
    return firstValueFrom(this.http.get<Team[]>(apiPaths.teams.list));
  }
}
