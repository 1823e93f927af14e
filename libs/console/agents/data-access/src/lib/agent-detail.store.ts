import { computed, inject, Injectable, signal } from '@angular/core';
import {
  canManageClient,
  clientRelation,
  ClientsApi,
  RemoteValue,
} from '@agent-controller/console-clients-data-access';
import { SessionStore } from '@agent-controller/console-core';
import type { ClientUser, UpdateAgentRequest } from '@agent-controller/shared-contracts';
import { ActionTracker } from './action-tracker';
import { Agent, AgentsApi } from './agents.api';

/** One agent of one client, and what the signed-in principal may do with it (DESIGN §4). */
@Injectable()
export class AgentDetailStore {
  private readonly agents = inject(AgentsApi);
  private readonly clients = inject(ClientsApi);
  private readonly session = inject(SessionStore);

  readonly clientId = signal('');
  readonly agentId = signal('');
  readonly agent = new RemoteValue<Agent>();
  /** The client's members: the only place a principal's role on the client is known. */
  readonly members = new RemoteValue<ClientUser[]>();
  readonly relation = computed(() => clientRelation(this.session.principal(), this.members.value() ?? []));
  /** Environment writes need management rights; while the members are unknown nothing is offered (fail closed). */
  readonly canConfigure = computed(() => canManageClient(this.relation()));
  /** Header actions (edit, store credentials): need management rights, like `canConfigure` says. */
  readonly actions = new ActionTracker();

  load(clientId: string, agentId: string): Promise<unknown> {
    this.clientId.set(clientId);
    this.agentId.set(agentId);
    const principal = this.session.principal();
    // A global admin (and the api-key holder, who is one) needs no membership; the members route would refuse api-key mode.
    const needsMembers = principal !== null && !principal.isGlobalAdmin && principal.kind === 'user';
    return Promise.all([
      this.agent.load(() => this.agents.get(clientId, agentId)),
      needsMembers ? this.members.load(() => this.clients.users(clientId)) : Promise.resolve(),
    ]);
  }

  /** Sends only what changed; the answer replaces the agent shown. */
  async update(changes: UpdateAgentRequest): Promise<boolean> {
    const current = this.agent.value();
    if (!current) return false;
    let updated: Agent | null = null;
    const ok = await this.actions.run(
      'update',
      async () => (updated = await this.agents.update(this.clientId(), this.agentId(), changes)),
      `${changes.name ?? current.name} saved`,
      `Saving ${current.name} failed`,
    );
    if (ok && updated) this.agent.value.set(updated);
    return ok;
  }

  storeCredentials(password: string): Promise<boolean> {
    const name = this.agent.value()?.name ?? 'the agent';
    return this.actions.run(
      'credentials',
      () => this.agents.storeCredentials(this.clientId(), this.agentId(), password),
      `Credentials of ${name} stored`,
      `Storing the credentials of ${name} failed`,
    );
  }
}
