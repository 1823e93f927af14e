import { Logger } from '@nestjs/common';
import { DomainError, KeycloakAuthConfig } from '@agent-controller/core';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { identityFromClaims, KeycloakIdentity } from './keycloak-identity';
import {
  CLOCK_TOLERANCE_SECONDS,
  keycloakEndpoints,
  KeycloakTokenVerifier,
  keycloakUnavailable,
} from './keycloak-token-verifier';

/** Bounds the memory of the positive cache; the oldest entries go first. */
export const INTROSPECTION_CACHE_MAX_ENTRIES = 10_000;

const introspectionSchema = z.looseObject({
  active: z.boolean(),
  exp: z.number().optional().catch(undefined),
});

interface CachedIdentity {
  identity: KeycloakIdentity;
  expiresAt: number;
}

/**
 * `ONLINE`: asks Keycloak about every token (RFC 7662 introspection, authenticated as this controller's client),
 * so a revoked token or an ended session stops working at once, up to the positive cache. Only "active"
 * answers are cached, keyed by the token's SHA-256, never past the token's own expiry; concurrent requests
 * with one token share one call.
 */
export class IntrospectionTokenVerifier implements KeycloakTokenVerifier {
  private readonly logger = new Logger('KeycloakOnline');
  private readonly endpoint: string;
  private readonly cache = new Map<string, CachedIdentity>();
  private readonly inFlight = new Map<string, Promise<CachedIdentity>>();

  constructor(
    private readonly settings: KeycloakAuthConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.endpoint = keycloakEndpoints(settings).introspection;
  }

  async verify(token: string): Promise<KeycloakIdentity> {
    const key = createHash('sha256').update(token, 'utf8').digest('hex');
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.identity;
    if (cached) this.cache.delete(key);

    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.introspect(token).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const result = await pending;
    if (result.expiresAt > this.now() && !this.cache.has(key)) this.remember(key, result);
    return result.identity;
  }

  private remember(key: string, entry: CachedIdentity): void {
    if (this.cache.size >= INTROSPECTION_CACHE_MAX_ENTRIES) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(key, entry);
  }

  private async introspect(token: string): Promise<CachedIdentity> {
    const answer = await this.ask(token);
    if (!answer.active) throw new DomainError('UNAUTHORIZED', 'Token is not active');
    const now = this.now();
    if (answer.exp !== undefined && answer.exp * 1000 + CLOCK_TOLERANCE_SECONDS * 1000 <= now) {
      throw new DomainError('UNAUTHORIZED', 'Token has expired');
    }
    const identity = identityFromClaims(answer, this.settings);
    const cacheUntil = now + this.settings.introspectionCacheSeconds * 1000;
    return { identity, expiresAt: answer.exp === undefined ? cacheUntil : Math.min(cacheUntil, answer.exp * 1000) };
  }

  private async ask(token: string): Promise<z.infer<typeof introspectionSchema>> {
    // client_secret_post: Keycloak accepts it, and it avoids the URL-encoding ambiguity of Basic credentials.
    const body = new URLSearchParams({
      token,
      token_type_hint: 'access_token',
      client_id: this.settings.clientId,
      client_secret: this.settings.clientSecret ?? '',
    });
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.settings.requestTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      this.logger.warn(`Keycloak introspection failed: ${describe(error)}`);
      throw keycloakUnavailable();
    }
    if (response.status === 400) {
      // The request is ours and well-formed, so what was refused is the token (e.g. a type the server cannot
      // introspect). Keycloak itself answers `active: false` instead.
      throw new DomainError('UNAUTHORIZED', 'Token was refused by Keycloak');
    }
    if (response.status !== 200) {
      // 401/403 here mean this controller's client id or secret is wrong: an operator problem, not the caller's.
      this.logger.error(`Keycloak introspection answered HTTP ${response.status}; check KEYCLOAK_CLIENT_ID/SECRET`);
      throw keycloakUnavailable();
    }
    try {
      return introspectionSchema.parse(JSON.parse(text));
    } catch {
      this.logger.error('Keycloak introspection answered something that is not an RFC 7662 response');
      throw keycloakUnavailable();
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}
