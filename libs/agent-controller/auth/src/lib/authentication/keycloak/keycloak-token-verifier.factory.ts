import { AppConfig, DomainError } from '@agent-controller/core';
import { IntrospectionTokenVerifier } from './introspection-token-verifier';
import { KeycloakTokenVerifier } from './keycloak-token-verifier';
import { OfflineTokenVerifier } from './offline-token-verifier';

/** The verifier of the configured validation mode; outside keycloak mode one that refuses everything. */
export function createKeycloakTokenVerifier(config: AppConfig): KeycloakTokenVerifier {
  const settings = config.auth.keycloak;
  if (config.auth.method !== 'keycloak' || !settings) {
    return {
      verify: () => Promise.reject(new DomainError('UNAUTHORIZED', 'Keycloak authentication is not enabled')),
    };
  }
  switch (settings.tokenValidation) {
    case 'OFFLINE':
      return new OfflineTokenVerifier(settings);
    case 'ONLINE':
      return new IntrospectionTokenVerifier(settings);
  }
}
