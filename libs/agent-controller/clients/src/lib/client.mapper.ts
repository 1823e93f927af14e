import { Client, ClientHealth } from '@agent-controller/shared-contracts';
import { CLIENT_PERMISSIONS, ClientRelation } from './client-access.policy';
import { ClientEntity } from './client.entity';
import { canonicalLabels } from './client-labels';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A client as one caller sees it: the row, and how the caller relates to it. */
export interface ClientView {
  client: ClientEntity;
  relation: ClientRelation;
}

/** The API's view of a client for one caller: never its secrets; what the caller may do to it comes along. */
export function toClientResponse({ client, relation }: ClientView): Client {
  return {
    id: client.id,
    name: client.name,
    description: client.description,
    endpoint: client.endpoint,
    authenticationType: client.authenticationType,
    agentWsPort: client.agentWsPort,
    keycloakClientId: client.keycloakClientId,
    keycloakRealm: client.keycloakRealm,
    keycloakAuthServerUrl: client.keycloakAuthServerUrl,
    status: client.status,
    config: client.config,
    health: toClientHealth(client),
    weakApiKey: client.weakApiKey,
    keyCreatedAt: iso(client.keyCreatedAt),
    keyRotatedAt: iso(client.keyRotatedAt),
    lastUsedAt: iso(client.lastUsedAt),
    isAutoProvisioned: client.isAutoProvisioned,
    environment: client.environment,
    labels: canonicalLabels(client.labels),
    teamId: client.teamId ?? null,
    canManageWorkspaceConfiguration: CLIENT_PERMISSIONS.configure.includes(relation),
    createdBy: client.userId,
    createdAt: client.createdAt.toISOString(),
    updatedAt: client.updatedAt.toISOString(),
  };
}

export function toClientHealth(client: ClientEntity): ClientHealth {
  return {
    state: client.healthState,
    reason: client.healthReason,
    checkedAt: iso(client.healthCheckedAt),
    lastSeenAt: iso(client.healthLastSeenAt),
    latencyMs: client.healthLatencyMs,
  };
}
