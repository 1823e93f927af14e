import { DomainError, RequestPrincipal } from '@agent-controller/core';
import { ClientAccessPolicy, clientNotFound } from './client-access.policy';
import type { ClientEntity } from './client.entity';

const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';

const user = (userId: string, isGlobalAdmin = false): RequestPrincipal => ({
  kind: 'user',
  isGlobalAdmin,
  userId,
  email: `${userId.slice(0, 4)}@example.com`,
});
const API_KEY: RequestPrincipal = { kind: 'api-key', isGlobalAdmin: true, userId: null, email: null };

const ownedBy = (userId: string | null) => ({ id: 'c1', userId }) as ClientEntity;

function thrown(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('ClientAccessPolicy', () => {
  const policy = new ClientAccessPolicy();

  describe('visibility', () => {
    it('lets a global admin see every client', () => {
      expect(policy.visibility(user(ALICE, true))).toEqual({ kind: 'all' });
    });

    it('lets the API-key holder see every client (it is a global admin)', () => {
      expect(policy.visibility(API_KEY)).toEqual({ kind: 'all' });
    });

    it('lets a user see only the clients they created', () => {
      expect(policy.visibility(user(ALICE))).toEqual({ kind: 'user', userId: ALICE });
    });

    it('refuses a non-admin principal without a user id', () => {
      const error = thrown(() =>
        policy.visibility({ kind: 'api-key', isGlobalAdmin: false, userId: null, email: null }),
      );

      expect(error.code).toBe('FORBIDDEN');
    });
  });

  describe('canManage', () => {
    it('lets a user manage their own client', () => {
      expect(policy.canManage(user(ALICE), ownedBy(ALICE))).toBe(true);
    });

    it("does not let a user manage someone else's client", () => {
      expect(policy.canManage(user(BOB), ownedBy(ALICE))).toBe(false);
    });

    it('does not let a user manage a client without creator', () => {
      expect(policy.canManage(user(ALICE), ownedBy(null))).toBe(false);
    });

    it('does not match a missing user id to a missing creator', () => {
      expect(
        policy.canManage({ kind: 'api-key', isGlobalAdmin: false, userId: null, email: null }, ownedBy(null)),
      ).toBe(false);
    });

    it.each([
      ['a global admin', user(BOB, true)],
      ['the API-key holder', API_KEY],
    ])('lets %s manage any client, including ones without creator', (_who, principal) => {
      expect(policy.canManage(principal, ownedBy(ALICE))).toBe(true);
      expect(policy.canManage(principal, ownedBy(null))).toBe(true);
    });
  });

  describe('requireManage', () => {
    it('passes silently when the principal may manage the client', () => {
      expect(() => policy.requireManage(user(ALICE), ownedBy(ALICE))).not.toThrow();
    });

    it('refuses with FORBIDDEN (403) otherwise', () => {
      const error = thrown(() => policy.requireManage(user(BOB), ownedBy(ALICE)));

      expect(error.code).toBe('FORBIDDEN');
      expect(error.status).toBe(403);
    });
  });

  it('reports a client the caller may not see as NOT_FOUND (404)', () => {
    expect(clientNotFound()).toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'Client not found' });
  });
});
