import { inject, Injectable, signal } from '@angular/core';
import { type ListPage, type ListUrlSpec, type PageRequest, PagedListStore } from '@agent-controller/console-core';
import type { FleetAgent, FleetAgentType } from '@agent-controller/shared-contracts';
import { ClientOption, FleetAgentsApi } from './fleet-agents.api';

/** The filters `GET /api/agents` supports, as the page (and its URL) holds them. */
export type FleetAgentFilters = {
  search: string;
  clientId: string;
  agentType: string;
};

export const EMPTY_FLEET_AGENT_FILTERS: FleetAgentFilters = { search: '', clientId: '', agentType: '' };

export const FLEET_AGENT_PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_PAGE_SIZE = 25;

/** What the page's URL may hold: the filters as text (the controller checks them) and the page. */
export const FLEET_AGENTS_URL_SPEC: ListUrlSpec<FleetAgentFilters> = {
  filters: { search: 'text', clientId: 'text', agentType: 'text' },
  sorts: [],
  pageSizes: FLEET_AGENT_PAGE_SIZES,
};

/** The API query for a page: paging and the filters that are set (trimmed). */
export function fleetAgentsQueryParams({
  filters,
  pageIndex,
  pageSize,
}: Pick<PageRequest<FleetAgentFilters>, 'filters' | 'pageIndex' | 'pageSize'>): Record<string, string> {
  const params: Record<string, string> = { limit: String(pageSize), offset: String(pageIndex * pageSize) };
  for (const key of ['search', 'clientId', 'agentType'] as const) {
    const value = filters[key].trim();
    if (value) params[key] = value;
  }
  return params;
}

/** The fleet's agents: filters, page, what the controller answered, and the filter choices (clients, types). */
@Injectable()
export class FleetAgentsStore extends PagedListStore<FleetAgent, FleetAgentFilters> {
  private readonly api = inject(FleetAgentsApi);
  /** The rows by their own name; the same signal as `items`. */
  readonly agents = this.items;
  readonly clients = signal<ClientOption[]>([]);
  readonly types = signal<FleetAgentType[]>([]);

  constructor() {
    super({ filters: EMPTY_FLEET_AGENT_FILTERS, pageSize: DEFAULT_PAGE_SIZE });
  }

  protected async fetchPage(request: PageRequest<FleetAgentFilters>): Promise<ListPage<FleetAgent>> {
    const page = await this.api.list(fleetAgentsQueryParams(request));
    return { items: page.agents, total: page.total };
  }

  /** The client and type choices; the list works without them, so a failure leaves them empty. */
  async loadChoices(): Promise<void> {
    const [clients, types] = await Promise.allSettled([this.api.clients(), this.api.types()]);
    if (clients.status === 'fulfilled') this.clients.set(clients.value);
    if (types.status === 'fulfilled') this.types.set(types.value);
  }
}
