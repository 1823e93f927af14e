import { AuditEntry, AuditService } from '@agent-controller/audit';
import type { UserEntity, UsersRepository } from '@agent-controller/auth';
import { AppConfig, DomainError, FleetEvents, RequestPrincipal } from '@agent-controller/core';
import { AuthenticationMethod, ClientRole } from '@agent-controller/shared-contracts';
import { EntityManager } from 'typeorm';
import { ClientAccessPolicy, ClientAction } from './client-access.policy';
import type { ClientUserEntity } from './client-user.entity';
import type { ClientUsersRepository, MemberRow } from './client-users.repository';
import { ClientUsersService } from './client-users.service';
import type { ClientEntity } from './client.entity';
import type { ClientAccess } from './client-access';

const CLIENT_ID = '0a4f5c7e-2d1b-4c3a-9e8f-7b6a5d4c3b2a';
const OTHER_CLIENT_ID = '1b5a6d8f-3e2c-4d4b-8f9a-8c7b6e5d4c3b';
/** The caller in most tests; their membership role (if any) is set per test. */
const ALICE = '11111111-1111-4111-8111-111111111111';
/** The creator of the client. */
const BOB = '22222222-2222-4222-8222-222222222222';
/** A registered user who is no member. */
const CAROL = '33333333-3333-4333-8333-333333333333';
/** A member with role `user`. */
const DAVE = '44444444-4444-4444-8444-444444444444';
/** A member with role `admin`. */
const ERIN = '55555555-5555-4555-8555-555555555555';
const GLOBAL_ADMIN = '66666666-6666-4666-8666-666666666666';

const DAVE_MEMBERSHIP = 'd0000000-0000-4000-8000-000000000001';
const ERIN_MEMBERSHIP = 'e0000000-0000-4000-8000-000000000002';
const UNKNOWN_MEMBERSHIP = 'f0000000-0000-4000-8000-000000000003';

const CLIENT_CREATED = new Date('2024-01-01T00:00:00.000Z');
const DAVE_JOINED = new Date('2024-02-01T00:00:00.000Z');
const ERIN_JOINED = new Date('2024-03-01T00:00:00.000Z');

const emailOf = (id: string) =>
  ({ [ALICE]: 'alice', [BOB]: 'bob', [CAROL]: 'carol', [DAVE]: 'dave', [ERIN]: 'erin' })[id] + '@example.com';

const userPrincipal = (userId: string, isGlobalAdmin = false): RequestPrincipal => ({
  kind: 'user',
  isGlobalAdmin,
  userId,
  email: `${userId.slice(0, 3)}@example.com`,
});
const alice = userPrincipal(ALICE);
const creator = userPrincipal(BOB);
const globalAdmin = userPrincipal(GLOBAL_ADMIN, true);
const API_KEY_PRINCIPAL: RequestPrincipal = { kind: 'api-key', isGlobalAdmin: true, userId: null, email: null };

const UNIQUE_VIOLATION = () =>
  Object.assign(new Error('duplicate key value violates unique constraint'), {
    driverError: { code: '23505', constraint: 'UQ_client_users_client_user' },
  });

/** The users table's lookups, over the client_users fake's users. */
class FakeUsersRepository {
  constructor(private readonly users: Map<string, UserEntity>) {}

  readonly findByEmail = jest.fn(
    async (email: string, _manager?: EntityManager) => [...this.users.values()].find((u) => u.email === email) ?? null,
  );
  readonly findById = jest.fn(async (id: string, _manager?: EntityManager) => this.users.get(id) ?? null);
}

/** In-memory users and client_users tables. */
class FakeClientUsersRepository {
  readonly manager = { fake: 'members-manager' } as unknown as EntityManager;
  readonly users = new Map<string, UserEntity>();
  readonly memberships: ClientUserEntity[] = [];
  private nextId = 0;

