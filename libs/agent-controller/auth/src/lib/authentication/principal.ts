import { AuthenticationMethod, Principal, UserRole } from '@agent-controller/shared-contracts';
import { UserEntity } from '../users/user.entity';
import { toUserResponse } from '../users/user.mapper';

/** The authenticated caller of a request, attached by the authentication guard. */
export type AuthenticatedPrincipal =
  | { kind: 'api-key'; isGlobalAdmin: true }
  | { kind: 'user'; isGlobalAdmin: boolean; user: UserEntity };

export function userPrincipal(user: UserEntity): AuthenticatedPrincipal {
  return { kind: 'user', isGlobalAdmin: user.role === ('admin' satisfies UserRole), user };
}

export function toPrincipalResponse(principal: AuthenticatedPrincipal, method: AuthenticationMethod): Principal {
  return {
    kind: principal.kind,
    isGlobalAdmin: principal.isGlobalAdmin,
    user: principal.kind === 'user' ? toUserResponse(principal.user) : null,
    authenticationMethod: method,
  };
}
