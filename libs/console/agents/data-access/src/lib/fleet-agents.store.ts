import { inject, Injectable, signal } from '@angular/core';
import { type ListPage, type PageRequest, PagedListStore } from '@agent-controller/console-core';
import type { FleetAgent, FleetAgentType } from '@agent-controller/shared-contracts';
import { ClientOption, FleetAgentsApi } from './fleet-agents.api';

/** The filters `GET /api/agents` supports, as the page (and its URL) holds them. */
export interface FleetAgentFilters {
  search: string;
  clientId: string;
  agentType: string;
}

export const EMPTY_FLEET_AGENT_FILTERS: FleetAgentFilters = { search: '', clientId: '', agentType: '' };

export const FLEET_AGENT_PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_PAGE_SIZE = 25;

/** The page's state in its URL: the filters that are set, and the page when it is not the first or the size not the default. */
export interface FleetAgentsView {
  filters: FleetAgentFilters;
  pageIndex: number;
  pageSize: number;
}

/** The API query for a view: paging and the filters that are set (trimmed). */
export function fleetAgentsQueryParams({ filters, pageIndex, pageSize }: FleetAgentsView): Record<string, string> {
  const params: Record<string, string> = { limit: String(pageSize), offset: String(pageIndex * pageSize) };
  for (const key of ['search', 'clientId', 'agentType'] as const) {
    const value = filters[key].trim();
    if (value) params[key] = value;
  }
  return params;
}

/** The URL's query for a view: only what differs from the default, so a plain `/agents` stays plain. */
export function fleetAgentsUrlParams(view: FleetAgentsView): Record<string, string | null> {
  const trimmed = (value: string) => value.trim() || null;
  return {
    search: trimmed(view.filters.search),
    clientId: trimmed(view.filters.clientId),
    agentType: trimmed(view.filters.agentType),
    page: view.pageIndex > 0 ? String(view.pageIndex + 1) : null,
    size: view.pageSize !== DEFAULT_PAGE_SIZE ? String(view.pageSize) : null,
  };
}

/** A view read back from the URL; anything unreadable falls back to the default. */
export function fleetAgentsViewFromUrl(params: Record<string, string | undefined>): FleetAgentsView {
  const page = Number(params['page']);
  const size = Number(params['size']);
  return {
    filters: {
      search: params['search'] ?? '',
      clientId: params['clientId'] ?? '',
      agentType: params['agentType'] ?? '',
    },
    pageIndex: Number.isInteger(page) && page >= 1 ? page - 1 : 0,
    pageSize: FLEET_AGENT_PAGE_SIZES.includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
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

  restore(view: FleetAgentsView): void {
    this.filters.set(view.filters);
    this.pageIndex.set(view.pageIndex);
    this.pageSize.set(view.pageSize);
  }
}
