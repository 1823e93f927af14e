import type { Client, CreateClientRequest, UpdateClientRequest } from '@agent-controller/shared-contracts';

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
  };
}

/** Only the fields of the chosen authentication type, and no empty optional values. */
export function toCreateRequest(value: ClientFormValue): CreateClientRequest {
  const common = {
    name: value.name,
    ...(value.description.trim() ? { description: value.description } : {}),
    endpoint: value.endpoint,
    agentWsPort: Number(value.agentWsPort),
  };
  if (value.authenticationType === 'api_key') {
    return { ...common, authenticationType: 'api_key', ...(value.apiKey ? { apiKey: value.apiKey } : {}) };
  }
  return {
    ...common,
    authenticationType: 'keycloak',
    keycloakClientId: value.keycloakClientId,
    keycloakClientSecret: value.keycloakClientSecret,
    keycloakRealm: value.keycloakRealm,
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

/** A connection setting changed: the controller checks the remote again when it saves. */
export function changesConnection(request: UpdateClientRequest): boolean {
  return Object.keys(request).some((field) => field !== 'name' && field !== 'description');
}
