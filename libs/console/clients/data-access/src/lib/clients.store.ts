import { HttpErrorResponse } from '@angular/common/http';
import { computed, DestroyRef, Injectable, inject, signal } from '@angular/core';
import {
  type FleetChange,
  FleetSocket,
  type ListPage,
  type ListUrlSpec,
  type ListView,
  type PageRequest,
  PagedListStore,
  viewFromQueryParams,
} from '@agent-controller/console-core';
import type {
  BulkClientRequest,
  Client,
  ClientSort,
  ClientStatus,
  HealthState,
  Team,
} from '@agent-controller/shared-contracts';
import { LIVE_RELOAD_DELAY_MS, matchesClientFilters, withLiveHealth } from './client-live';
import { ClientsApi, clientsListUrl } from './clients.api';
import { TeamsApi } from './teams.api';

export type ClientFilters = {
  search: string;
  status: ClientStatus | '';
  health: HealthState | '';
  environment: string;
  /** A Kubernetes label selector (`region in (eu,us),!deprecated`), checked by the controller. */
  selector: string;
  /** Only the clients of this team (its id). */
  teamId: string;
};

export const EMPTY_CLIENT_FILTERS: ClientFilters = {
  search: '',
  status: '',
  health: '',
  environment: '',
  selector: '',
  teamId: '',
};

// Listed here rather than imported: the contracts module would bring zod into the console's chunks.
export const CLIENT_HEALTH_STATES: readonly HealthState[] = [
  'unknown',
  'healthy',
  'degraded',
  'unreachable',
  'auth_failed',
  'incompatible',
];
const SORT_FIELDS = ['name', 'health', 'lastSeen', 'latency', 'createdAt'];
export const CLIENT_PAGE_SIZES = [10, 25, 50, 100] as const;

export interface HealthStrips {
  /** Start of the strips' first hour (ISO 8601). */
  from: string;
  byId: ReadonlyMap<string, (HealthState | null)[]>;
}

/** What the clients list keeps in its URL (`/clients?health=unreachable&sort=-latency&page=2`). */
export const CLIENTS_URL_SPEC: ListUrlSpec<ClientFilters> = {
  // The configured environments are not published, so any name is taken (the controller refuses none: no rows).
  filters: {
    search: 'text',
    status: ['active', 'inactive'],
    health: CLIENT_HEALTH_STATES,
    environment: 'text',
    selector: 'text',
    teamId: 'text',
  },
  sorts: [...SORT_FIELDS, ...SORT_FIELDS.map((field) => `-${field}`)],
  pageSizes: CLIENT_PAGE_SIZES,
};

/** The list's view before the URL says otherwise. */
export const DEFAULT_CLIENTS_VIEW: ListView<ClientFilters> = {
  filters: EMPTY_CLIENT_FILTERS,
  pageIndex: 0,
  pageSize: 25,
  sort: null,
};

/** The list's filters as a bulk action takes them instead of ids (POST /api/clients/bulk). */
export type BulkFilters = Pick<
  BulkClientRequest,
  'search' | 'status' | 'health' | 'environment' | 'selector' | 'teamId'
>;

/** Ids one bulk action takes at most (the API's MAX_BULK_IDS; a unit test keeps them equal). */
export const BULK_ID_LIMIT = 500;
/** Clients one bulk action by filters takes at most (the API's MAX_BULK_SELECTED; a unit test keeps them equal). */
export const MAX_BULK_MATCHING = 5000;
/** The API's largest page (MAX_PAGE_LIMIT). */
const MATCHING_PAGE_SIZE = 100;

/** The query of GET /api/clients for one page of a view. */
function pageQuery({ filters, pageIndex, pageSize, sort }: PageRequest<ClientFilters>) {
  return { limit: pageSize, offset: pageIndex * pageSize, ...listQuery(filters, sort) };
}

/**
 * What the clients list at `/clients?<search>` reads first, for the first load to request early (read as the page
 * reads its URL; a link it spells differently is simply not answered early).
 */
export function firstClientsPageUrl(search: string): string {
  const params: Record<string, string> = {};
  new URLSearchParams(search).forEach((value, key) => (params[key] = value));
  return clientsListUrl(pageQuery(viewFromQueryParams(params, CLIENTS_URL_SPEC, DEFAULT_CLIENTS_VIEW)));
}

/** The query of GET /api/clients for filters and an order, without paging. */
function listQuery(filters: ClientFilters, sort: string | null) {
  return {
    search: filters.search.trim() || undefined,
    status: filters.status || undefined,
    health: filters.health || undefined,
    environment: filters.environment.trim() || undefined,
    selector: filters.selector.trim() || undefined,
    teamId: filters.teamId.trim() || undefined,
    sort: (sort as ClientSort | null) ?? undefined,
  };
}

/** The controller's 400 for the `selector` parameter, or null for any other failure. */
function selectorRefusal(error: unknown): string | null {
  if (!(error instanceof HttpErrorResponse) || error.status !== 400) return null;
  const fields: { location?: string; field?: string; message?: string }[] = error.error?.details?.fields ?? [];
  const field = fields.find((candidate) => candidate.location === 'query' && candidate.field === 'selector');
  return field?.message ?? null;
}