  readonly transaction = jest.fn(async (work: (manager: EntityManager) => Promise<unknown>) => work(this.manager));
  readonly listMembers = jest.fn(
    async (clientId: string): Promise<MemberRow[]> =>
      this.memberships
        .filter((member) => member.clientId === clientId)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .map((member) => ({
          id: member.id,
          userId: member.userId,
          email: this.users.get(member.userId)?.email ?? '',
          role: member.role,
          createdAt: member.createdAt,
        })),
  );
  readonly findMember = jest.fn(async (clientId: string, id: string, _manager?: EntityManager) => {
    const member = this.memberships.find((row) => row.id === id && row.clientId === clientId);
    return member ? { ...member } : null;
  });
  readonly insert = jest.fn(
    async (values: Pick<ClientUserEntity, 'clientId' | 'userId' | 'role'>, _manager: EntityManager) => {
      if (this.memberships.some((row) => row.clientId === values.clientId && row.userId === values.userId)) {
        throw UNIQUE_VIOLATION();
      }
      const now = new Date();
      const member = {
        ...values,
        id: `a0000000-0000-4000-8000-00000000000${this.nextId++}`,
        createdAt: now,
        updatedAt: now,
      } as ClientUserEntity;
      this.memberships.push({ ...member });
      return member;
    },
  );
  readonly save = jest.fn(async (member: ClientUserEntity, _manager: EntityManager) => {
    const index = this.memberships.findIndex((row) => row.id === member.id);
    this.memberships[index] = { ...member };
    return member;
  });
  readonly delete = jest.fn(async (id: string, _manager: EntityManager) => {
    const index = this.memberships.findIndex((row) => row.id === id);
    if (index >= 0) this.memberships.splice(index, 1);
  });

  addUser(id: string): this {
    this.users.set(id, { id, email: emailOf(id) } as UserEntity);
    return this;
  }

  addMember(id: string, clientId: string, userId: string, role: ClientRole, createdAt: Date): this {
    this.memberships.push({ id, clientId, userId, role, createdAt, updatedAt: createdAt } as ClientUserEntity);
    return this;
  }

  roleOf(clientId: string, userId: string | null): ClientRole | null {
    return this.memberships.find((row) => row.clientId === clientId && row.userId === userId)?.role ?? null;
  }
}

/**
 * Stands in for ClientAccess.authorizeClient: the real policy applied to the configured client and the
 * caller's membership role, read from the fake client_users table so role changes take effect at once.
 */
class FakeClientAccess {
  private readonly policy = new ClientAccessPolicy();

  constructor(
    readonly client: ClientEntity | null,
    private readonly members: FakeClientUsersRepository,
  ) {}

  readonly authorizeClient = jest.fn(
    async (
      principal: RequestPrincipal,
      id: string,
      action: ClientAction,
      _options: { manager?: EntityManager; withSecrets?: boolean } = {},
    ): Promise<ClientEntity> => {
      const found =
        this.client && this.client.id === id
          ? { client: { ...this.client }, memberRole: this.members.roleOf(id, principal.userId) }
          : null;
      return this.policy.authorize(principal, found, action);
    },
  );
}

interface SetUpOptions {
  /** Alice's membership role on the client; none by default. */
  aliceRole?: ClientRole;
  method?: AuthenticationMethod;
  creatorId?: string | null;
}

