import { Client, ClientHealth } from '@agent-controller/shared-contracts';
import { ClientEntity } from './client.entity';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The API's view of a client: never its secrets. */
export function toClientResponse(client: ClientEntity): Client {
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
