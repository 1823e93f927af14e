import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  CreateTeamRequest,
  Team,
  TeamMember,
  TeamRole,
  UpdateTeamRequest,
} from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

/** /api/teams and their members, typed by the shared contracts (users and keycloak modes; api-key mode has none). */
@Injectable({ providedIn: 'root' })
export class TeamsApi {
  private readonly http = inject(HttpClient);

  /** Every team for a global admin, else the caller's own, by name (not paged). */
  list(): Promise<Team[]> {
    return firstValueFrom(this.http.get<Team[]>(apiPaths.teams.list));
  }

  get(id: string): Promise<Team> {
    return firstValueFrom(this.http.get<Team>(apiPaths.teams.one(id)));
  }

  create(request: CreateTeamRequest): Promise<Team> {
    return firstValueFrom(this.http.post<Team>(apiPaths.teams.list, request));
  }

  update(id: string, request: UpdateTeamRequest): Promise<Team> {
    return firstValueFrom(this.http.patch<Team>(apiPaths.teams.one(id), request));
  }

  /** A team with clients is refused (409 TEAM_HAS_CLIENTS) unless `moveTo` names the team they move to first. */
  remove(id: string, moveTo?: string): Promise<unknown> {
    const params = moveTo ? new HttpParams().set('moveTo', moveTo) : undefined;
    return firstValueFrom(this.http.delete(apiPaths.teams.one(id), { params }));
  }

  members(id: string): Promise<TeamMember[]> {
    return firstValueFrom(this.http.get<TeamMember[]>(apiPaths.teams.members(id)));
  }

  addMember(id: string, email: string, role: TeamRole): Promise<TeamMember> {
    return firstValueFrom(this.http.post<TeamMember>(apiPaths.teams.members(id), { email, role }));
  }

  changeMemberRole(id: string, membershipId: string, role: TeamRole): Promise<TeamMember> {
    return firstValueFrom(this.http.post<TeamMember>(apiPaths.teams.member(id, membershipId), { role }));
  }

  removeMember(id: string, membershipId: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(apiPaths.teams.member(id, membershipId)));
  }
}
