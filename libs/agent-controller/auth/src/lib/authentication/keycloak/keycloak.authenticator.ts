import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@agent-controller/core';
import { AuthenticatedPrincipal, userPrincipal } from '../principal';
import { KEYCLOAK_TOKEN_VERIFIER, KeycloakTokenVerifier } from './keycloak-token-verifier';
import { KeycloakUsersService } from './keycloak-users.service';

/** `keycloak` mode: `Authorization: Bearer <Keycloak access token>` → the local user it maps to. */
@Injectable()
export class KeycloakAuthenticator {
  constructor(
    @Inject(KEYCLOAK_TOKEN_VERIFIER) private readonly verifier: KeycloakTokenVerifier,
    private readonly users: KeycloakUsersService,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AuthenticatedPrincipal> {
    const identity = await this.verifier.verify(bearerToken(authorization));
    return userPrincipal(await this.users.resolveUser(identity));
  }
}

export function bearerToken(authorization: string | undefined): string {
  if (!authorization) throw new DomainError('UNAUTHORIZED', 'Missing Authorization header');
  const match = /^Bearer +(\S+)$/i.exec(authorization.trim());
  if (!match) throw new DomainError('UNAUTHORIZED', 'Authorization header must be "Bearer <access token>"');
  return match[1];
}
