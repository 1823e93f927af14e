import { AppConfig } from '@agent-controller/core';
import { AuthConfig } from '@agent-controller/shared-contracts';

/** The public part of the authentication settings: what the console needs to sign in. No secret leaves here. */
export function toAuthConfigResponse(auth: AppConfig['auth']): AuthConfig {
  const keycloak = auth.method === 'keycloak' ? auth.keycloak : undefined;
  return {
    authenticationMethod: auth.method,
    ...(keycloak
      ? { keycloak: { issuer: keycloak.issuer, clientId: keycloak.consoleClientId, scope: keycloak.consoleScope } }
      : {}),
  };
}
