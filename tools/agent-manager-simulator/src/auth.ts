import type { IncomingHttpHeaders } from 'node:http';

import type { RequestHandler } from 'express';

import { unauthorized } from './http-errors';

/**
 * HTTP authentication (contract §2): `api-key`, or `keycloak` (bearer JWTs of one realm checked against
 * its JWKS). The Socket.IO gateway of the real manager has no handshake auth, so only HTTP
 * routes use this.
 */
export type AuthMode = 'api-key' | 'keycloak';

export interface AuthenticatedUser {
  id: string;
  username: string;
  roles: string[];
}

/** What an authenticator sees of a request (kept minimal so it also fits a Socket.IO handshake). */
export interface AuthRequest {
  headers: IncomingHttpHeaders;
}

/** Resolves the user, or throws the 401 `HttpException` the real manager would send. */
export type Authenticator = (request: AuthRequest) => Promise<AuthenticatedUser>;

export const API_KEY_USER: Readonly<AuthenticatedUser> = Object.freeze({
  id: 'api-key-user',
  username: 'api-key',
  roles: ['admin', 'user'],
});

/**
 * `STATIC_API_KEY` check, outcome for outcome: no header → "Missing authorization header"; anything that
 * does not split on single spaces into exactly two parts → "Invalid authorization header format"; scheme
 * other than `Bearer`/`ApiKey` (case-sensitive) or another key → "Invalid API key". Success is an admin.
 */
export function createApiKeyAuthenticator(apiKey: string): Authenticator {
  return async (request) => {
    const header = request.headers.authorization;
    if (!header) {
      throw unauthorized('Missing authorization header');
    }
    const parts = header.split(' ');
    if (parts.length !== 2) {
      throw unauthorized('Invalid authorization header format');
    }
    const [scheme, providedKey] = parts;
    if ((scheme === 'Bearer' || scheme === 'ApiKey') && providedKey === apiKey) {
      return { ...API_KEY_USER, roles: [...API_KEY_USER.roles] };
    }
    throw unauthorized('Invalid API key');
  };
}

/**
 * Keycloak mode: `Authorization: Bearer <access token>` of the realm, checked offline against the realm's
 * JWKS (signature, issuer, expiry). Anything else is a bare 401, as nest-keycloak-connect answers.
 */
export function createKeycloakAuthenticator(issuer: string): Authenticator {
  let verify: ((token: string) => Promise<Record<string, unknown>>) | undefined;
  const load = async () => {
    // jose is ESM-only: loaded on first use, and only in this mode.
    const { createRemoteJWKSet, jwtVerify } = await import('jose');
    const keys = createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`));
    return async (token: string) => (await jwtVerify(token, keys, { issuer })).payload as Record<string, unknown>;
  };
  return async (request) => {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    if (!match) throw unauthorized('Unauthorized');
    verify ??= await load();
    let claims: Record<string, unknown>;
    try {
      claims = await verify(match[1]);
    } catch {
      throw unauthorized('Unauthorized');
    }
    const realmRoles = (claims['realm_access'] as { roles?: unknown } | undefined)?.roles;
    return {
      id: String(claims['sub'] ?? ''),
      username: String(claims['preferred_username'] ?? claims['azp'] ?? claims['sub'] ?? ''),
      roles: Array.isArray(realmRoles) ? realmRoles.map(String) : [],
    };
  };
}

export interface AuthSettings {
  mode: AuthMode;
  apiKey: string;
  keycloakIssuer?: string;
}

export function createAuthenticator(settings: AuthSettings): Authenticator {
  switch (settings.mode) {
    case 'api-key':
      return createApiKeyAuthenticator(settings.apiKey);
    case 'keycloak':
      if (!settings.keycloakIssuer) throw new Error('keycloak mode needs the realm issuer URL (--keycloak-issuer)');
      return createKeycloakAuthenticator(settings.keycloakIssuer);
  }
}

/** Route guard: authenticates, stores the user in `res.locals.user`, or passes the 401 on. */
export function createAuthGuard(authenticate: Authenticator): RequestHandler {
  return (req, res, next) => {
    authenticate(req).then(
      (user) => {
        res.locals['user'] = user;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}
