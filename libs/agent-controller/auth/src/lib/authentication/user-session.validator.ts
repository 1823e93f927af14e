import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { AppConfig, appConfig, DomainError, FleetEvents, VersionedCache } from '@agent-controller/core';
import { Subscription } from 'rxjs';
import { UserEntity } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { readAccessTokenClaims } from './access-token.service';
import { AuthenticatedPrincipal, userPrincipal } from './principal';

/**
 * `users` mode, after the token's signature and expiry were checked: reads the user so a lock, a demotion or a
 * password change (token version) applies at once. Shared by HTTP (passport) and the Socket.IO gateway.
 *
 * The row comes from an access cache while other replicas' events are heard: every change to a user publishes
 * `userAccessChanged` after its commit, which drops the entry on every replica.
 */
@Injectable()
export class UserSessionValidator implements OnModuleDestroy {
  private readonly cache: VersionedCache<UserEntity>;
  private readonly subscriptions: Subscription[];

  constructor(
    private readonly users: UsersRepository,
    events: FleetEvents,
    @Inject(appConfig.KEY) config: AppConfig,
  ) {
    this.cache = new VersionedCache(config.accessCache);
    this.subscriptions = [
      this.cache.trustWhile(events.deliveringChanges()),
      events.on('userAccessChanged').subscribe(({ userId }) => this.cache.invalidate((key) => key === userId)),
    ];
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** `payload`: the claims of a token whose signature, issuer and expiry (when present) were verified. */
  async principalFor(payload: unknown): Promise<AuthenticatedPrincipal> {
    const claims = readAccessTokenClaims(payload);
    const user = await this.activeUser(claims.sub);
    if (claims.ver !== user.tokenVersion) throw new DomainError('UNAUTHORIZED', 'Session ended, please log in again');
    return userPrincipal(user);
  }

  /** The owner of an API token as they are now (their role, not the one they had when the token was made). */
  async principalForUser(userId: string): Promise<AuthenticatedPrincipal> {
    return userPrincipal(await this.activeUser(userId));
  }

  private async activeUser(userId: string): Promise<UserEntity> {
    const user = await this.cache.get(userId, () => this.users.findById(userId));
    if (!user) throw new DomainError('UNAUTHORIZED', 'Unknown user');
    if (user.lockedAt) throw new DomainError('ACCOUNT_LOCKED', 'This account is locked');
    return user;
  }
}
