import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig, appConfig, DomainError } from '@agent-controller/core';
import type { KeyObject } from 'node:crypto';
import { ACCESS_TOKEN_ISSUER, accessTokenKey } from './access-token.service';
import { ApiTokensService, carriesApiToken } from '../api-tokens/api-tokens.service';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { bearerToken, KeycloakAuthenticator } from './keycloak/keycloak.authenticator';
import { AuthenticatedPrincipal } from './principal';
import { UserSessionValidator } from './user-session.validator';

/**
 * The caller behind an `Authorization` value, in the configured mode, for callers that are not HTTP requests
 * (Socket.IO handshakes and their periodic re-checks). It reaches the same decision as the HTTP guard: the same
 * key comparison, the same JWT checks as passport-jwt (HS256, issuer, expiry) and the same user re-read.
 */
@Injectable()
export class CredentialsAuthenticator {
  private readonly tokenKey: KeyObject;

  constructor(
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly keycloak: KeycloakAuthenticator,
    private readonly sessions: UserSessionValidator,
    private readonly jwt: JwtService,
    private readonly apiTokens: ApiTokensService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    this.tokenKey = accessTokenKey(config.auth.jwtSecret);
  }

  /** `address`: where the caller connects from (an API token may be limited to some addresses). */
  async authenticate(authorization: string | undefined, address?: string): Promise<AuthenticatedPrincipal> {
    const method = this.config.auth.method;
    if (method !== 'api-key' && carriesApiToken(authorization)) {
      return this.apiTokens.authenticate(authorization ?? '', address);
    }
    switch (method) {
      case 'api-key':
        return this.apiKeys.authenticate(authorization);
      case 'keycloak':
        return this.keycloak.authenticate(authorization);
      case 'users': {
        const token = bearerToken(authorization);
        const payload = await this.jwt
          .verifyAsync<object>(token, {
            secret: this.tokenKey as unknown as string,
            algorithms: ['HS256'],
            issuer: ACCESS_TOKEN_ISSUER,
          })
          .catch((error: unknown) => {
            throw new DomainError('UNAUTHORIZED', `Invalid token: ${(error as Error).message}`);
          });
        return this.sessions.principalFor(payload);
      }
    }
  }
}
