import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig, DomainError, FleetEvents, RequestValidationError } from '@agent-controller/core';
import { ChangePasswordRequest, LoginRequest, TokenResponse } from '@agent-controller/shared-contracts';
import { AuditService } from '@agent-controller/audit';
import { PasswordHasher } from '../users/password-hasher';
import { UsersRepository } from '../users/users.repository';
import { AccessTokenService } from './access-token.service';
import { LoginThrottle } from './login-throttle/login-throttle.service';
import { notApplicableInMode } from './not-applicable';
import { AuthenticatedPrincipal } from './principal';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly accessTokens: AccessTokenService,
    private readonly audit: AuditService,
    private readonly loginThrottle: LoginThrottle,
    private readonly events: FleetEvents,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async login(request: LoginRequest): Promise<TokenResponse> {
    if (this.config.auth.method !== 'users') {
      throw notApplicableInMode(this.config.auth.method, 'Log-in applies only to the users authentication mode');
    }
    // Before the password is checked: a refused attempt costs no hashing and tells nothing.
    await this.loginThrottle.admit(request.email);
    const user = await this.users.findByEmail(request.email);
    const valid = await this.hasher.verify(user?.passwordHash ?? null, request.password);
    if (!user || !valid) {
      await this.audit.recordOutsideTransaction({
        action: 'auth.login',
        outcome: 'failure',
        details: { email: request.email },
      });
      throw new DomainError('INVALID_CREDENTIALS', 'E-mail or password is wrong');
    }
    await this.loginThrottle.forgive(request.email);
    const actor = { id: user.id, email: user.email };
    // Revealed only to someone who knows the password.
    if (user.lockedAt) {
      await this.audit.recordOutsideTransaction({
        action: 'auth.login',
        outcome: 'denied',
        actor,
        details: { reason: 'locked' },
      });
      throw new DomainError('ACCOUNT_LOCKED', 'This account is locked');
    }
    await this.audit.recordOutsideTransaction({ action: 'auth.login', actor, targetType: 'user', targetId: user.id });
    const signedInAt = new Date();
    await this.users.recordSignIn(user.id, signedInAt);
    user.lastSignInAt = signedInAt;
    return this.accessTokens.issue(user);
  }

  /** A fresh token for a caller whose current token is still valid (checked by the guard). */
  refresh(principal: AuthenticatedPrincipal): Promise<TokenResponse> {
    const user = requireUser(principal);
    this.refuseInKeycloakMode('Tokens come from Keycloak; renew them there');
    return this.accessTokens.issue(user);
  }

  async changePassword(principal: AuthenticatedPrincipal, request: ChangePasswordRequest): Promise<TokenResponse> {
    const user = requireUser(principal);
    this.refuseInKeycloakMode('Passwords are managed in Keycloak');
    if (!(await this.hasher.verify(user.passwordHash, request.currentPassword))) {
      // 400, not 401: the session is fine, and clients treat 401 as "log in again".
      throw new RequestValidationError([{ field: 'currentPassword', location: 'body', message: 'wrong password' }]);
    }
    const passwordHash = await this.hasher.hash(request.newPassword);
    const updated = await this.users.transaction(async (manager) => {
      const current = await this.users.findById(user.id, manager);
      if (!current) throw new DomainError('UNAUTHORIZED', 'Unknown user');
      current.passwordHash = passwordHash;
      current.tokenVersion += 1;
      const saved = await this.users.save(current, manager);
      await this.audit.record(
        {
          action: 'auth.password_change',
          targetType: 'user',
          targetId: user.id,
          changes: { passwordHash: { from: '[redacted]', to: '[redacted]' } },
        },
        manager,
      );
      return saved;
    });
    // Other sessions end (on every replica); this one continues with a new token.
    this.events.publish({ type: 'userAccessChanged', userId: updated.id });
    return this.accessTokens.issue(updated);
  }

  private refuseInKeycloakMode(message: string): void {
    if (this.config.auth.method === 'keycloak') throw notApplicableInMode('keycloak', message);
  }
}

export function requireUser(principal: AuthenticatedPrincipal) {
  if (principal.kind !== 'user') {
    throw new DomainError('NOT_APPLICABLE_IN_API_KEY_MODE', 'This action needs a user; the API key holder is not one');
  }
  return principal.user;
}
