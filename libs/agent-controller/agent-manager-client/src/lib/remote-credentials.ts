/** How the controller authenticates to one remote: decrypted from the client row just before a call. */
export type RemoteCredentials =
  | { type: 'api_key'; apiKey: string }
  | { type: 'keycloak'; clientId: string; clientSecret: string; realm: string; authServerUrl: string | null };

/** The remote a call goes to. `clientId` names it in errors and keys its token cache. */
export interface RemoteTarget {
  clientId: string;
  endpoint: string;
  credentials: RemoteCredentials;
}
