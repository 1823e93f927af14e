import { Inject, Injectable } from '@nestjs/common';
import { EndpointPolicy } from '@agent-controller/agent-manager-client';
import { AuditService, diffFields } from '@agent-controller/audit';
import { UsersRepository } from '@agent-controller/auth';
import { AppConfig, appConfig, DomainError, FleetEvents, RequestPrincipal } from '@agent-controller/core';
import { isUniqueViolation } from '@agent-controller/database';
import {
  AddTeamMemberRequest,
  CreateTeamRequest,
  Team,
  TeamDefaults,
  TeamMember,
  TeamRole,
  UpdateTeamRequest,
} from '@agent-controller/shared-contracts';
import { EntityManager } from 'typeorm';
import { canonicalLabels } from '../client-labels';
import { TeamMemberEntity } from './team-member.entity';
import { noSuchTeam, TeamRights } from './team-rights';
import { TeamEntity } from './team.entity';
import { TeamRow, TeamsRepository } from './teams.repository';

const AUDITED_FIELDS = [
  'name',
  'description',
  'defaultAgentWsPort',
  'defaultKeycloakRealm',
  'defaultKeycloakAuthServerUrl',
  'defaultLabels',
] as const;

/** Up to this many clients of a team are told one by one when a member joins or leaves (see membershipChanged). */
const LIVE_ROWS_LIMIT = 500;

const teamNotFound = () => new DomainError('NOT_FOUND', 'Team not found');
const memberNotFound = () => new DomainError('NOT_FOUND', 'Membership not found');
const nameTaken = () =>
  new DomainError('NAME_TAKEN', 'A team with this name already exists', {
    fields: [{ field: 'name', location: 'body', message: 'already in use (names are case-insensitive)' }],
  });
const onlyGlobalAdmins = (what: string) => new DomainError('FORBIDDEN', `Only global admins ${what}`);

/**
 * Teams and their members (modes `users` and `keycloak`; in api-key mode there are no users to put in teams).
 * Global admins create, change and delete teams and appoint team admins; a team admin changes the team's details
 * and adds or removes members (not admins), as a client admin does for client users. A membership change is told
 * on the event bus after its commit, so caches drop and open links of that user are checked again at once.
 */
