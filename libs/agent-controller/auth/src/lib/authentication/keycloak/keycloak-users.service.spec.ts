import { AuditEntry, AuditService } from '@agent-controller/audit';
import { DomainError } from '@agent-controller/core';
import { UserRole } from '@agent-controller/shared-contracts';
import { randomUUID } from 'node:crypto';
import { UserEntity } from '../../users/user.entity';
import { UsersRepository } from '../../users/users.repository';
import { KeycloakIdentity, placeholderEmail } from './keycloak-identity';
import { KeycloakUsersService } from './keycloak-users.service';

const SUBJECT = '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f';

const uniqueViolation = () => Object.assign(new Error('duplicate key'), { driverError: { code: '23505' } });
/** Lets other pending calls run, as a database round trip would. */
const roundTrip = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The users table in memory, with its unique constraints on e-mail and subject. Every method yields first, so
 * concurrent callers interleave the way requests do against a database. Rows are copied in and out.
 */
class InMemoryUsers {
  rows: UserEntity[] = [];
  writes = 0;

  add(values: Partial<UserEntity> & { email: string }): UserEntity {
    const now = new Date();
    const row: UserEntity = {
      id: randomUUID(),
      passwordHash: null,
      role: 'user',
      keycloakSubject: null,
      lockedAt: null,
      lastSignInAt: null,
      tokenVersion: 0,
      createdAt: now,
      updatedAt: now,
      ...values,
    };
    this.rows.push(row);
    return { ...row };
  }

  row(id: string): UserEntity {
    const row = this.rows.find((candidate) => candidate.id === id);
    if (!row) throw new Error(`no row ${id}`);
    return row;
  }

  transaction<T>(work: (manager: unknown) => Promise<T>): Promise<T> {
    return work({});
  }

  async findByKeycloakSubject(subject: string): Promise<UserEntity | null> {
    await roundTrip();
    const row = this.rows.find((candidate) => candidate.keycloakSubject === subject);
    return row ? { ...row } : null;
  }

  async findByEmail(email: string): Promise<UserEntity | null> {
    await roundTrip();
    const row = this.rows.find((candidate) => candidate.email === email);
    return row ? { ...row } : null;
  }

  async insert(values: Pick<UserEntity, 'email' | 'passwordHash' | 'role' | 'keycloakSubject'>): Promise<UserEntity> {
    await roundTrip();
    this.ensureUnique(values.email, values.keycloakSubject);
    this.writes++;
    return this.add(values);
  }

  async linkKeycloakSubject(id: string, subject: string): Promise<boolean> {
    await roundTrip();
    const row = this.row(id);
    if (row.keycloakSubject !== null) return false;
    this.ensureUnique(undefined, subject);
    this.writes++;
    row.keycloakSubject = subject;
    return true;
  }

  async updateRoleIfDifferent(id: string, role: UserRole): Promise<boolean> {
    await roundTrip();
    const row = this.row(id);
    if (row.role === role) return false;
    this.writes++;
    row.role = role;
    return true;
  }

  async recordSignIn(id: string, at: Date): Promise<boolean> {
    await roundTrip();
    const row = this.row(id);
    if (row.lastSignInAt && row.lastSignInAt >= at) return false;
    this.writes++;
    row.lastSignInAt = at;
    return true;
  }

  async updateEmailIfUnchanged(id: string, from: string, to: string): Promise<boolean> {
    await roundTrip();
    const row = this.row(id);
    if (row.email !== from) return false;
    this.ensureUnique(to, undefined);
    this.writes++;
    row.email = to;
    return true;
  }

  private ensureUnique(email: string | undefined, subject: string | null | undefined): void {
    if (email !== undefined && this.rows.some((row) => row.email === email)) throw uniqueViolation();
    if (subject && this.rows.some((row) => row.keycloakSubject === subject)) throw uniqueViolation();
  }
}

