import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig } from '@agent-controller/core';
import { isVisibleAscii } from '@agent-controller/shared-contracts';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EndpointPolicy } from './endpoint-policy';
import { RemoteCallError } from './remote-call.error';
import { RemoteCredentials } from './remote-credentials';
import { sendRemoteRequest } from './remote-http';

type KeycloakCredentials = Extract<RemoteCredentials, { type: 'keycloak' }>;

// The token goes into an Authorization header: one that header cannot carry is as unusable as none.
const tokenResponseSchema = z.object({
  access_token: z.string().refine(isVisibleAscii),
  expires_in: z.number().positive(),
});

// Renew a little before expiry so a token never dies in flight.
const EXPIRY_MARGIN_MS = 30_000;

/**
 * OAuth2 client-credentials tokens for `keycloak` clients: cached per client until shortly before expiry,
 * one fetch in flight per client. The cache key includes a fingerprint of the credentials, so changing
 * them drops the old token.
 */
@Injectable()
export class KeycloakTokenProvider {
  private readonly cache = new Map<string, { token: string; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly endpoints: EndpointPolicy,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async getToken(clientId: string, credentials: KeycloakCredentials): Promise<string> {
    const key = `${clientId}:${fingerprint(credentials)}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const fetching = this.fetchToken(credentials)
      .then(({ token, expiresInMs }) => {
        this.forget(clientId);
        this.cache.set(key, {
          token,
          expiresAt: Date.now() + Math.max(expiresInMs - EXPIRY_MARGIN_MS, expiresInMs / 2),
        });
        return token;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, fetching);
    return fetching;
  }

  /** Drops every cached token of a client (credentials changed, client deleted, remote said 401). */
  forget(clientId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${clientId}:`)) this.cache.delete(key);
  }

  private async fetchToken(credentials: KeycloakCredentials): Promise<{ token: string; expiresInMs: number }> {
    const base = credentials.authServerUrl ?? this.config.keycloak.authServerUrl;
    if (!base)
      throw new RemoteCallError(
        'auth',
        'No Keycloak server URL: set keycloakAuthServerUrl or KEYCLOAK_AUTH_SERVER_URL',
      );
    const url = new URL(
      `${base.replace(/\/+$/, '')}/realms/${encodeURIComponent(credentials.realm)}/protocol/openid-connect/token`,
    );
    const address = await this.endpoints.resolve(url);
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    }).toString();
    let response;
    try {
      response = await sendRemoteRequest({
        url,
        address,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
        timeoutMs: Math.min(this.config.remote.requestTimeoutMs, 15_000),
      });
    } catch (error) {
      const failure = error as RemoteCallError;
      throw new RemoteCallError('auth', `Keycloak token request failed: ${failure.reason ?? failure.message}`);
    }
    if (response.status < 200 || response.status >= 300) {
      throw new RemoteCallError(
        'auth',
        `Keycloak refused the client credentials (HTTP ${response.status})`,
        response.status,
      );
    }
    let parsed;
    try {
      parsed = tokenResponseSchema.parse(JSON.parse(response.body));
    } catch {
      throw new RemoteCallError('auth', 'Keycloak answered without a usable access token');
    }
    return { token: parsed.access_token, expiresInMs: parsed.expires_in * 1000 };
  }
}

function fingerprint(credentials: KeycloakCredentials): string {
  return createHash('sha256')
    .update(
      JSON.stringify([credentials.clientId, credentials.clientSecret, credentials.realm, credentials.authServerUrl]),
    )
    .digest('hex')
    .slice(0, 16);
}
