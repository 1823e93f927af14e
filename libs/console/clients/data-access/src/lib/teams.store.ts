import { computed, inject, Injectable, signal } from '@angular/core';
import {
  apiErrorMessage,
  type ListPage,
  type PageRequest,
  PagedListStore,
  SessionStore,
} from '@agent-controller/console-core';
import type { CreateTeamRequest, Team, TeamDefaults, TeamMember, TeamRole } from '@agent-controller/shared-contracts';
import { type LabelRow, labelRows, labelsFromRows } from './client-form';
import { TeamsApi } from './teams.api';

/** What the team form holds: name, description and the defaults a new client of the team starts with. */
export interface TeamFormValue {
  name: string;
  description: string;
  /** Empty: no default port (a new client gets 8080). */
  agentWsPort: number | null;
  keycloakRealm: string;
  keycloakAuthServerUrl: string;
  labels: LabelRow[];
}

/** The form filled in from a saved team (or empty for a new one). */
export function teamFormValue(team?: Team): TeamFormValue {
  return {
    name: team?.name ?? '',
    description: team?.description ?? '',
    agentWsPort: team?.defaults.agentWsPort ?? null,
    keycloakRealm: team?.defaults.keycloakRealm ?? '',
    keycloakAuthServerUrl: team?.defaults.keycloakAuthServerUrl ?? '',
    labels: labelRows(team?.defaults.labels ?? {}),
  };
}

/** The team's defaults as the API takes them: a blank value is "no default". */
export function toTeamDefaults(value: TeamFormValue): TeamDefaults {
  const port = value.agentWsPort === null || String(value.agentWsPort) === '' ? null : Number(value.agentWsPort);
  return {
    agentWsPort: port,
    keycloakRealm: value.keycloakRealm.trim() || null,
    keycloakAuthServerUrl: value.keycloakAuthServerUrl.trim() || null,
    labels: labelsFromRows(value.labels),
  };
}

/** A create (or full update) request for the form: a blank description is none. */
export function toTeamRequest(value: TeamFormValue): CreateTeamRequest {
  return {
    name: value.name.trim(),
    description: value.description.trim() ? value.description : null,
    defaults: toTeamDefaults(value),
  };
}

/** Rows of a team list page: the API answers every visible team at once, so pages are cut here. */
function pageOf(teams: Team[], { pageIndex, pageSize }: PageRequest<Record<string, never>>): ListPage<Team> {
  return { items: teams.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize), total: teams.length };
}

/**
 * The teams page: every team the caller sees (a global admin all of them), paged here, and the changes a global
 * admin makes (create, delete). A refused delete is kept in `actionError` as the controller's sentence.
 */
@Injectable()
export class TeamsStore extends PagedListStore<Team> {
  private readonly api = inject(TeamsApi);
  /** The rows by their own name; the same signal as `items`. */
  readonly teams = this.items;
  /** Every team the caller sees (not only this page's): the teams a deleted team's clients may move to. */
  readonly allTeams = signal<Team[]>([]);
  readonly actionError = signal<string | null>(null);
  readonly busyId = signal<string | null>(null);

  constructor() {
    super({ filters: {}, pageSize: 25 });
  }

  protected async fetchPage(request: PageRequest<Record<string, never>>): Promise<ListPage<Team>> {
    const teams = await this.api.list();
    this.allTeams.set(teams);
    return pageOf(teams, request);
  }

  /** Creates the team and reads the list again; a refusal is thrown to the dialog, which shows it per field. */
  async createTeam(request: CreateTeamRequest): Promise<Team> {
    const team = await this.api.create(request);
    this.actionError.set(null);
    await this.load();
    return team;
  }

  /** Deletes the team (its clients moved to `moveTo` first, when given); a refusal is kept in `actionError`. */
  async deleteTeam(team: Team, moveTo?: string): Promise<boolean> {
    this.busyId.set(team.id);
    this.actionError.set(null);
    try {
      await this.api.remove(team.id, moveTo);
      await this.reloadAfterRemoving(1);
      return true;
    } catch (error) {
      this.actionError.set(`Could not delete ${team.name}: ${apiErrorMessage(error)}`);
      await this.load();
      return false;
    } finally {
      this.busyId.set(null);
    }
  }
}