const identity = (overrides: Partial<KeycloakIdentity> = {}): KeycloakIdentity => ({
  subject: SUBJECT,
  verifiedEmail: null,
  isGlobalAdmin: false,
  ...overrides,
});

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('KeycloakUsersService', () => {
  let users: InMemoryUsers;
  let audit: AuditEntry[];
  let service: KeycloakUsersService;

  beforeEach(() => {
    users = new InMemoryUsers();
    audit = [];
    const auditService = { record: async (entry: AuditEntry) => void audit.push(entry) } as unknown as AuditService;
    service = new KeycloakUsersService(users as unknown as UsersRepository, auditService);
  });

  describe('a subject seen before', () => {
    it('is its linked user, with nothing written', async () => {
      const known = users.add({ email: 'alice@example.com', keycloakSubject: SUBJECT });

      const user = await service.resolveUser(identity({ verifiedEmail: 'alice@example.com' }));

      expect(user.id).toBe(known.id);
      expect(users.writes).toBe(0);
      expect(audit).toEqual([]);
    });
  });

  describe('a subject seen for the first time', () => {
    it('becomes a new user without password under its verified e-mail', async () => {
      const user = await service.resolveUser(identity({ verifiedEmail: 'alice@example.com' }));

      expect(users.rows).toHaveLength(1);
      expect(user).toMatchObject({
        email: 'alice@example.com',
        passwordHash: null,
        role: 'user',
        keycloakSubject: SUBJECT,
        lockedAt: null,
      });
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'user.create',
          targetId: user.id,
          actor: { id: user.id, email: 'alice@example.com' },
          details: { source: 'keycloak' },
        }),
      ]);
    });

    it('gets a placeholder address when Keycloak vouches for none', async () => {
      const user = await service.resolveUser(identity());

      expect(user.email).toBe(placeholderEmail(SUBJECT));
    });

    it('is created as admin when the token carries the admin role', async () => {
      const user = await service.resolveUser(identity({ isGlobalAdmin: true }));

      expect(user.role).toBe('admin');
      expect(audit.map((entry) => entry.action)).toEqual(['user.create']);
    });

    it('is linked to the existing user with its verified e-mail, who keeps id and data', async () => {
      const local = users.add({ email: 'carol@example.com', passwordHash: 'hash', role: 'user' });

      const user = await service.resolveUser(identity({ verifiedEmail: 'carol@example.com' }));

      expect(user.id).toBe(local.id);
      expect(users.rows).toHaveLength(1);
      expect(users.row(local.id)).toMatchObject({ keycloakSubject: SUBJECT, passwordHash: 'hash' });
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'user.keycloak_link',
          targetId: local.id,
          changes: { keycloakSubject: { from: null, to: SUBJECT } },
        }),
      ]);
    });

    it('is not linked without a verified e-mail, even if a user has that address', async () => {
      const local = users.add({ email: 'dave@example.com' });

      // identityFromClaims drops an unverified address, so the identity carries none.
      const user = await service.resolveUser(identity({ verifiedEmail: null }));

      expect(user.id).not.toBe(local.id);
      expect(user.email).toBe(placeholderEmail(SUBJECT));
      expect(users.row(local.id).keycloakSubject).toBeNull();
    });

    it('is not linked to a user already linked to another subject, and does not take its address', async () => {
      const other = users.add({ email: 'erin@example.com', keycloakSubject: 'another-subject' });

      const user = await service.resolveUser(identity({ verifiedEmail: 'erin@example.com' }));

      expect(user.id).not.toBe(other.id);
      expect(user.email).toBe(placeholderEmail(SUBJECT));
      expect(users.row(other.id).keycloakSubject).toBe('another-subject');
    });

    it('is created exactly once when many first requests arrive at once', async () => {
      const resolved = await Promise.all(
        Array.from({ length: 8 }, () => service.resolveUser(identity({ verifiedEmail: 'frank@example.com' }))),
      );

      expect(users.rows).toHaveLength(1);
      expect(new Set(resolved.map((user) => user.id))).toEqual(new Set([users.rows[0].id]));
      expect(audit.filter((entry) => entry.action === 'user.create')).toHaveLength(1);
    });

    it('is linked exactly once when many first requests find the same local user at once', async () => {
      const local = users.add({ email: 'grace@example.com' });

      const resolved = await Promise.all(
        Array.from({ length: 8 }, () => service.resolveUser(identity({ verifiedEmail: 'grace@example.com' }))),
      );

      expect(users.rows).toHaveLength(1);
      expect(resolved.every((user) => user.id === local.id)).toBe(true);
      expect(audit.filter((entry) => entry.action === 'user.keycloak_link')).toHaveLength(1);
    });

    it('passes on errors other than a lost race', async () => {
      users.insert = async () => {
        throw new Error('connection reset');
      };

      await expect(service.resolveUser(identity())).rejects.toThrow('connection reset');
    });
  });

  describe('the role', () => {
    it('is promoted to admin when the token gains the admin role, audited once', async () => {
      const known = users.add({ email: 'alice@example.com', keycloakSubject: SUBJECT, role: 'user' });

      const user = await service.resolveUser(identity({ isGlobalAdmin: true }));

      expect(user.role).toBe('admin');
      expect(users.row(known.id).role).toBe('admin');
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'user.update',
          targetId: known.id,
          changes: { role: { from: 'user', to: 'admin' } },
          details: { source: 'keycloak' },
        }),
      ]);
    });

    it('is demoted to user when the token lost the admin role', async () => {
      const known = users.add({ email: 'alice@example.com', keycloakSubject: SUBJECT, role: 'admin' });

      const user = await service.resolveUser(identity({ isGlobalAdmin: false }));

      expect(user.role).toBe('user');
      expect(users.row(known.id).role).toBe('user');
    });

    it('of a linked local admin follows the token too', async () => {
      const local = users.add({ email: 'carol@example.com', role: 'admin' });

      const user = await service.resolveUser(identity({ verifiedEmail: 'carol@example.com' }));

      expect(user.role).toBe('user');
      expect(users.row(local.id).role).toBe('user');
    });

    it('is written once when concurrent requests carry the same change', async () => {
      users.add({ email: 'alice@example.com', keycloakSubject: SUBJECT, role: 'user' });

      await Promise.all(Array.from({ length: 5 }, () => service.resolveUser(identity({ isGlobalAdmin: true }))));

      expect(audit.filter((entry) => entry.action === 'user.update')).toHaveLength(1);
    });
  });

  describe('a locked user', () => {
    it('is refused with ACCOUNT_LOCKED, and nothing about them changes', async () => {
      const locked = users.add({ email: 'alice@example.com', keycloakSubject: SUBJECT, lockedAt: new Date() });

      const error = await refusal(service.resolveUser(identity({ isGlobalAdmin: true })));

      expect(error.code).toBe('ACCOUNT_LOCKED');
      expect(error.status).toBe(403);
      expect(users.row(locked.id).role).toBe('user');
      expect(audit).toEqual([]);
    });

    it('is refused when first reached by linking', async () => {
      users.add({ email: 'carol@example.com', lockedAt: new Date() });

      expect((await refusal(service.resolveUser(identity({ verifiedEmail: 'carol@example.com' })))).code).toBe(
        'ACCOUNT_LOCKED',
      );
    });
  });

  describe('the e-mail', () => {
    it('replaces the placeholder once Keycloak vouches for an address', async () => {
      const known = users.add({ email: placeholderEmail(SUBJECT), keycloakSubject: SUBJECT });

      const user = await service.resolveUser(identity({ verifiedEmail: 'alice@example.com' }));

      expect(user.email).toBe('alice@example.com');
      expect(users.row(known.id).email).toBe('alice@example.com');
      expect(audit).toEqual([
        expect.objectContaining({ changes: { email: { from: placeholderEmail(SUBJECT), to: 'alice@example.com' } } }),
      ]);
    });

    it('is kept when another user has the address in the token', async () => {
      const known = users.add({ email: 'old@example.com', keycloakSubject: SUBJECT });
      users.add({ email: 'taken@example.com' });

      const user = await service.resolveUser(identity({ verifiedEmail: 'taken@example.com' }));

      expect(user.email).toBe('old@example.com');
      expect(users.row(known.id).email).toBe('old@example.com');
    });

    it('is kept when the token has no verified address', async () => {
      users.add({ email: 'old@example.com', keycloakSubject: SUBJECT });

      expect((await service.resolveUser(identity())).email).toBe('old@example.com');
      expect(users.writes).toBe(0);
    });
  });

  describe('last sign-in', () => {
    const session = new Date('2026-12-01T10:00:00Z');

    it("records the Keycloak session's sign-in time on the first request of a new session", async () => {
      const known = users.add({ email: 'alice@example.com', keycloakSubject: SUBJECT });

      const user = await service.resolveUser(identity({ signedInAt: session }));

      expect(user.lastSignInAt).toEqual(session);
      expect(users.row(known.id).lastSignInAt).toEqual(session);
      expect(users.writes).toBe(1);
    });

    it('writes nothing for further requests of the same session', async () => {
      users.add({ email: 'alice@example.com', keycloakSubject: SUBJECT, lastSignInAt: session });

      await service.resolveUser(identity({ signedInAt: session }));
      await service.resolveUser(identity({ signedInAt: new Date(session.getTime() - 60_000) }));

      expect(users.writes).toBe(0);
    });

    it('moves on with a newer session, and leaves the time alone for a token that names none', async () => {
      const known = users.add({ email: 'alice@example.com', keycloakSubject: SUBJECT, lastSignInAt: session });
      const later = new Date(session.getTime() + 3_600_000);

      await service.resolveUser(identity({ signedInAt: later }));
      await service.resolveUser(identity());

      expect(users.row(known.id).lastSignInAt).toEqual(later);
      expect(users.writes).toBe(1);
    });
  });
});
