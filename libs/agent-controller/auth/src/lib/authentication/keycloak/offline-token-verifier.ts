import { Logger } from '@nestjs/common';
import { DomainError, KeycloakAuthConfig } from '@agent-controller/core';
import { createRemoteJWKSet, JWTVerifyGetKey, jwtVerify } from 'jose';
import { identityFromClaims, KeycloakIdentity } from './keycloak-identity';
import {
  CLOCK_TOLERANCE_SECONDS,
  keycloakEndpoints,
  KeycloakTokenVerifier,
  keycloakUnavailable,
} from './keycloak-token-verifier';

/** Keycloak signs with asymmetric keys only; never accept `none` or a shared-secret algorithm. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** An unknown `kid` re-reads the key set at most this often (Keycloak's own adapters wait 10 s too). */
export const JWKS_COOLDOWN_MS = 10_000;
/** Keys are re-read at least this often even when every `kid` is known, so a removed key stops working. */
export const JWKS_MAX_AGE_MS = 10 * 60_000;

/** jose error codes that mean "this token is not acceptable", with the reason the caller sees. */
const TOKEN_ERRORS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'Token has expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'Token signature is invalid',
  ERR_JWKS_NO_MATCHING_KEY: 'Token is signed with an unknown key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'Token is signed with an unknown key',
  ERR_JOSE_ALG_NOT_ALLOWED: 'Token signing algorithm is not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'Token signing algorithm is not allowed',
  ERR_JWS_INVALID: 'Malformed token',
  ERR_JWT_INVALID: 'Malformed token',
};

/** `OFFLINE`: verifies the JWT against the realm's published keys; Keycloak is asked only for its keys. */
export class OfflineTokenVerifier implements KeycloakTokenVerifier {
  private readonly logger = new Logger('KeycloakOffline');
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly settings: KeycloakAuthConfig) {
    // Caches the set; a `kid` it does not know triggers a re-read (rate-limited by the cooldown).
    this.keys = createRemoteJWKSet(new URL(keycloakEndpoints(settings).jwks), {
      timeoutDuration: settings.requestTimeoutMs,
      cooldownDuration: JWKS_COOLDOWN_MS,
      cacheMaxAge: JWKS_MAX_AGE_MS,
    });
  }

  async verify(token: string): Promise<KeycloakIdentity> {
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw this.refusal(error);
    }
    return identityFromClaims(claims, this.settings);
  }

  private refusal(error: unknown): DomainError {
    const code = (error as { code?: unknown })?.code;
    if (typeof code === 'string' && code in TOKEN_ERRORS) return new DomainError('UNAUTHORIZED', TOKEN_ERRORS[code]);
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
      const claim = (error as { claim?: unknown }).claim;
      if (claim === 'iss') return new DomainError('UNAUTHORIZED', 'Token is from another issuer');
      if (claim === 'nbf' || claim === 'iat') return new DomainError('UNAUTHORIZED', 'Token is not valid yet');
      return new DomainError('UNAUTHORIZED', `Token claim "${String(claim)}" is missing or invalid`);
    }
    // What remains is the key set: unreachable, too slow, not 200, or not a key set.
    this.logger.warn(`Could not read Keycloak's signing keys: ${(error as Error)?.message ?? String(error)}`);
    return keycloakUnavailable();
  }
}
