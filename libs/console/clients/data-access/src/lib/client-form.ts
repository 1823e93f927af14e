import type { Client, CreateClientRequest, Team, UpdateClientRequest } from '@agent-controller/shared-contracts';
import { DEFAULT_CLIENT_ENVIRONMENTS } from '@agent-controller/shared-contracts/rules';

/** One row of the labels editor. */
export interface LabelRow {
  key: string;
  value: string;
}

/** What the client form holds: every field as the operator typed it; secrets empty unless typed. */
export interface ClientFormValue {
  name: string;
  description: string;
  endpoint: string;
  authenticationType: 'api_key' | 'keycloak';
  apiKey: string;
  keycloakClientId: string;
  keycloakClientSecret: string;
  keycloakRealm: string;
  keycloakAuthServerUrl: string;
  agentWsPort: number;
  environment: string;
  labels: LabelRow[];
  /** The team the client belongs to; null for none. */
  teamId: string | null;
}

/** The form filled in from a saved client (secrets are never readable, so they start empty). */
export function clientFormValue(client?: Client): ClientFormValue {
  return {
    name: client?.name ?? '',
    description: client?.description ?? '',
    endpoint: client?.endpoint ?? '',
    authenticationType: client?.authenticationType ?? 'api_key',
    apiKey: '',
    keycloakClientId: client?.keycloakClientId ?? '',
    keycloakClientSecret: '',
    keycloakRealm: client?.keycloakRealm ?? '',
    keycloakAuthServerUrl: client?.keycloakAuthServerUrl ?? '',
    agentWsPort: client?.agentWsPort ?? 8080,
    environment: client?.environment ?? DEFAULT_CLIENT_ENVIRONMENTS[0],
    labels: labelRows(client?.labels ?? {}),
    teamId: client?.teamId ?? null,
  };
}

/** The labels editor's rows for saved labels, in key order. */
export function labelRows(labels: Record<string, string>): LabelRow[] {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ key, value }));
}

/** The labels the rows say, keys and values trimmed; a row left without a key is no label. */
export function labelsFromRows(rows: readonly LabelRow[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key) labels[key] = row.value.trim();
  }
  return labels;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && a[key] === b[key]);
}

/**
 * The environments the form offers. The controller does not publish its configured list (CLIENT_ENVIRONMENTS), so
 * these are its defaults, plus the client's own when it is in another configured one.
 */
export function environmentOptions(current?: string): string[] {
  const options: string[] = [...DEFAULT_CLIENT_ENVIRONMENTS];
  if (current && !options.includes(current)) options.push(current);
  return options;
}

/**
 * Only the fields of the chosen authentication type, and no empty optional values: a realm or Keycloak URL left
 * empty in a team is the team's default (the controller fills it in).
 */
export function toCreateRequest(value: ClientFormValue): CreateClientRequest {
  const labels = labelsFromRows(value.labels);
  const common = {
    name: value.name,
    ...(value.description.trim() ? { description: value.description } : {}),
    endpoint: value.endpoint,
    agentWsPort: Number(value.agentWsPort),
    environment: value.environment,
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(value.teamId ? { teamId: value.teamId } : {}),
  };
  if (value.authenticationType === 'api_key') {
    return { ...common, authenticationType: 'api_key', ...(value.apiKey ? { apiKey: value.apiKey } : {}) };
  }
  return {
    ...common,
    authenticationType: 'keycloak',
    keycloakClientId: value.keycloakClientId,
    keycloakClientSecret: value.keycloakClientSecret,
    ...(value.keycloakRealm || !value.teamId ? { keycloakRealm: value.keycloakRealm } : {}),
    ...(value.keycloakAuthServerUrl ? { keycloakAuthServerUrl: value.keycloakAuthServerUrl } : {}),
  };
}

/**
 * Only what changed against the saved client, so an unchanged credential is never sent (and a connection
 * setting left alone does not trigger a new check). An empty secret means "keep the current one"; `null`
 * when nothing changed.
 */
export function toUpdateRequest(client: Client, value: ClientFormValue): UpdateClientRequest | null {
  const request: UpdateClientRequest = {};
  if (value.name.trim() !== client.name) request.name = value.name;
  const description = value.description.trim() ? value.description : null;
  if (description !== client.description) request.description = description;
  if (value.endpoint.trim() !== client.endpoint) request.endpoint = value.endpoint;
  if (Number(value.agentWsPort) !== client.agentWsPort) request.agentWsPort = Number(value.agentWsPort);
  if (value.environment !== client.environment) request.environment = value.environment;
  if (value.teamId !== (client.teamId ?? null)) request.teamId = value.teamId;
  const labels = labelsFromRows(value.labels);
  if (!sameLabels(labels, client.labels)) request.labels = labels;
  if (value.authenticationType !== client.authenticationType) request.authenticationType = value.authenticationType;
  if (value.authenticationType === 'api_key') {
    if (value.apiKey) request.apiKey = value.apiKey;
  } else {
    if (value.keycloakClientId !== (client.keycloakClientId ?? '')) request.keycloakClientId = value.keycloakClientId;
    if (value.keycloakClientSecret) request.keycloakClientSecret = value.keycloakClientSecret;
    if (value.keycloakRealm !== (client.keycloakRealm ?? '')) request.keycloakRealm = value.keycloakRealm;
    const authServerUrl = value.keycloakAuthServerUrl || null;
    if (authServerUrl !== client.keycloakAuthServerUrl) request.keycloakAuthServerUrl = authServerUrl;
  }
  return Object.keys(request).length > 0 ? request : null;
}

/** What the controller saves without checking the remote again (its NOT_CONNECTION_FIELDS). */
const NOT_CONNECTION_FIELDS = new Set(['name', 'description', 'environment', 'labels', 'teamId']);

/** A connection setting changed: the controller checks the remote again when it saves. */
export function changesConnection(request: UpdateClientRequest): boolean {
  return Object.keys(request).some((field) => !NOT_CONNECTION_FIELDS.has(field));
}

/** The agent WebSocket port a new client gets when none is given: its team's default, else the controller's 8080. */
export function defaultAgentWsPort(team: Pick<Team, 'defaults'> | null | undefined): number {
  return team?.defaults.agentWsPort ?? 8080;
}
