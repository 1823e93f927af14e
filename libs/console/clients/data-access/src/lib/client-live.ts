import type { Client, ClientHealth } from '@agent-controller/shared-contracts';
import { labelsMatch, parseLabelSelector } from '@agent-controller/shared-contracts/rules';

/** How long a list waits for more changes before it reads its page again (a bulk delete is one read). */
export const LIVE_RELOAD_DELAY_MS = 300;

/**
 * The client with `health` from a live event, or null when the event is older than what is shown (a routine
 * check overtaken by a state change, or by the page's own newer read).
 */
export function withLiveHealth(client: Client, health: ClientHealth): Client | null {
  const shown = client.health.checkedAt;
  if (shown && health.checkedAt && Date.parse(health.checkedAt) < Date.parse(shown)) return null;
  return { ...client, health };
}

/** Whether labels match a label selector; one that does not parse matches nothing (the controller refuses it). */
export function matchesLabelSelector(labels: Record<string, string>, selector: string): boolean {
  const parsed = parseLabelSelector(selector);
  return parsed.ok && labelsMatch(parsed.requirements, labels);
}

/** The filters a row is checked against when it changes live ('' = any). */
export interface LiveClientFilters {
  status: string;
  health: string;
  environment?: string;
  selector?: string;
  teamId?: string;
}

/** Whether a row still belongs in a list filtered by status, health, environment, label selector and team. */
export function matchesClientFilters(client: Client, filters: LiveClientFilters): boolean {
  const environment = filters.environment?.trim();
  const selector = filters.selector?.trim();
  const teamId = filters.teamId?.trim();
  return (
    (!teamId || client.teamId === (teamId === 'none' ? null : teamId)) &&
    (!filters.status || client.status === filters.status) &&
    (!filters.health || client.health.state === filters.health) &&
    (!environment || client.environment === environment) &&
    (!selector || matchesLabelSelector(client.labels, selector))
  );
}
