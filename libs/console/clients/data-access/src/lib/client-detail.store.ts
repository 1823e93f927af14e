import { computed, DestroyRef, inject, Injectable, signal } from '@angular/core';
import { type FleetChange, FleetSocket, SessionStore } from '@agent-controller/console-core';
import type {
  AuditEvent,
  Client,
  ClientHealthEvent,
  ClientRole,
  ClientStatus,
  ClientUsage,
  ClientUser,
  ProvisioningInfo,
} from '@agent-controller/shared-contracts';
import { withLiveHealth } from './client-live';
import { ClientsApi } from './clients.api';
import { clientRelation } from './member-permissions';
import { RemoteValue } from './remote-value';
import { TeamsApi } from './teams.api';

/**
 * One client and what its tabs show: health history, usage, members, audit. Live while it exists: the client's
 * health, name, status … change as the fleet does, and `removed` says when it was deleted (or access lost).
 */
@Injectable()
export class ClientDetailStore {
  private readonly api = inject(ClientsApi);
  private readonly session = inject(SessionStore);
  private readonly teams = inject(TeamsApi);
  /** The client was deleted, or the user lost access to it, while shown. */
  readonly removed = signal(false);
  /** Whether changes arrive live now. */
  readonly live = inject(FleetSocket).watching;

  readonly id = signal<string | null>(null);
  readonly client = new RemoteValue<Client>();
  readonly history = new RemoteValue<ClientHealthEvent[]>();
  readonly usage = new RemoteValue<ClientUsage>();
  readonly members = new RemoteValue<ClientUser[]>();
  readonly audit = new RemoteValue<AuditEvent[]>();
  /** The name of the client's team: null in no team, 'another team' for one the user is not in. */
  readonly teamName = signal<string | null>(null);
  /** The cloud server of a client made by provisioning (null for any other client). */
  readonly provisioning = new RemoteValue<ProvisioningInfo | null>();

  readonly apiKeyMode = computed(() => this.session.principal()?.kind === 'api-key');
  readonly membersNotApplicable = computed(
    () => this.apiKeyMode() || this.members.errorCode() === 'NOT_APPLICABLE_IN_API_KEY_MODE',
  );
  readonly relation = computed(() => clientRelation(this.session.principal(), this.members.value() ?? []));

  constructor() {
    const stop = inject(FleetSocket).watch((change) => this.applyFleetChange(change));
    inject(DestroyRef).onDestroy(stop);
  }

  async load(id: string): Promise<void> {
    this.id.set(id);
    this.removed.set(false);
    await this.client.load(() => this.api.get(id));
    await this.loadTeamName();
  }

  /** The team's name, read once per team (a team the user cannot see answers 404: named as another team). */
  private async loadTeamName(): Promise<void> {
    const teamId = this.client.value()?.teamId ?? null;
    if (teamId === null) return this.teamName.set(null);
    try {
      this.teamName.set((await this.teams.get(teamId)).name);
    } catch {
      this.teamName.set('another team');
    }
  }

  applyFleetChange(change: FleetChange): void {
    const id = this.id();
    const client = this.client.value();
    if (!id) return;
    switch (change.kind) {
      case 'health': {
        if (change.clientId !== id || !client) return;
        const updated = withLiveHealth(client, change.health);
        if (!updated) return;
        this.client.value.set(updated);
        // A new state is a new row of the timeline.
        if (updated.health.state !== client.health.state && this.history.value()) void this.loadHistory();
        return;
      }
      case 'added':
      case 'updated':
        if (change.client.id !== id) return;
        this.client.value.set(change.client);
        if (change.client.teamId !== client?.teamId) void this.loadTeamName();
        return;
      case 'removed':
        if (change.clientId === id) this.removed.set(true);
        return;
      case 'resync':
        void this.load(id);
        return;
    }
  }

  loadHistory(): Promise<void> {
    return this.history.load(() => this.api.healthHistory(this.requireId()));
  }

  loadUsage(): Promise<void> {
    return this.usage.load(() => this.api.usage(this.requireId()));
  }

  loadMembers(): Promise<void> {
    return this.members.load(() => this.api.users(this.requireId()));
  }

  loadProvisioning(): Promise<void> {
    return this.provisioning.load(() => this.api.provisioningInfo(this.requireId()));
  }

  loadAudit(): Promise<void> {
    return this.audit.load(() => this.api.audit(this.requireId()));
  }

  async verify(): Promise<void> {
    const result = await this.api.verify(this.requireId());
    this.patch({ health: result.health, config: result.config });
  }

  /** The client as the edit dialog saved it. */
  useSaved(client: Client): void {
    const teamChanged = client.teamId !== this.client.value()?.teamId;
    this.client.value.set(client);
    if (teamChanged) void this.loadTeamName();
  }

  async setStatus(status: ClientStatus): Promise<void> {
    this.client.value.set(await this.api.setStatus(this.requireId(), status));
  }

  async addMember(email: string, role: ClientRole): Promise<void> {
    await this.api.addUser(this.requireId(), email, role);
    await this.loadMembers();
  }

  async changeRole(member: ClientUser, role: ClientRole): Promise<void> {
    if (!member.id) return;
    await this.api.updateUser(this.requireId(), member.id, role);
    await this.loadMembers();
  }

  async removeMember(member: ClientUser): Promise<void> {
    if (!member.id) return;
    await this.api.removeUser(this.requireId(), member.id);
    await this.loadMembers();
  }

  private patch(changes: Partial<Client>): void {
    const client = this.client.value();
    if (client) this.client.value.set({ ...client, ...changes });
  }

  private requireId(): string {
    const id = this.id();
    if (!id) throw new Error('No client loaded');
    return id;
  }
}
