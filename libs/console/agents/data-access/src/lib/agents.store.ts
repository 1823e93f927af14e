import { computed, inject, Injectable, signal } from '@angular/core';
import { apiErrorMessage } from '@agent-controller/console-core';
import type { CreateAgentRequest } from '@agent-controller/shared-contracts';
import { Agent, AgentAction, AgentsApi, CreatedAgent } from './agents.api';

/** The agents of one client: the list, what is being done to which agent, and the last failure. */
@Injectable()
export class AgentsStore {
  private readonly api = inject(AgentsApi);
  private request = 0;

  readonly clientId = signal('');
  readonly agents = signal<Agent[]>([]);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  /** The agent id an action (start, stop, restart, delete) is running for, with its name. */
  readonly busy = signal<{ agentId: string; action: AgentAction | 'delete' } | null>(null);
  /** The outcome of the last action, for a polite live region. */
  readonly notice = signal('');
  readonly empty = computed(() => !this.loading() && !this.error() && this.agents().length === 0);

  async load(clientId = this.clientId()): Promise<void> {
    this.clientId.set(clientId);
    const request = ++this.request;
    this.loading.set(true);
    this.error.set(null);
    try {
      const agents = await this.api.list(clientId);
      if (request === this.request) this.agents.set(agents);
    } catch (error) {
      if (request === this.request) this.error.set(apiErrorMessage(error));
    } finally {
      if (request === this.request) this.loading.set(false);
    }
  }

  async create(request: CreateAgentRequest): Promise<CreatedAgent> {
    const created = await this.api.create(this.clientId(), request);
    this.notice.set(`Agent ${created.name} created`);
    await this.load();
    return created;
  }

  /** Runs a lifecycle action; failures are shown by the error interceptor and kept in `notice`. */
  async act(agent: Agent, action: AgentAction): Promise<boolean> {
    this.busy.set({ agentId: agent.id, action });
    try {
      await this.api.act(this.clientId(), agent.id, action);
      this.notice.set(`${agent.name}: ${PAST[action]}`);
      return true;
    } catch (error) {
      this.notice.set(`${agent.name}: ${action} failed: ${apiErrorMessage(error)}`);
      return false;
    } finally {
      this.busy.set(null);
    }
  }

  async delete(agent: Agent): Promise<boolean> {
    this.busy.set({ agentId: agent.id, action: 'delete' });
    try {
      await this.api.delete(this.clientId(), agent.id);
      this.notice.set(`Agent ${agent.name} deleted`);
      await this.load();
      return true;
    } catch (error) {
      this.notice.set(`${agent.name}: delete failed: ${apiErrorMessage(error)}`);
      return false;
    } finally {
      this.busy.set(null);
    }
  }
}

const PAST: Record<AgentAction, string> = { start: 'started', stop: 'stopped', restart: 'restarted' };
