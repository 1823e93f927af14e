import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig, DomainError, FleetEvents } from '@agent-controller/core';
import { isUniqueViolation } from '@agent-controller/database';
import { CreateUserRequest, PagingQuery, UpdateUserRequest } from '@agent-controller/shared-contracts';
import { AuditService, diffFields } from '@agent-controller/audit';
import { EntityManager } from 'typeorm';
import { LoginThrottle } from '../authentication/login-throttle/login-throttle.service';
import { AuthenticatedPrincipal } from '../authentication/principal';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

const AUDITED_USER_FIELDS = ['email', 'role', 'lockedAt', 'passwordHash'] as const;
const SECRET_USER_FIELDS = ['passwordHash'] as const;

function ensureAnotherActiveAdmin(activeAdminIds: string[], userId: string): void {
  if (!activeAdminIds.some((id) => id !== userId)) {
    throw new DomainError('LAST_ADMIN', 'This is the last active admin; promote another user first');
  }
}

/** Locking or deleting yourself ends your own session with nobody to undo it from there: another admin may. */
function refuseSelf(principal: AuthenticatedPrincipal, id: string, action: 'lock' | 'delete'): void {
  if (principal.userId === id) {
    throw new DomainError('SELF_CHANGE_REFUSED', `You cannot ${action} your own account; another admin can`);
  }
}

const emailTaken = () =>
  new DomainError('EMAIL_TAKEN', 'A user with this e-mail already exists', {
    fields: [{ field: 'email', location: 'body', message: 'already in use' }],
  });

/**
 * Global-admin user management. Keeps at least one active admin at all times: every change first locks the
 * active admins' rows (in id order, so concurrent changes queue instead of deadlocking), then the target.
 * A user changed or deleted is told on the event bus once committed, so cached copies are dropped and their
 * open sockets are checked again at once.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly loginThrottle: LoginThrottle,
    private readonly events: FleetEvents,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  listUsers(principal: AuthenticatedPrincipal, paging: PagingQuery): Promise<[UserEntity[], number]> {
    this.requireGlobalAdmin(principal);
    return this.users.findPage(paging.limit, paging.offset);
  }

  async getUser(principal: AuthenticatedPrincipal, id: string): Promise<UserEntity> {
    this.requireGlobalAdmin(principal);
    const user = await this.users.findById(id);
    if (!user) throw new DomainError('NOT_FOUND', 'User not found');
    return user;
  }

  async createUser(principal: AuthenticatedPrincipal, request: CreateUserRequest): Promise<UserEntity> {
    this.requireGlobalAdmin(principal);
    const passwordHash = await this.hasher.hash(request.password);
    try {
      return await this.users.transaction(async (manager) => {
        const user = await this.users.insert({ email: request.email, passwordHash, role: request.role }, manager);
        await this.audit.record(
          {
            action: 'user.create',
            targetType: 'user',
            targetId: user.id,
            changes: diffFields(null, user, AUDITED_USER_FIELDS, SECRET_USER_FIELDS),
          },
          manager,
        );
        return user;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }

  async updateUser(principal: AuthenticatedPrincipal, id: string, request: UpdateUserRequest): Promise<UserEntity> {
    this.requireGlobalAdmin(principal);
    const passwordHash = request.password === undefined ? undefined : await this.hasher.hash(request.password);
    try {
      const saved = await this.users.transaction(async (manager) => {
        const activeAdmins = await this.users.lockActiveAdminIds(manager);
        const user = await this.lockUserOrFail(manager, id);
        const losesAdmin = user.role === 'admin' && (request.role === 'user' || request.locked === true);
        // The last admin hears that first: it is the reason nobody could undo it.
        if (losesAdmin) ensureAnotherActiveAdmin(activeAdmins, user.id);
        if (request.locked === true) refuseSelf(principal, id, 'lock');

        const before = { ...user };
        const endsSessions = passwordHash !== undefined || (request.locked === true && user.lockedAt === null);
        if (request.email !== undefined) user.email = request.email;
        if (request.role !== undefined) user.role = request.role;
        if (passwordHash !== undefined) user.passwordHash = passwordHash;
        if (request.locked !== undefined) user.lockedAt = request.locked ? (user.lockedAt ?? new Date()) : null;
        if (endsSessions) user.tokenVersion += 1;
        // Unlocking also ends a lock that failed log-ins put on the account (kept by e-mail, not on the user row).
        const loginLockCleared = request.locked === false && (await this.loginThrottle.clear(before.email, manager));
        const saved = await this.users.save(user, manager);
        await this.audit.record(
          {
            action: request.locked === undefined ? 'user.update' : request.locked ? 'user.lock' : 'user.unlock',
            targetType: 'user',
            targetId: user.id,
            changes: diffFields(before, saved, AUDITED_USER_FIELDS, SECRET_USER_FIELDS),
            ...(loginLockCleared ? { details: { loginLockCleared: true } } : {}),
          },
          manager,
        );
        return saved;
      });
      // Any change: the row is cached for sessions (e-mail and role are part of the principal).
      this.events.publish({ type: 'userAccessChanged', userId: saved.id });
      return saved;
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }

  setLocked(principal: AuthenticatedPrincipal, id: string, locked: boolean): Promise<UserEntity> {
    return this.updateUser(principal, id, { locked });
  }

  async deleteUser(principal: AuthenticatedPrincipal, id: string): Promise<void> {
    this.requireGlobalAdmin(principal);
    await this.users.transaction(async (manager) => {
      const activeAdmins = await this.users.lockActiveAdminIds(manager);
      const user = await this.lockUserOrFail(manager, id);
      if (user.role === 'admin') ensureAnotherActiveAdmin(activeAdmins, user.id);
      refuseSelf(principal, id, 'delete');
      await this.users.delete(user.id, manager);
      await this.audit.record(
        {
          action: 'user.delete',
          targetType: 'user',
          targetId: user.id,
          changes: diffFields(user, null, AUDITED_USER_FIELDS, SECRET_USER_FIELDS),
        },
        manager,
      );
    });
    this.events.publish({ type: 'userAccessChanged', userId: id });
  }

  private requireGlobalAdmin(principal: AuthenticatedPrincipal): void {
    if (this.config.auth.method === 'api-key') {
      throw new DomainError('NOT_APPLICABLE_IN_API_KEY_MODE', 'Users play no role in api-key mode');
    }
    if (!principal.isGlobalAdmin) throw new DomainError('FORBIDDEN', 'Only global admins manage users');
  }

  private async lockUserOrFail(manager: EntityManager, id: string): Promise<UserEntity> {
    const user = await this.users.lockById(id, manager);
    if (!user) throw new DomainError('NOT_FOUND', 'User not found');
    return user;
  }
}