function setUp({ aliceRole, method = 'users', creatorId = BOB }: SetUpOptions = {}) {
  const members = new FakeClientUsersRepository()
    .addUser(ALICE)
    .addUser(BOB)
    .addUser(CAROL)
    .addUser(DAVE)
    .addUser(ERIN)
    .addMember(DAVE_MEMBERSHIP, CLIENT_ID, DAVE, 'user', DAVE_JOINED)
    .addMember(ERIN_MEMBERSHIP, CLIENT_ID, ERIN, 'admin', ERIN_JOINED);
  if (aliceRole) members.addMember('a1000000-0000-4000-8000-000000000000', CLIENT_ID, ALICE, aliceRole, ERIN_JOINED);
  const client = { id: CLIENT_ID, name: 'alpha', userId: creatorId, createdAt: CLIENT_CREATED } as ClientEntity;
  const clients = new FakeClientAccess(client, members);
  const audit = { record: jest.fn(async (_entry: AuditEntry, _manager?: EntityManager) => undefined) };
  const config = { auth: { method } } as AppConfig;
  const events = { publish: jest.fn() };
  const users = new FakeUsersRepository(members.users);
  const service = new ClientUsersService(
    members as unknown as ClientUsersRepository,
    users as unknown as UsersRepository,
    clients as unknown as ClientAccess,
    audit as unknown as AuditService,
    events as unknown as FleetEvents,
    config,
  );
  return { service, members, users, clients, audit, events };
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

const fieldsOf = (error: DomainError) => (error.details?.['fields'] as { field: string }[]).map((f) => f.field);

describe('ClientUsersService', () => {
  describe('in api-key mode', () => {
    it('lists no one for a visible client, as Agenstra answers (users play no role)', async () => {
      const { service, members, clients } = setUp({ method: 'api-key' });

      await expect(service.listClientUsers(API_KEY_PRINCIPAL, CLIENT_ID, { includeCreator: true })).resolves.toEqual(
        [],
      );
      expect(clients.authorizeClient).toHaveBeenCalledWith(API_KEY_PRINCIPAL, CLIENT_ID, 'read');
      expect(members.listMembers).not.toHaveBeenCalled();
    });

    it.each([
      [
        'addClientUser',
        (service: ClientUsersService) =>
          service.addClientUser(API_KEY_PRINCIPAL, CLIENT_ID, { email: emailOf(CAROL), role: 'user' }),
      ],
      [
        'changeClientUserRole',
        (service: ClientUsersService) =>
          service.changeClientUserRole(API_KEY_PRINCIPAL, CLIENT_ID, DAVE_MEMBERSHIP, 'admin'),
      ],
      [
        'removeClientUser',
        (service: ClientUsersService) => service.removeClientUser(API_KEY_PRINCIPAL, CLIENT_ID, DAVE_MEMBERSHIP),
      ],
    ])('refuses %s with NOT_APPLICABLE_IN_API_KEY_MODE before touching anything', async (_method, act) => {
      const { service, members, clients, audit } = setUp({ method: 'api-key' });

      const error = await refusal(act(service));

      expect(error.code).toBe('NOT_APPLICABLE_IN_API_KEY_MODE');
      expect(error.status).toBe(400);
      expect(clients.authorizeClient).not.toHaveBeenCalled();
      expect(members.transaction).not.toHaveBeenCalled();
      expect(members.memberships).toHaveLength(2);
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('works in keycloak mode too', async () => {
      const { service } = setUp({ method: 'keycloak' });

      await expect(service.listClientUsers(creator, CLIENT_ID, { includeCreator: true })).resolves.toHaveLength(3);
    });
  });

  describe('listClientUsers', () => {
    const dave = {
      id: DAVE_MEMBERSHIP,
      userId: DAVE,
      email: 'dave@example.com',
      userEmail: 'dave@example.com',
      role: 'user',
      createdAt: DAVE_JOINED.toISOString(),
    };
    const erin = {
      id: ERIN_MEMBERSHIP,
      userId: ERIN,
      email: 'erin@example.com',
      userEmail: 'erin@example.com',
      role: 'admin',
      createdAt: ERIN_JOINED.toISOString(),
    };

    it('lists the members in join order, each e-mail also as userEmail, without the creator', async () => {
      const { service, clients, users } = setUp();

      const list = await service.listClientUsers(creator, CLIENT_ID);

      expect(list).toEqual([dave, erin]);
      expect(clients.authorizeClient).toHaveBeenCalledWith(creator, CLIENT_ID, 'read');
      expect(users.findById).not.toHaveBeenCalled();
    });

    it('lists the creator first when asked (role creator, no relationship id)', async () => {
      const { service } = setUp();

      const list = await service.listClientUsers(creator, CLIENT_ID, { includeCreator: true });

      expect(list).toEqual([
        {
          id: null,
          userId: BOB,
          email: 'bob@example.com',
          userEmail: 'bob@example.com',
          role: 'creator',
          createdAt: CLIENT_CREATED.toISOString(),
        },
        dave,
        erin,
      ]);
    });

    it('lets a client user read the list', async () => {
      const { service } = setUp({ aliceRole: 'user' });

      const list = await service.listClientUsers(alice, CLIENT_ID, { includeCreator: true });

      expect(list.map((member) => [member.email, member.role])).toEqual([
        ['bob@example.com', 'creator'],
        ['dave@example.com', 'user'],
        ['erin@example.com', 'admin'],
        ['alice@example.com', 'user'],
      ]);
    });

    it('lists only the members of a client without creator', async () => {
      const { service, users } = setUp({ creatorId: null });

      const list = await service.listClientUsers(globalAdmin, CLIENT_ID, { includeCreator: true });

      expect(list.map((member) => member.role)).toEqual(['user', 'admin']);
      expect(users.findById).not.toHaveBeenCalled();
    });

    it('reports the client as NOT_FOUND to a stranger, without reading members', async () => {
      const { service, members } = setUp();

      const error = await refusal(service.listClientUsers(alice, CLIENT_ID));

      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toBe('Client not found');
      expect(members.listMembers).not.toHaveBeenCalled();
    });
  });

  describe('addClientUser', () => {
    it('lets a client admin add a user, inside one transaction, and audits it there', async () => {
      const { service, members, clients, audit, events } = setUp({ aliceRole: 'admin' });

      const added = await service.addClientUser(alice, CLIENT_ID, { email: 'carol@example.com', role: 'user' });

      expect(added).toEqual({
        id: expect.any(String),
        userId: CAROL,
        email: 'carol@example.com',
        userEmail: 'carol@example.com',
        role: 'user',
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      expect(members.roleOf(CLIENT_ID, CAROL)).toBe('user');
      expect(clients.authorizeClient).toHaveBeenCalledWith(alice, CLIENT_ID, 'manage_users', {
        manager: members.manager,
      });
      expect(members.insert).toHaveBeenCalledWith(
        { clientId: CLIENT_ID, userId: CAROL, role: 'user' },
        members.manager,
      );
      expect(audit.record).toHaveBeenCalledWith(
        {
          action: 'client.member_add',
          targetType: 'client',
          targetId: CLIENT_ID,
          changes: { [`member:${CAROL}`]: { to: 'user' } },
        },
        members.manager,
      );
      // Caches remember Carol without a role here: they must forget it.
      expect(events.publish).toHaveBeenCalledWith({ type: 'accessChanged', clientId: CLIENT_ID, userId: CAROL });
    });

    it('refuses a client admin adding an admin with FORBIDDEN, adding and auditing nothing', async () => {
      const { service, members, clients, audit } = setUp({ aliceRole: 'admin' });

      const error = await refusal(
        service.addClientUser(alice, CLIENT_ID, { email: 'carol@example.com', role: 'admin' }),
      );

      expect(error.code).toBe('FORBIDDEN');
      expect(error.status).toBe(403);
      expect(clients.authorizeClient).toHaveBeenCalledWith(alice, CLIENT_ID, 'manage_admins', {
        manager: members.manager,
      });
      expect(members.insert).not.toHaveBeenCalled();
      expect(members.roleOf(CLIENT_ID, CAROL)).toBeNull();
      expect(audit.record).not.toHaveBeenCalled();
    });

    it.each(['user', 'admin'] as const)('refuses a client user adding a %s with FORBIDDEN', async (role) => {
      const { service, members, users, audit } = setUp({ aliceRole: 'user' });

      const error = await refusal(service.addClientUser(alice, CLIENT_ID, { email: 'carol@example.com', role }));

      expect(error.code).toBe('FORBIDDEN');
      expect(users.findByEmail).not.toHaveBeenCalled();
      expect(members.insert).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
    });

    it.each([
      ['the creator', creator],
      ['a global admin', globalAdmin],
    ])('lets %s add an admin', async (_who, principal) => {
      const { service, members } = setUp();

      const added = await service.addClientUser(principal, CLIENT_ID, { email: 'carol@example.com', role: 'admin' });

      expect(added.role).toBe('admin');
      expect(members.roleOf(CLIENT_ID, CAROL)).toBe('admin');
    });

    it('reports an unknown e-mail as NOT_FOUND naming the email field', async () => {
      const { service, members, users, audit } = setUp({ aliceRole: 'admin' });

      const error = await refusal(
        service.addClientUser(alice, CLIENT_ID, { email: 'nobody@example.com', role: 'user' }),
      );

      expect(error.code).toBe('NOT_FOUND');
      expect(error.status).toBe(404);
      expect(fieldsOf(error)).toEqual(['email']);
      expect(users.findByEmail).toHaveBeenCalledWith('nobody@example.com', members.manager);
      expect(members.insert).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('checks rights before the e-mail: a client user gets FORBIDDEN, not NOT_FOUND, for an unknown e-mail', async () => {
      const { service, users } = setUp({ aliceRole: 'user' });

      const error = await refusal(
        service.addClientUser(alice, CLIENT_ID, { email: 'nobody@example.com', role: 'user' }),
      );

      expect(error.code).toBe('FORBIDDEN');
      expect(users.findByEmail).not.toHaveBeenCalled();
    });

    it('reports the client, not the e-mail, as NOT_FOUND to a stranger', async () => {
      const { service, users } = setUp();

      const error = await refusal(
        service.addClientUser(alice, CLIENT_ID, { email: 'nobody@example.com', role: 'user' }),
      );

      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toBe('Client not found');
      expect(users.findByEmail).not.toHaveBeenCalled();
    });

    it.each([
      ['a global admin', globalAdmin],
      ['a client admin', alice],
    ])('refuses %s adding the creator with CONFLICT', async (_who, principal) => {
      const { service, members, audit } = setUp({ aliceRole: 'admin' });

      const error = await refusal(
        service.addClientUser(principal, CLIENT_ID, { email: 'bob@example.com', role: 'user' }),
      );

      expect(error.code).toBe('CONFLICT');
      expect(error.status).toBe(409);
      expect(members.insert).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('maps the unique violation of an existing membership to CONFLICT', async () => {
      const { service, members, audit } = setUp();

      const error = await refusal(
        service.addClientUser(creator, CLIENT_ID, { email: 'dave@example.com', role: 'admin' }),
      );

      expect(error.code).toBe('CONFLICT');
      expect(error.message).toContain('already a member');
      expect(members.insert).toHaveBeenCalledTimes(1);
      expect(members.roleOf(CLIENT_ID, DAVE)).toBe('user');
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('maps a unique violation thrown by insert (a concurrent add) to CONFLICT', async () => {
      const { service, members } = setUp();
      members.insert.mockRejectedValueOnce(UNIQUE_VIOLATION());

      const error = await refusal(
        service.addClientUser(creator, CLIENT_ID, { email: 'carol@example.com', role: 'user' }),
      );

      expect(error.code).toBe('CONFLICT');
    });

    it('passes other database errors through unchanged', async () => {
      const { service, members } = setUp();
      const other = Object.assign(new Error('other'), { driverError: { code: '23505', constraint: 'UQ_other' } });
      members.insert.mockRejectedValueOnce(other);

      await expect(
        service.addClientUser(creator, CLIENT_ID, { email: 'carol@example.com', role: 'user' }),
      ).rejects.toBe(other);
    });
  });

  describe('removeClientUser', () => {
    it('lets a client admin remove a member with role user, audits it in the transaction, and tells the bus', async () => {
      const { service, members, clients, audit, events } = setUp({ aliceRole: 'admin' });

      await service.removeClientUser(alice, CLIENT_ID, DAVE_MEMBERSHIP);

      expect(events.publish).toHaveBeenCalledWith({ type: 'accessChanged', clientId: CLIENT_ID, userId: DAVE });

      expect(members.roleOf(CLIENT_ID, DAVE)).toBeNull();
      expect(members.delete).toHaveBeenCalledWith(DAVE_MEMBERSHIP, members.manager);
      expect(clients.authorizeClient.mock.calls.map((call) => call[2])).toEqual(['read', 'manage_users']);
      expect(audit.record).toHaveBeenCalledWith(
        {
          action: 'client.member_remove',
          targetType: 'client',
          targetId: CLIENT_ID,
          changes: { [`member:${DAVE}`]: { from: 'user' } },
        },
        members.manager,
      );
    });

    it('refuses a client admin removing a member with role admin with FORBIDDEN', async () => {
      const { service, members, audit, events } = setUp({ aliceRole: 'admin' });

      const error = await refusal(service.removeClientUser(alice, CLIENT_ID, ERIN_MEMBERSHIP));

      expect(events.publish).not.toHaveBeenCalled();

      expect(error.code).toBe('FORBIDDEN');
      expect(members.delete).not.toHaveBeenCalled();
      expect(members.roleOf(CLIENT_ID, ERIN)).toBe('admin');
      expect(audit.record).not.toHaveBeenCalled();
    });

    it.each([DAVE_MEMBERSHIP, ERIN_MEMBERSHIP])('refuses a client user removing anyone (%s)', async (membership) => {
      const { service, members } = setUp({ aliceRole: 'user' });

      const error = await refusal(service.removeClientUser(alice, CLIENT_ID, membership));

      expect(error.code).toBe('FORBIDDEN');
      expect(members.delete).not.toHaveBeenCalled();
    });

    it('lets the creator remove an admin', async () => {
      const { service, members } = setUp();

      await service.removeClientUser(creator, CLIENT_ID, ERIN_MEMBERSHIP);

      expect(members.roleOf(CLIENT_ID, ERIN)).toBeNull();
    });

    it('reports an unknown relationship, or one of another client, as NOT_FOUND', async () => {
      const { service, members } = setUp();
      members.addMember(UNKNOWN_MEMBERSHIP, OTHER_CLIENT_ID, CAROL, 'user', DAVE_JOINED);

      const unknown = await refusal(service.removeClientUser(creator, CLIENT_ID, 'nope'));
      const elsewhere = await refusal(service.removeClientUser(creator, CLIENT_ID, UNKNOWN_MEMBERSHIP));

      expect(unknown).toMatchObject({ code: 'NOT_FOUND', message: 'Membership not found' });
      expect(elsewhere).toMatchObject({ code: 'NOT_FOUND', message: 'Membership not found' });
      expect(members.delete).not.toHaveBeenCalled();
    });

    it('reports the client as NOT_FOUND to a stranger, without looking up the membership', async () => {
      const { service, members } = setUp();

      const error = await refusal(service.removeClientUser(alice, CLIENT_ID, DAVE_MEMBERSHIP));

      expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Client not found' });
      expect(members.findMember).not.toHaveBeenCalled();
    });
  });

  describe('changeClientUserRole', () => {
    it('lets the creator promote a user to admin, audited from -> to, and answers with the e-mail', async () => {
      const { service, members, clients, audit } = setUp();

      const changed = await service.changeClientUserRole(creator, CLIENT_ID, DAVE_MEMBERSHIP, 'admin');

      expect(changed).toEqual({
        id: DAVE_MEMBERSHIP,
        userId: DAVE,
        email: 'dave@example.com',
        userEmail: 'dave@example.com',
        role: 'admin',
        createdAt: DAVE_JOINED.toISOString(),
      });
      expect(members.roleOf(CLIENT_ID, DAVE)).toBe('admin');
      expect(members.save).toHaveBeenCalledWith(expect.objectContaining({ role: 'admin' }), members.manager);
      expect(clients.authorizeClient.mock.calls.map((call) => [call[2], call[3]])).toEqual([
        ['read', { manager: members.manager }],
        ['manage_users', { manager: members.manager }],
        ['manage_admins', { manager: members.manager }],
      ]);
      expect(audit.record).toHaveBeenCalledWith(
        {
          action: 'client.member_role',
          targetType: 'client',
          targetId: CLIENT_ID,
          changes: { [`member:${DAVE}`]: { from: 'user', to: 'admin' } },
        },
        members.manager,
      );
    });

    it('lets the creator demote an admin to user, and tells the bus', async () => {
      const { service, members, events } = setUp();

      await service.changeClientUserRole(creator, CLIENT_ID, ERIN_MEMBERSHIP, 'user');

      expect(members.roleOf(CLIENT_ID, ERIN)).toBe('user');
      expect(events.publish).toHaveBeenCalledWith({ type: 'accessChanged', clientId: CLIENT_ID, userId: ERIN });
    });

    it.each([
      ['promote a user to admin (no right to the new role)', DAVE_MEMBERSHIP, 'admin', DAVE, 'user'],
      ['demote an admin to user (no right to the old role)', ERIN_MEMBERSHIP, 'user', ERIN, 'admin'],
    ] as const)('refuses a client admin to %s with FORBIDDEN', async (_what, membership, role, userId, before) => {
      const { service, members, audit } = setUp({ aliceRole: 'admin' });

      const error = await refusal(service.changeClientUserRole(alice, CLIENT_ID, membership, role));

      expect(error.code).toBe('FORBIDDEN');
      expect(members.save).not.toHaveBeenCalled();
      expect(members.roleOf(CLIENT_ID, userId)).toBe(before);
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('lets a client admin set a user to user, which changes, audits and tells nothing', async () => {
      const { service, members, audit, events } = setUp({ aliceRole: 'admin' });

      await expect(service.changeClientUserRole(alice, CLIENT_ID, DAVE_MEMBERSHIP, 'user')).resolves.toMatchObject({
        role: 'user',
      });
      expect(members.save).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
      expect(events.publish).not.toHaveBeenCalled();
    });

    it('refuses a client user any change with FORBIDDEN', async () => {
      const { service, members } = setUp({ aliceRole: 'user' });

      const error = await refusal(service.changeClientUserRole(alice, CLIENT_ID, DAVE_MEMBERSHIP, 'user'));

      expect(error.code).toBe('FORBIDDEN');
      expect(members.save).not.toHaveBeenCalled();
    });

    it('reports an unknown relationship as NOT_FOUND', async () => {
      const { service, members } = setUp();

      const error = await refusal(service.changeClientUserRole(creator, CLIENT_ID, UNKNOWN_MEMBERSHIP, 'admin'));

      expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Membership not found' });
      expect(members.save).not.toHaveBeenCalled();
    });

    it('reports the client as NOT_FOUND to a stranger', async () => {
      const { service, members } = setUp();

      const error = await refusal(service.changeClientUserRole(alice, CLIENT_ID, DAVE_MEMBERSHIP, 'admin'));

      expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Client not found' });
      expect(members.findMember).not.toHaveBeenCalled();
    });
  });
});
