import { AuthenticationMethod, Principal } from '@agent-controller/shared-contracts';
import { RequestPrincipal } from '@agent-controller/core';
import { UserEntity } from '../users/user.entity';
import { toUserResponse } from '../users/user.mapper';

/** The authenticated caller as the auth module sees it: the shared principal plus the user's row. */
export type AuthenticatedPrincipal =
  | (RequestPrincipal & { kind: 'api-key'; user?: undefined })
  | (RequestPrincipal & { kind: 'user'; user: UserEntity });

export const API_KEY_PRINCIPAL: AuthenticatedPrincipal = {
  kind: 'api-key',
  isGlobalAdmin: true,
  userId: null,
  email: null,
};

export function userPrincipal(user: UserEntity): AuthenticatedPrincipal {
  return { kind: 'user', isGlobalAdmin: user.role === 'admin', userId: user.id, email: user.email, user };
}

export function toPrincipalResponse(principal: AuthenticatedPrincipal, method: AuthenticationMethod): Principal {
  return {
    kind: principal.kind,
    isGlobalAdmin: principal.isGlobalAdmin,
    user: principal.kind === 'user' ? toUserResponse(principal.user) : null,
    authenticationMethod: method,
  };
}
