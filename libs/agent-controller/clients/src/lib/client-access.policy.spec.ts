import { DomainError, RequestPrincipal } from '@agent-controller/core';
import { ClientRole } from '@agent-controller/shared-contracts';
import {
  CLIENT_PERMISSIONS,
  ClientAccessPolicy,
  ClientAction,
  ClientRelation,
  clientNotFound,
  membershipAction,
} from './client-access.policy';
import type { ClientEntity } from './client.entity';
import type { ClientWithMembership } from './clients.repository';

const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';

const user = (userId: string, isGlobalAdmin = false): RequestPrincipal => ({
  kind: 'user',
  isGlobalAdmin,
  userId,
  email: `${userId.slice(0, 4)}@example.com`,
});
const API_KEY: RequestPrincipal = { kind: 'api-key', isGlobalAdmin: true, userId: null, email: null };
const NO_USER: RequestPrincipal = { kind: 'api-key', isGlobalAdmin: false, userId: null, email: null };

const ownedBy = (userId: string | null) => ({ id: 'c1', userId }) as ClientEntity;
const found = (creator: string | null, memberRole: ClientRole | null = null): ClientWithMembership => ({
  client: ownedBy(creator),
  memberRole,
});

function thrown(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

/** DESIGN.md §4, written out independently of CLIENT_PERMISSIONS: Y = allowed, - = refused. */
const EXPECTED_TABLE: Record<ClientAction, Record<ClientRelation, 'Y' | '-'>> = {
  read: { global_admin: 'Y', creator: 'Y', client_admin: 'Y', client_user: 'Y', none: '-' },
  operate: { global_admin: 'Y', creator: 'Y', client_admin: 'Y', client_user: 'Y', none: '-' },
  manage: { global_admin: 'Y', creator: 'Y', client_admin: 'Y', client_user: '-', none: '-' },
  configure: { global_admin: 'Y', creator: 'Y', client_admin: 'Y', client_user: '-', none: '-' },
  manage_users: { global_admin: 'Y', creator: 'Y', client_admin: 'Y', client_user: '-', none: '-' },
  manage_admins: { global_admin: 'Y', creator: 'Y', client_admin: '-', client_user: '-', none: '-' },
  delete_server: { global_admin: 'Y', creator: 'Y', client_admin: 'Y', client_user: '-', none: '-' },
};
const ACTIONS = Object.keys(EXPECTED_TABLE) as ClientAction[];
const RELATIONS: ClientRelation[] = ['global_admin', 'creator', 'client_admin', 'client_user', 'none'];
const CELLS = ACTIONS.flatMap((action) =>
  RELATIONS.map((relation) => ({ action, relation, allowed: EXPECTED_TABLE[action][relation] === 'Y' })),
);

/** A principal and a row that put the caller in each relation (Bob created the client in every case). */
const SCENARIOS: Record<ClientRelation, { principal: RequestPrincipal; found: ClientWithMembership }> = {
  global_admin: { principal: user(ALICE, true), found: found(BOB) },
  creator: { principal: user(BOB), found: found(BOB) },
  client_admin: { principal: user(ALICE), found: found(BOB, 'admin') },
  client_user: { principal: user(ALICE), found: found(BOB, 'user') },
  none: { principal: user(ALICE), found: found(BOB) },
};

describe('ClientAccessPolicy', () => {
  const policy = new ClientAccessPolicy();

  describe('the permission table', () => {
    it('covers exactly the known actions', () => {
      expect(Object.keys(CLIENT_PERMISSIONS).sort()).toEqual([...ACTIONS].sort());
    });

    it('never lists `none` for any action', () => {
      for (const action of ACTIONS) expect(CLIENT_PERMISSIONS[action]).not.toContain('none');
    });

    it.each(CELLS)('$action by $relation: allowed=$allowed', ({ action, relation, allowed }) => {
      expect(policy.allows(relation, action)).toBe(allowed);
    });

    it.each(CELLS)(
      'authorize($action) for a $relation: allowed=$allowed (else 403, or 404 for none)',
      ({ action, relation, allowed }) => {
        const { principal, found } = SCENARIOS[relation];
        if (allowed) {
          expect(policy.authorize(principal, found, action)).toBe(found.client);
          return;
        }
        const error = thrown(() => policy.authorize(principal, found, action));
        expect(error.code).toBe(relation === 'none' ? 'NOT_FOUND' : 'FORBIDDEN');
      },
    );
  });

  describe('relation', () => {
    it.each([
      ['a global admin', user(ALICE, true), found(BOB), 'global_admin'],
      ['the API-key holder', API_KEY, found(BOB), 'global_admin'],
      ['the creator', user(BOB), found(BOB), 'creator'],
      ['a member with role admin', user(ALICE), found(BOB, 'admin'), 'client_admin'],
      ['a member with role user', user(ALICE), found(BOB, 'user'), 'client_user'],
      ['a stranger', user(ALICE), found(BOB), 'none'],
      ['a stranger on a client without creator', user(ALICE), found(null), 'none'],
    ] as const)('makes %s %s', (_who, principal, row, expected) => {
      expect(policy.relation(principal, row)).toBe(expected);
    });

    it('ranks global admin above creator', () => {
      expect(policy.relation(user(BOB, true), found(BOB))).toBe('global_admin');
    });

    it('ranks global admin above a membership role', () => {
      expect(policy.relation(user(ALICE, true), found(BOB, 'user'))).toBe('global_admin');
    });

    it.each(['admin', 'user'] as const)('ranks creator above a (stale) membership role %s', (role) => {
      expect(policy.relation(user(BOB), found(BOB, role))).toBe('creator');
    });

    it('does not match a missing user id to a missing creator', () => {
      expect(policy.relation(NO_USER, found(null))).toBe('none');
    });
  });

  describe('authorize', () => {
    it('reports a client that was not found as NOT_FOUND (404)', () => {
      const error = thrown(() => policy.authorize(user(ALICE, true), null, 'read'));

      expect(error.code).toBe('NOT_FOUND');
      expect(error.status).toBe(404);
      expect(error.message).toBe('Client not found');
    });

    it('reports a client the caller has no relation to as NOT_FOUND (404), even for read', () => {
      const error = thrown(() => policy.authorize(user(ALICE), found(BOB), 'read'));

      expect(error.code).toBe('NOT_FOUND');
      expect(error.status).toBe(404);
    });

    it('refuses a short role with FORBIDDEN (403) naming the role', () => {
      const error = thrown(() => policy.authorize(user(ALICE), found(BOB, 'user'), 'manage'));

      expect(error.code).toBe('FORBIDDEN');
      expect(error.status).toBe(403);
      expect(error.message).toContain('client user');
    });

    it('refuses a client admin adding an admin with FORBIDDEN', () => {
      const error = thrown(() => policy.authorize(user(ALICE), found(BOB, 'admin'), 'manage_admins'));

      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toContain('client admin');
    });

    it('returns the client itself when allowed', () => {
      const row = found(BOB, 'user');

      expect(policy.authorize(user(ALICE), row, 'operate')).toBe(row.client);
    });

    it('lets the API-key holder act on a client without creator', () => {
      const row = found(null);

      expect(policy.authorize(API_KEY, row, 'manage_admins')).toBe(row.client);
    });
  });

  describe('visibility', () => {
    it('lets a global admin see every client', () => {
      expect(policy.visibility(user(ALICE, true))).toEqual({ kind: 'all' });
    });

    it('lets the API-key holder see every client (it is a global admin)', () => {
      expect(policy.visibility(API_KEY)).toEqual({ kind: 'all' });
    });

    it('lets a user see only the clients they created or are a member of (filtered by their id)', () => {
      expect(policy.visibility(user(ALICE))).toEqual({ kind: 'user', userId: ALICE });
    });

    it('refuses a non-admin principal without a user id', () => {
      const error = thrown(() => policy.visibility(NO_USER));

      expect(error.code).toBe('FORBIDDEN');
      expect(error.status).toBe(403);
    });
  });

  describe('membershipAction', () => {
    it.each([
      ['admin', 'manage_admins'],
      ['user', 'manage_users'],
    ] as const)('needs %s -> %s', (role, action) => {
      expect(membershipAction(role)).toBe(action);
    });
  });

  it('reports a client the caller may not see as NOT_FOUND (404)', () => {
    expect(clientNotFound()).toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'Client not found' });
  });
});