@Injectable()
export class TeamsService {
  constructor(
    private readonly teams: TeamsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly endpoints: EndpointPolicy,
    private readonly events: FleetEvents,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  /** What the caller may do with teams, read from their memberships (inside `manager`'s transaction when given). */
  async rightsOf(principal: RequestPrincipal, manager?: EntityManager): Promise<TeamRights> {
    const roles =
      principal.userId === null ? new Map<string, TeamRole>() : await this.teams.rolesOf(principal.userId, manager);
    return new TeamRights(principal, roles);
  }

  /** The team `teamId` names in a request, when the caller may see it; else 404 naming the field. */
  async findVisible(
    rights: TeamRights,
    teamId: string,
    where: { field: string; location: 'body' | 'query' },
    manager?: EntityManager,
  ): Promise<TeamEntity> {
    const team = rights.sees(teamId) ? await this.teams.findById(teamId, manager) : null;
    if (!team) throw noSuchTeam(where);
    return team;
  }

  /** Teams by id (those that exist), for a bulk run that reads their defaults. */
  findTeams(ids: string[]): Promise<TeamEntity[]> {
    return this.teams.findManyById(ids);
  }

  /** Every team for global admins, else the caller's own; by name. In api-key mode there are none. */
  async listTeams(principal: RequestPrincipal): Promise<Team[]> {
    if (this.config.auth.method === 'api-key') return [];
    const rights = await this.rightsOf(principal);
    const rows = await this.teams.list(principal.isGlobalAdmin ? null : principal.userId);
    return rows.map((row) => toTeamResponse(row, rights));
  }

  async getTeam(principal: RequestPrincipal, id: string): Promise<Team> {
    this.requireUserMode();
    const rights = await this.rightsOf(principal);
    return this.teamResponse(rights, id);
  }

  async createTeam(principal: RequestPrincipal, request: CreateTeamRequest): Promise<Team> {
    this.requireUserMode();
    if (!principal.isGlobalAdmin) throw onlyGlobalAdmins('create teams');
    const defaults = await this.checkDefaults(request.defaults);
    const created = await this.inTransaction(async (manager) => {
      const team = await this.teams.insert(
        { name: request.name, description: request.description ?? null, ...defaults },
        manager,
      );
      await this.audit.record(
        {
          action: 'team.create',
          targetType: 'team',
          targetId: team.id,
          changes: diffFields(null, team, AUDITED_FIELDS),
        },
        manager,
      );
      return team;
    });
    return toTeamResponse({ team: created, clientCount: 0, memberCount: 0 }, await this.rightsOf(principal));
  }

  /** A global admin or an admin of the team changes its name, description and defaults. */
  async updateTeam(principal: RequestPrincipal, id: string, request: UpdateTeamRequest): Promise<Team> {
    this.requireUserMode();
    const defaults = request.defaults === undefined ? undefined : await this.checkDefaults(request.defaults);
    await this.inTransaction(async (manager) => {
      const rights = await this.rightsOf(principal, manager);
      const team = await this.lockVisible(rights, id, manager);
      if (!rights.administers(id))
        throw new DomainError('FORBIDDEN', 'Only a global admin or a team admin may change the team');
      const before = { ...team, defaultLabels: canonicalLabels(team.defaultLabels) };
      if (request.name !== undefined) team.name = request.name;
      if (request.description !== undefined) team.description = request.description;
      if (defaults) Object.assign(team, defaults);
      const saved = await this.teams.save(team, manager);
      const changes = diffFields(
        before,
        { ...saved, defaultLabels: canonicalLabels(saved.defaultLabels) },
        AUDITED_FIELDS,
      );
      if (Object.keys(changes).length > 0) {
        await this.audit.record({ action: 'team.update', targetType: 'team', targetId: id, changes }, manager);
      }
    });
    return this.teamResponse(await this.rightsOf(principal), id);
  }

  /**
   * Deletes a team (global admins). A team with clients is 409 TEAM_HAS_CLIENTS unless `moveTo` names the team they
   * move to first (audited per client); its memberships go with it.
   */
  async deleteTeam(principal: RequestPrincipal, id: string, moveTo?: string): Promise<void> {
    this.requireUserMode();
    if (moveTo === id) {
      throw new DomainError('VALIDATION_FAILED', 'A team cannot move its clients to itself', {
        fields: [{ field: 'moveTo', location: 'query', message: 'must name another team' }],
      });
    }
    const moved = await this.inTransaction(async (manager) => {
      const rights = await this.rightsOf(principal, manager);
      const team = await this.lockVisible(rights, id, manager);
      if (!principal.isGlobalAdmin) throw onlyGlobalAdmins('delete teams');
      const clientIds = await this.teams.lockClientIds(id, manager);
      if (clientIds.length > 0 && moveTo === undefined) {
        throw new DomainError(
          'TEAM_HAS_CLIENTS',
          `Team ${team.name} still has ${clientIds.length} client(s): move them to another team first, or delete with ?moveTo=<team id>`,
          { clients: clientIds.length },
        );
      }
      if (moveTo !== undefined) {
        await this.findVisible(rights, moveTo, { field: 'moveTo', location: 'query' }, manager);
        await this.teams.moveClients(clientIds, moveTo, manager);
        await this.audit.recordMany(
          clientIds.map((clientId) => ({
            action: 'client.update',
            targetType: 'client',
            targetId: clientId,
            changes: { teamId: { from: id, to: moveTo } },
            details: { teamDeleted: id },
          })),
          manager,
        );
      }
      await this.teams.delete(id, manager);
      await this.audit.record(
        {
          action: 'team.delete',
          targetType: 'team',
          targetId: id,
          changes: diffFields(team, null, AUDITED_FIELDS),
          details: { movedClients: clientIds.length, ...(moveTo ? { moveTo } : {}) },
        },
        manager,
      );
      return clientIds;
    });
    for (const clientId of moved) this.events.publish({ type: 'accessChanged', clientId });
  }

  async listMembers(principal: RequestPrincipal, teamId: string): Promise<TeamMember[]> {
    this.requireUserMode();
    const rights = await this.rightsOf(principal);
    if (!rights.sees(teamId) || !(await this.teams.findById(teamId))) throw teamNotFound();
    const members = await this.teams.listMembers(teamId);
    return members.map((member) => ({ ...member, createdAt: member.createdAt.toISOString() }));
  }

  /** Adds an existing user by e-mail: a team admin adds members, only a global admin appoints admins. */
  async addMember(principal: RequestPrincipal, teamId: string, request: AddTeamMemberRequest): Promise<TeamMember> {
    this.requireUserMode();
    try {
      const added = await this.inTransaction(async (manager) => {
        const rights = await this.rightsOf(principal, manager);
        await this.lockVisible(rights, teamId, manager);
        assertMayAssign(rights, teamId, request.role);
        const user = await this.users.findByEmail(request.email, manager);
        if (!user) {
          throw new DomainError('NOT_FOUND', 'No such user', {
            fields: [{ field: 'email', location: 'body', message: 'no such user' }],
          });
        }
        const member = await this.teams.insertMember({ teamId, userId: user.id, role: request.role }, manager);
        await this.audit.record(
          {
            action: 'team.member_add',
            targetType: 'team',
            targetId: teamId,
            changes: { [`member:${user.id}`]: { to: request.role } },
          },
          manager,
        );
        return toMemberResponse(member, user.email);
      });
      await this.membershipChanged(teamId, added.userId);
      return added;
    } catch (error) {
      if (isUniqueViolation(error, 'UQ_team_members_team_user')) {
        throw new DomainError('CONFLICT', 'This user is already a member of the team', {
          fields: [{ field: 'email', location: 'body', message: 'already a member' }],
        });
      }
      throw error;
    }
  }

  /** Changing a role touches the admin role either way, so only global admins do it (as they appoint admins). */
  async changeMemberRole(
    principal: RequestPrincipal,
    teamId: string,
    membershipId: string,
    role: TeamRole,
  ): Promise<TeamMember> {
    this.requireUserMode();
    const { response, changed } = await this.inTransaction(async (manager) => {
      const rights = await this.rightsOf(principal, manager);
      await this.lockVisible(rights, teamId, manager);
      const member = await this.teams.findMember(teamId, membershipId, manager);
      if (!member) throw memberNotFound();
      const user = await this.users.findById(member.userId, manager);
      if (member.role === role) return { response: toMemberResponse(member, user?.email ?? ''), changed: false };
      assertMayAssign(rights, teamId, 'admin');
      const from = member.role;
      member.role = role;
      const saved = await this.teams.saveMember(member, manager);
      await this.audit.record(
        {
          action: 'team.member_role',
          targetType: 'team',
          targetId: teamId,
          changes: { [`member:${member.userId}`]: { from, to: role } },
        },
        manager,
      );
      return { response: toMemberResponse(saved, user?.email ?? ''), changed: true };
    });
    if (changed) await this.membershipChanged(teamId, response.userId);
    return response;
  }

  async removeMember(principal: RequestPrincipal, teamId: string, membershipId: string): Promise<void> {
    this.requireUserMode();
    const removedUserId = await this.inTransaction(async (manager) => {
      const rights = await this.rightsOf(principal, manager);
      await this.lockVisible(rights, teamId, manager);
      const member = await this.teams.findMember(teamId, membershipId, manager);
      if (!member) throw memberNotFound();
      assertMayAssign(rights, teamId, member.role);
      await this.teams.deleteMember(member.id, manager);
      await this.audit.record(
        {
          action: 'team.member_remove',
          targetType: 'team',
          targetId: teamId,
          changes: { [`member:${member.userId}`]: { from: member.role } },
        },
        manager,
      );
      return member.userId;
    });
    await this.membershipChanged(teamId, removedUserId);
  }

  /**
   * After a client moved between teams: each member of either team (up to LIVE_ROWS_LIMIT) is told as
   * `accessChanged` for them, so a console of theirs watching the fleet gets the row added or removed live.
   */
  async clientMoved(clientId: string, teamIds: (string | null)[]): Promise<void> {
    const teams = teamIds.filter((teamId): teamId is string => teamId !== null);
    // The move is committed: a failed read here only costs the live rows.
    const userIds = await this.teams.memberUserIds(teams, LIVE_ROWS_LIMIT).catch(() => []);
    for (const userId of userIds) this.events.publish({ type: 'accessChanged', clientId, userId });
  }

  /**
   * After a membership change: the user's caches drop and open links are checked again (`userAccessChanged`), and
   * for a team of up to LIVE_ROWS_LIMIT clients each client is told as `accessChanged` for that user, so a console
   * watching the fleet gets the rows added or removed live (a bigger team shows them on the list's next read).
   */
  private async membershipChanged(teamId: string, userId: string): Promise<void> {
    this.events.publish({ type: 'userAccessChanged', userId });
    // The change is committed: a failed read here only costs the live rows.
    const clientIds = await this.teams.clientIds(teamId, LIVE_ROWS_LIMIT + 1).catch(() => []);
    if (clientIds.length > LIVE_ROWS_LIMIT) return;
    for (const clientId of clientIds) this.events.publish({ type: 'accessChanged', clientId, userId });
  }

  private async teamResponse(rights: TeamRights, id: string): Promise<Team> {
    const [row] = rights.sees(id) ? await this.teams.list(null, [id]) : [];
    if (!row) throw teamNotFound();
    return toTeamResponse(row, rights);
  }

  /** The team locked for the transaction, when the caller may see it (else 404, ids cannot be probed). */
  private async lockVisible(rights: TeamRights, id: string, manager: EntityManager): Promise<TeamEntity> {
    const team = rights.sees(id) ? await this.teams.lockById(id, manager) : null;
    if (!team) throw teamNotFound();
    return team;
  }

  /** The defaults as columns; the Keycloak server meets the endpoint policy as a client's would. */
  private async checkDefaults(defaults: TeamDefaults | undefined): Promise<Partial<TeamEntity>> {
    const url = defaults?.keycloakAuthServerUrl ?? null;
    return {
      defaultAgentWsPort: defaults?.agentWsPort ?? null,
      defaultKeycloakRealm: defaults?.keycloakRealm ?? null,
      defaultKeycloakAuthServerUrl:
        url === null ? null : await this.endpoints.checkEndpoint(url, 'defaults.keycloakAuthServerUrl'),
      defaultLabels: canonicalLabels(defaults?.labels ?? {}),
    };
  }

  private async inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.teams.transaction(work);
    } catch (error) {
      if (isUniqueViolation(error, 'UQ_teams_name_lower')) throw nameTaken();
      throw error;
    }
  }

  private requireUserMode(): void {
    if (this.config.auth.method === 'api-key') {
      throw new DomainError('NOT_APPLICABLE_IN_API_KEY_MODE', 'Teams play no role in api-key mode');
    }
  }
}

/** Adding or removing an admin is for global admins; a member, also for the team's admins. */
function assertMayAssign(rights: TeamRights, teamId: string, role: TeamRole): void {
  if (rights.isGlobalAdmin) return;
  if (role === 'admin') throw onlyGlobalAdmins('appoint or remove team admins');
  if (rights.roleIn(teamId) !== 'admin') throw new DomainError('FORBIDDEN', 'Only team admins manage its members');
}

export function toTeamResponse({ team, clientCount, memberCount }: TeamRow, rights: TeamRights): Team {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    defaults: {
      agentWsPort: team.defaultAgentWsPort,
      keycloakRealm: team.defaultKeycloakRealm,
      keycloakAuthServerUrl: team.defaultKeycloakAuthServerUrl,
      labels: canonicalLabels(team.defaultLabels),
    },
    clientCount,
    memberCount,
    myRole: rights.roleIn(team.id),
    createdAt: team.createdAt.toISOString(),
    updatedAt: team.updatedAt.toISOString(),
  };
}

function toMemberResponse(member: TeamMemberEntity, email: string): TeamMember {
  return {
    id: member.id,
    userId: member.userId,
    email,
    role: member.role,
    createdAt: member.createdAt.toISOString(),
  };
}