/**
 * The clients list: filters, order, page, and what the controller answered for them (loading, error, rows, total).
 * Live while it exists: rows change in place as the fleet does (health, status, name …); a client added or removed
 * elsewhere makes the page read again, as does a reconnect after the socket was lost.
 */
@Injectable()
export class ClientsStore extends PagedListStore<Client, ClientFilters> {
  private readonly api = inject(ClientsApi);
  private reloadTimer?: ReturnType<typeof setTimeout>;
  /** The rows by their own name; the same signal as `items`. */
  readonly clients = this.items;
  /** The 24-hour health strip of each listed client, read in one request per page after the rows. */
  readonly strips = signal<HealthStrips>({ from: '', byId: new Map() });
  private stripsRequest = 0;
  /** Why the controller refused the label selector (shown beside its field; the list is then empty). */
  readonly selectorError = signal<string | null>(null);
  /** Whether changes arrive live now. */
  readonly live = inject(FleetSocket).watching;
  private readonly teamsApi = inject(TeamsApi);
  /** The teams the operator sees, read once: the team column's names, the team filter and bulk moves. */
  readonly teams = signal<Team[]>([]);
  /** Team names by id; a team the operator is not in has none. */
  readonly teamNames = computed(() => new Map(this.teams().map((team) => [team.id, team.name])));

  constructor() {
    super(DEFAULT_CLIENTS_VIEW);
    const stop = inject(FleetSocket).watch((change) => this.applyFleetChange(change));
    inject(DestroyRef).onDestroy(() => {
      stop();
      clearTimeout(this.reloadTimer);
    });
  }

  applyFleetChange(change: FleetChange): void {
    switch (change.kind) {
      case 'health':
        return this.replaceRow(change.clientId, (client) => withLiveHealth(client, change.health));
      case 'updated':
        return this.replaceRow(change.client.id, () => change.client);
      case 'added':
        return this.reloadSoon();
      case 'removed':
        if (!this.items().some((client) => client.id === change.clientId)) return;
        this.items.update((clients) => clients.filter((client) => client.id !== change.clientId));
        this.total.update((total) => Math.max(0, total - 1));
        return this.reloadSoon();
      case 'resync':
        return void this.load();
    }
  }

  /** Replaces a row on this page in place; one that no longer matches the filters makes the page read again. */
  private replaceRow(id: string, replace: (client: Client) => Client | null): void {
    const current = this.items().find((client) => client.id === id);
    const replaced = current && replace(current);
    if (!replaced) return;
    this.items.update((clients) => clients.map((client) => (client.id === id ? replaced : client)));
    if (!matchesClientFilters(replaced, this.filters())) this.reloadSoon();
  }

  private reloadSoon(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.load(), LIVE_RELOAD_DELAY_MS);
  }

  protected async fetchPage(request: PageRequest<ClientFilters>): Promise<ListPage<Client>> {
    this.selectorError.set(null);
    let page;
    try {
      page = await this.api.list(pageQuery(request));
    } catch (error) {
      const refusal = selectorRefusal(error);
      if (refusal === null) throw error;
      this.selectorError.set(refusal);
      return { items: [], total: 0 };
    }
    void this.loadStrips(page.clients.map((client) => client.id));
    return { items: page.clients, total: page.total };
  }

  /**
   * Every client the list's filters match, in its order, up to what one bulk action takes: read a page of the
   * API's largest size at a time, for "select all N matching".
   */
  async matchingClients(limit = BULK_ID_LIMIT): Promise<{ id: string; name: string }[]> {
    const { filters, sort } = this.view();
    const found: { id: string; name: string }[] = [];
    while (found.length < limit) {
      const pageSize = Math.min(MATCHING_PAGE_SIZE, limit - found.length);
      const page = await this.api.list({ limit: pageSize, offset: found.length, ...listQuery(filters, sort) });
      found.push(...page.clients.map(({ id, name }) => ({ id, name })));
      if (page.clients.length < pageSize || found.length >= page.total) break;
    }
    return found;
  }

  /**
   * The list's filters for a bulk action over every client they match, or null when nothing is filtered (the
   * controller takes filters only when there is at least one; the whole fleet goes by ids).
   */
  bulkFilters(): BulkFilters | null {
    const given = Object.fromEntries(
      Object.entries(listQuery(this.filters(), null)).filter(([key, value]) => key !== 'sort' && value !== undefined),
    );
    return Object.keys(given).length > 0 ? (given as BulkFilters) : null;
  }

  /** Reads the teams once (users and keycloak modes); without them the team column shows ids' absence as "—". */
  async loadTeams(): Promise<void> {
    try {
      this.teams.set(await this.teamsApi.list());
    } catch {
      // The list works without team names.
    }
  }

  /** A strip that cannot be read is left out: the health badge beside it still says the state now. */
  private async loadStrips(ids: string[]): Promise<void> {
    const request = ++this.stripsRequest;
    let strips: HealthStrips = { from: '', byId: new Map() };
    if (ids.length > 0) {
      try {
        const answer = await this.api.healthStrips(ids);
        strips = { from: answer.from, byId: new Map(answer.strips.map((strip) => [strip.id, strip.hours])) };
      } catch {
        // Leaves the strips out (see above).
      }
    }
    if (request === this.stripsRequest) this.strips.set(strips);
  }
}
