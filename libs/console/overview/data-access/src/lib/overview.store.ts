import { inject, Injectable } from '@angular/core';
import type { Client, ClientsSummary, HealthState, TopUsage } from '@agent-controller/shared-contracts';
import { Loaded } from './loaded';
import { OverviewApi } from './overview.api';

/** Health states that mean a remote is not doing its job (degraded still answers). */
export const FAILING_STATES: readonly HealthState[] = ['unreachable', 'auth_failed', 'incompatible'];
/** How many failing clients and busiest clients the overview names. */
export const OVERVIEW_LIST_LIMIT = 5;
/** The usage window of the busiest lists: a day, like a client's usage tab. */
export const BUSIEST_WINDOW_HOURS = 24;

/** The failing active clients: the first few of every failing state, and how many there are in all. */
export interface FailingClients {
  clients: Client[];
  total: number;
}

/** Merges the pages of each failing state: the longest unseen first, then the first `limit`. */
export function mergeFailing(pages: { clients: Client[]; total: number }[], limit: number): FailingClients {
  const lastSeen = (client: Client) => (client.health.lastSeenAt ? Date.parse(client.health.lastSeenAt) : -Infinity);
  const clients = pages
    .flatMap((page) => page.clients)
    .sort((a, b) => lastSeen(a) - lastSeen(b) || a.name.localeCompare(b.name))
    .slice(0, limit);
  return { clients, total: pages.reduce((sum, page) => sum + page.total, 0) };
}

/**
 * The fleet overview's data: the summary, the failing clients and the busiest ones, each loaded on its own (side
 * by side, not one after another), so a slow or failed part never hides the others.
 */
@Injectable()
export class OverviewStore {
  private readonly api = inject(OverviewApi);

  readonly summary = new Loaded<ClientsSummary>();
  readonly failing = new Loaded<FailingClients>();
  readonly busiestByRequests = new Loaded<TopUsage>();
  readonly busiestByErrors = new Loaded<TopUsage>();

  load(): Promise<unknown> {
    return Promise.all([
      this.summary.load(() => this.api.summary()),
      this.failing.load(async () =>
        mergeFailing(
          await Promise.all(FAILING_STATES.map((state) => this.api.activeInState(state, OVERVIEW_LIST_LIMIT))),
          OVERVIEW_LIST_LIMIT,
        ),
      ),
      this.busiestByRequests.load(() => this.api.topUsage('requests', BUSIEST_WINDOW_HOURS, OVERVIEW_LIST_LIMIT)),
      this.busiestByErrors.load(() => this.api.topUsage('errors', BUSIEST_WINDOW_HOURS, OVERVIEW_LIST_LIMIT)),
    ]);
  }
}
