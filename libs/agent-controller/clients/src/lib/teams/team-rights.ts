import { DomainError, RequestPrincipal } from '@agent-controller/core';
import { TeamRole } from '@agent-controller/shared-contracts';

/** A field of the request that names a team, for errors that point at it. */
export interface TeamField {
  field: string;
  location: 'body' | 'query';
}

export const noSuchTeam = ({ field, location }: TeamField) =>
  new DomainError('NOT_FOUND', 'No such team', { fields: [{ field, location, message: 'no such team' }] });

/**
 * What a caller may do with teams: global admins (and the API-key holder) everything, others by their role in each
 * team. Read once per request from the caller's memberships.
 */
export class TeamRights {
  constructor(
    private readonly principal: RequestPrincipal,
    private readonly roles: ReadonlyMap<string, TeamRole>,
  ) {}

  get isGlobalAdmin(): boolean {
    return this.principal.isGlobalAdmin;
  }

  roleIn(teamId: string): TeamRole | null {
    return this.roles.get(teamId) ?? null;
  }

  /** The teams the caller is an admin of (by membership; a global admin's rights need no list). */
  adminTeamIds(): string[] {
    return [...this.roles].flatMap(([teamId, role]) => (role === 'admin' ? [teamId] : []));
  }

  /** Whether the caller sees the team (a global admin every one, others those they belong to). */
  sees(teamId: string): boolean {
    return this.isGlobalAdmin || this.roles.has(teamId);
  }

  /** Whether the caller may put clients in (or take them out of) the team; "no team" needs no right. */
  administers(teamId: string | null): boolean {
    return teamId === null || this.isGlobalAdmin || this.roles.get(teamId) === 'admin';
  }

  /** Moving a client from one team to another needs admin rights on both (DESIGN §4, teams). */
  mayMove(from: string | null, to: string | null): boolean {
    return this.administers(from) && this.administers(to);
  }

  /** Refuses a move the caller may not make (403 naming the field). */
  assertMayMove(from: string | null, to: string | null, where: TeamField): void {
    if (this.mayMove(from, to)) return;
    const which = this.administers(to) ? 'its current team' : 'that team';
    throw new DomainError('FORBIDDEN', `Only a global admin or an admin of ${which} may move a client so`, {
      fields: [{ ...where, message: `you are not an admin of ${which}` }],
    });
  }
}
