import { DomainError, KeycloakAuthConfig } from '@agent-controller/core';
import { KeycloakIdentity } from './keycloak-identity';

/** Turns a bearer token into the identity it stands for, or throws 401 (bad token) / 503 (Keycloak unreachable). */
export interface KeycloakTokenVerifier {
  verify(token: string): Promise<KeycloakIdentity>;
}

export const KEYCLOAK_TOKEN_VERIFIER = Symbol('KeycloakTokenVerifier');

/** Seconds of clock difference tolerated on `exp`/`nbf`/`iat` between Keycloak and this host. */
export const CLOCK_TOLERANCE_SECONDS = 5;

export function keycloakEndpoints(settings: Pick<KeycloakAuthConfig, 'issuer'>) {
  const base = `${settings.issuer}/protocol/openid-connect`;
  return { jwks: `${base}/certs`, introspection: `${base}/token/introspect` };
}

/** Not the caller's fault, so not 401 (which clients take as "sign in again"). */
export function keycloakUnavailable(): DomainError {
  return new DomainError('SERVICE_UNAVAILABLE', 'Keycloak is unavailable; try again shortly');
}
