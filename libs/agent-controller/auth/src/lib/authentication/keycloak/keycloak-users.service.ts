import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@agent-controller/audit';
import { DomainError } from '@agent-controller/core';
import { isUniqueViolation } from '@agent-controller/database';
import { UserEntity } from '../../users/user.entity';
import { UsersRepository } from '../../users/users.repository';
import { KeycloakIdentity, placeholderEmail, roleOf } from './keycloak-identity';

/** Attempts at linking or creating before giving up; each retry follows a concurrent change by another request. */
const MAX_ATTEMPTS = 3;

class ConcurrentLink extends Error {}

const actorOf = (user: UserEntity) => ({ id: user.id, email: user.email });

/**
 * Maps a Keycloak identity to its local user, on every request: by subject; on first sight by verified e-mail
 * (linking a user an admin created before), else a new user. The realm role decides the local role each time,
 * so the users table and every permission check agree with the token.
 */
@Injectable()
export class KeycloakUsersService {
  private readonly logger = new Logger('KeycloakUsers');

  constructor(
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
  ) {}

  async resolveUser(identity: KeycloakIdentity): Promise<UserEntity> {
    const user = (await this.users.findByKeycloakSubject(identity.subject)) ?? (await this.linkOrCreate(identity));
    if (user.lockedAt) throw new DomainError('ACCOUNT_LOCKED', 'This account is locked');
    await this.syncRole(user, identity);
    await this.syncEmail(user, identity);
    await this.recordSignIn(user, identity);
    return user;
  }

  /**
   * Every request carries the token, so a sign-in is a token from a Keycloak session newer than the one
   * recorded: compared with the row just read, it costs a write once per sign-in, not per request.
   */
  private async recordSignIn(user: UserEntity, identity: KeycloakIdentity): Promise<void> {
    const at = identity.signedInAt;
    if (!at || (user.lastSignInAt && user.lastSignInAt >= at)) return;
    await this.users.recordSignIn(user.id, at);
    user.lastSignInAt = at;
  }

  private async linkOrCreate(identity: KeycloakIdentity): Promise<UserEntity> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.users.transaction(async (manager) => {
          const sameEmail = identity.verifiedEmail
            ? await this.users.findByEmail(identity.verifiedEmail, manager)
            : null;
          if (sameEmail && sameEmail.keycloakSubject === null) {
            if (!(await this.users.linkKeycloakSubject(sameEmail.id, identity.subject, manager))) {
              throw new ConcurrentLink();
            }
            sameEmail.keycloakSubject = identity.subject;
            await this.audit.record(
              {
                action: 'user.keycloak_link',
                targetType: 'user',
                targetId: sameEmail.id,
                actor: actorOf(sameEmail),
                changes: { keycloakSubject: { from: null, to: identity.subject } },
              },
              manager,
            );
            return sameEmail;
          }
          if (sameEmail) {
            this.logger.warn(
              `User ${sameEmail.id} with the same verified e-mail is linked to another Keycloak subject; creating a separate user`,
            );
          }
          // A verified address nobody has yet; otherwise one that cannot collide with anybody's.
          const email =
            identity.verifiedEmail && !sameEmail ? identity.verifiedEmail : placeholderEmail(identity.subject);
          const user = await this.users.insert(
            { email, passwordHash: null, role: roleOf(identity), keycloakSubject: identity.subject },
            manager,
          );
          await this.audit.record(
            {
              action: 'user.create',
              targetType: 'user',
              targetId: user.id,
              actor: actorOf(user),
              changes: {
                email: { from: null, to: user.email },
                role: { from: null, to: user.role },
                keycloakSubject: { from: null, to: identity.subject },
              },
              details: { source: 'keycloak' },
            },
            manager,
          );
          return user;
        });
      } catch (error) {
        if (!(error instanceof ConcurrentLink) && !isUniqueViolation(error)) throw error;
        // Another request of the same subject won (the subject is unique): use its row. Otherwise someone took
        // the e-mail or linked the row meanwhile: look again.
        const winner = await this.users.findByKeycloakSubject(identity.subject);
        if (winner) return winner;
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async syncRole(user: UserEntity, identity: KeycloakIdentity): Promise<void> {
    const role = roleOf(identity);
    if (user.role === role) return;
    const from = user.role;
    await this.users.transaction(async (manager) => {
      if (!(await this.users.updateRoleIfDifferent(user.id, role, manager))) return;
      await this.audit.record(
        {
          action: 'user.update',
          targetType: 'user',
          targetId: user.id,
          actor: actorOf(user),
          changes: { role: { from, to: role } },
          details: { source: 'keycloak' },
        },
        manager,
      );
    });
    user.role = role;
  }

  /** Follows a changed verified address (or replaces the placeholder) unless another user has it. */
  private async syncEmail(user: UserEntity, identity: KeycloakIdentity): Promise<void> {
    const email = identity.verifiedEmail;
    if (email === null || email === user.email) return;
    const from = user.email;
    try {
      await this.users.transaction(async (manager) => {
        if (!(await this.users.updateEmailIfUnchanged(user.id, from, email, manager))) return;
        await this.audit.record(
          {
            action: 'user.update',
            targetType: 'user',
            targetId: user.id,
            actor: { id: user.id, email },
            changes: { email: { from, to: email } },
            details: { source: 'keycloak' },
          },
          manager,
        );
      });
      user.email = email;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      this.logger.debug(`Keeping the e-mail of user ${user.id}: another user has the one in the token`);
    }
  }
}
