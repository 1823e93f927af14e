import { RemoteTarget } from '@agent-controller/agent-manager-client';
import { ClientEntity } from './client.entity';

/** What a remote call needs of a client row (or of a client about to be made). */
export type RemoteTargetSource = Pick<
  ClientEntity,
  | 'id'
  | 'endpoint'
  | 'authenticationType'
  | 'apiKey'
  | 'keycloakClientId'
  | 'keycloakClientSecret'
  | 'keycloakRealm'
  | 'keycloakAuthServerUrl'
>;

/** The credentials of a client row, decrypted, in the shape the remote client needs. */
export function toRemoteTarget(client: RemoteTargetSource): RemoteTarget {
  const credentials =
    client.authenticationType === 'api_key'
      ? { type: 'api_key' as const, apiKey: client.apiKey ?? '' }
      : {
          type: 'keycloak' as const,
          clientId: client.keycloakClientId ?? '',
          clientSecret: client.keycloakClientSecret ?? '',
          realm: client.keycloakRealm ?? '',
          authServerUrl: client.keycloakAuthServerUrl,
        };
  return { clientId: client.id, endpoint: client.endpoint, credentials };
}