/**
 * One team's page: the team, its members, and what the caller may change there. Global admins and the team's
 * admins edit the team and add members; only global admins appoint admins, change roles or remove an admin.
 */
@Injectable()
export class TeamDetailStore {
  private readonly api = inject(TeamsApi);
  private readonly session = inject(SessionStore);
  readonly team = signal<Team | null>(null);
  readonly members = signal<TeamMember[]>([]);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly actionError = signal<string | null>(null);
  readonly busyId = signal<string | null>(null);

  readonly isGlobalAdmin = this.session.isGlobalAdmin;
  /** Name, description, defaults and adding members: global admins and the team's admins. */
  readonly canEdit = computed(() => this.isGlobalAdmin() || this.team()?.myRole === 'admin');
  /** Appointing admins and changing roles: global admins only. */
  readonly canChangeRoles = this.isGlobalAdmin;
  /** The roles the caller may give a new member. */
  readonly rolesOffered = computed<TeamRole[]>(() => (this.isGlobalAdmin() ? ['member', 'admin'] : ['member']));

  /** Whether the caller may remove this member: a global admin anyone, a team admin members (not admins). */
  canRemove(member: TeamMember): boolean {
    return this.isGlobalAdmin() || (this.team()?.myRole === 'admin' && member.role === 'member');
  }

  async load(id: string): Promise<void> {
    this.loading.set(true);
    this.error.set(null);
    try {
      const [team, members] = await Promise.all([this.api.get(id), this.api.members(id)]);
      this.team.set(team);
      this.members.set(members);
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    } finally {
      this.loading.set(false);
    }
  }

  /** Saves name, description and defaults; a refusal is thrown to the form, which shows it per field. */
  async save(value: TeamFormValue): Promise<Team> {
    const team = this.requireTeam();
    const saved = await this.api.update(team.id, toTeamRequest(value));
    this.team.set(saved);
    return saved;
  }

  /** Adds a user by e-mail; a refusal (no such user, already a member) is thrown to the form. */
  async addMember(email: string, role: TeamRole): Promise<TeamMember> {
    const team = this.requireTeam();
    const member = await this.api.addMember(team.id, email, role);
    this.actionError.set(null);
    this.members.update((members) => [...members, member]);
    this.team.update((current) => current && { ...current, memberCount: current.memberCount + 1 });
    return member;
  }

  changeRole(member: TeamMember, role: TeamRole): Promise<boolean> {
    if (member.role === role) return Promise.resolve(true);
    return this.change(member, `change the role of ${member.email}`, async () => {
      const saved = await this.api.changeMemberRole(this.requireTeam().id, member.id, role);
      this.members.update((members) => members.map((current) => (current.id === saved.id ? saved : current)));
    });
  }

  removeMember(member: TeamMember): Promise<boolean> {
    return this.change(member, `remove ${member.email}`, async () => {
      await this.api.removeMember(this.requireTeam().id, member.id);
      this.members.update((members) => members.filter((current) => current.id !== member.id));
      this.team.update((current) => current && { ...current, memberCount: Math.max(0, current.memberCount - 1) });
    });
  }

  private async change(member: TeamMember, what: string, call: () => Promise<void>): Promise<boolean> {
    const team = this.requireTeam();
    this.busyId.set(member.id);
    this.actionError.set(null);
    try {
      await call();
      return true;
    } catch (error) {
      this.actionError.set(`Could not ${what}: ${apiErrorMessage(error)}`);
      await this.load(team.id);
      return false;
    } finally {
      this.busyId.set(null);
    }
  }

  private requireTeam(): Team {
    const team = this.team();
    if (!team) throw new Error('The team has not been read yet');
    return team;
  }
}
