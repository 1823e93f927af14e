import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import {
  AppConfig,
  appConfig,
  DomainError,
  PUBLIC_ROUTE,
  RequestPrincipal,
  setRequestPrincipal,
} from '@agent-controller/core';
import type { Request } from 'express';
import { ApiTokensService, carriesApiToken } from '../api-tokens/api-tokens.service';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { KeycloakAuthenticator } from './keycloak/keycloak.authenticator';
import { AuthenticatedPrincipal } from './principal';

/**
 * Global guard: every route needs credentials of the configured mode unless marked `@Public()`; in modes
 * `users` and `keycloak` a scoped API token (`Bearer act_…`) also does.
 * Whatever goes wrong, the answer is 401/403, never a pass.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly keycloak: KeycloakAuthenticator,
    private readonly apiTokens: ApiTokensService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return false;
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const method = this.config.auth.method;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthenticatedPrincipal }>();
    if (method !== 'api-key' && carriesApiToken(request.headers.authorization)) {
      const principal = await this.apiTokens.authenticate(request.headers.authorization ?? '', request.ip);
      if (principal.token) this.apiTokens.assertRouteAllowed(principal.token, request.method, request.path);
      request.user = principal;
      setRequestPrincipal(principal);
      return true;
    }
    switch (method) {
      case 'api-key': {
        const principal = this.apiKeys.authenticate(request.headers.authorization);
        request.user = principal;
        setRequestPrincipal(principal);
        return true;
      }
      case 'keycloak': {
        const principal = await this.keycloak.authenticate(request.headers.authorization);
        request.user = principal;
        setRequestPrincipal(principal);
        return true;
      }
      case 'users': {
        const allowed = (await super.canActivate(context)) as boolean;
        setRequestPrincipal(context.switchToHttp().getRequest<{ user: RequestPrincipal }>().user);
        return allowed;
      }
    }
  }

  override handleRequest<T>(error: unknown, principal: T | false, info: unknown): T {
    if (error) throw error;
    if (!principal) {
      const reason = info instanceof Error ? info.message : undefined;
      throw new DomainError(
        'UNAUTHORIZED',
        reason === 'No auth token' || !reason ? 'Missing or malformed bearer token' : `Invalid token: ${reason}`,
      );
    }
    return principal;
  }
}
