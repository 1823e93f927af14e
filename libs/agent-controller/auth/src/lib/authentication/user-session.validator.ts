import { Injectable } from '@nestjs/common';
import { DomainError } from '@agent-controller/core';
import { UsersRepository } from '../users/users.repository';
import { readAccessTokenClaims } from './access-token.service';
import { AuthenticatedPrincipal, userPrincipal } from './principal';

/**
 * `users` mode, after the token's signature and expiry were checked: re-reads the user so a lock, a demotion
 * or a password change (token version) applies at once. Shared by HTTP (passport) and the Socket.IO gateway.
 */
@Injectable()
export class UserSessionValidator {
  constructor(private readonly users: UsersRepository) {}

  /** `payload`: the claims of a token whose signature, issuer and expiry (when present) were verified. */
  async principalFor(payload: unknown): Promise<AuthenticatedPrincipal> {
    const claims = readAccessTokenClaims(payload);
    const user = await this.users.findById(claims.sub);
    if (!user) throw new DomainError('UNAUTHORIZED', 'Unknown user');
    if (user.lockedAt) throw new DomainError('ACCOUNT_LOCKED', 'This account is locked');
    if (claims.ver !== user.tokenVersion) throw new DomainError('UNAUTHORIZED', 'Session ended, please log in again');
    return userPrincipal(user);
  }
}
