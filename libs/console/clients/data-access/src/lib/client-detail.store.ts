import { computed, inject, Injectable, signal } from '@angular/core';
import { SessionStore } from '@agent-controller/console-core';
import type {
  AuditEvent,
  Client,
  ClientHealthEvent,
  ClientRole,
  ClientStatus,
  ClientUsage,
  ClientUser,
} from '@agent-controller/shared-contracts';
import { ClientsApi } from './clients.api';
import { clientRelation } from './member-permissions';
import { RemoteValue } from './remote-value';

/** One client and what its tabs show: health history, usage, members, audit. */
@Injectable()
export class ClientDetailStore {
  private readonly api = inject(ClientsApi);
  private readonly session = inject(SessionStore);

  readonly id = signal<string | null>(null);
  readonly client = new RemoteValue<Client>();
  readonly history = new RemoteValue<ClientHealthEvent[]>();
  readonly usage = new RemoteValue<ClientUsage>();
  readonly members = new RemoteValue<ClientUser[]>();
  readonly audit = new RemoteValue<AuditEvent[]>();

  readonly apiKeyMode = computed(() => this.session.principal()?.kind === 'api-key');
  readonly membersNotApplicable = computed(
    () => this.apiKeyMode() || this.members.errorCode() === 'NOT_APPLICABLE_IN_API_KEY_MODE',
  );
  readonly relation = computed(() => clientRelation(this.session.principal(), this.members.value() ?? []));

  load(id: string): Promise<void> {
    this.id.set(id);
    return this.client.load(() => this.api.get(id));
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

  loadAudit(): Promise<void> {
    return this.audit.load(() => this.api.audit(this.requireId()));
  }

  async verify(): Promise<void> {
    const result = await this.api.verify(this.requireId());
    this.patch({ health: result.health, config: result.config });
  }

  /** The client as the edit dialog saved it. */
  useSaved(client: Client): void {
    this.client.value.set(client);
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
