import { AuditEntry, AuditService } from '@agent-controller/audit';
import { AppConfig, DomainError } from '@agent-controller/core';
import { AuthenticatedPrincipal } from '../authentication/principal';
import { UserSessionValidator } from '../authentication/user-session.validator';
import { UserEntity } from '../users/user.entity';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokensRepository } from './api-tokens.repository';
import { ApiTokensService } from './api-tokens.service';
import { generateToken, tokenHashes } from './token-format';

const KEY = Buffer.alloc(32, 7);
const OWNER = Object.assign(new UserEntity(), { id: 'owner', email: 'owner@example.com', role: 'user' });

/** The repository as a map of stored tokens by hash, recording what is written. */
function setUp() {
  const stored = new Map<string, ApiTokenEntity>();
  const uses: { id: string; at: Date; ip: string | null }[][] = [];
  const repository = {
    findByHashes: async (hashes: string[]) => hashes.map((hash) => stored.get(hash)).find(Boolean) ?? null,
    recordUse: async (batch: { id: string; at: Date; ip: string | null }[]) => void uses.push(batch),
  } as unknown as ApiTokensRepository;
  const audited: AuditEntry[] = [];
  const audit = { recordOutsideTransaction: async (entry: AuditEntry) => void audited.push(entry) } as AuditService;
  const sessions = {
    principalForUser: async (): Promise<AuthenticatedPrincipal> => ({
      kind: 'user',
      isGlobalAdmin: false,
      userId: OWNER.id,
      email: OWNER.email,
      user: OWNER,
    }),
  } as unknown as UserSessionValidator;
  const config = { auth: { method: 'users' }, encryption: { key: KEY, previousKeys: [] } } as unknown as AppConfig;
  const service = new ApiTokensService(repository, sessions, audit, config);
  const store = (overrides: Partial<ApiTokenEntity> = {}) => {
    const token = generateToken();
    stored.set(
      tokenHashes(token, [KEY])[0],
      Object.assign(new ApiTokenEntity(), {
        id: `token-${stored.size + 1}`,
        userId: OWNER.id,
        access: 'read',
        clientIds: null,
        teamIds: null,
        selector: null,
        allowedCidrs: null,
        revokedAt: null,
        expiresAt: new Date(Date.now() + 60_000),
        ...overrides,
      }),
    );
    return token;
  };
  return { service, store, uses, audited };
}

const reasonOf = async (attempt: Promise<unknown>) => {
  const error = await attempt.then(
    () => null,
    (caught: unknown) => caught,
  );
  return error instanceof DomainError ? `${error.status} ${String(error.details?.['reason'])}` : 'accepted';
};

describe('ApiTokensService', () => {
  it('acts as the owner narrowed to the token, and writes each token’s last use once per batch', async () => {
    const { service, store, uses } = setUp();
    const token = store({ access: 'operate', clientIds: ['c1'] });
    const principal = await service.authenticate(`Bearer ${token}`, '::ffff:127.0.0.1');
    expect(principal).toMatchObject({
      userId: 'owner',
      token: { id: 'token-1', access: 'operate', clientIds: ['c1'] },
    });
    await service.authenticate(`Bearer ${token}`, '10.0.0.9');
    await service.onModuleDestroy();
    expect(uses).toHaveLength(1);
    expect(uses[0]).toEqual([{ id: 'token-1', at: expect.any(Date), ip: '10.0.0.9' }]);
    await service.onModuleDestroy();
    expect(uses).toHaveLength(1);
  });

  it('refuses unknown, revoked, expired and out-of-address tokens with their reason, auditing each once a minute', async () => {
    const { service, store, audited } = setUp();
    const revoked = store({ revokedAt: new Date() });
    const expired = store({ expiresAt: new Date(Date.now() - 1) });
    const elsewhere = store({ allowedCidrs: ['10.0.0.0/8'] });
    expect(await reasonOf(service.authenticate(`Bearer act_${'0'.repeat(49)}`, '127.0.0.1'))).toBe('401 unknown');
    expect(await reasonOf(service.authenticate(`Bearer ${revoked}`, '127.0.0.1'))).toBe('401 revoked');
    expect(await reasonOf(service.authenticate(`Bearer ${revoked}`, '127.0.0.1'))).toBe('401 revoked');
    expect(await reasonOf(service.authenticate(`Bearer ${expired}`, '127.0.0.1'))).toBe('401 expired');
    expect(await reasonOf(service.authenticate(`Bearer ${elsewhere}`, '127.0.0.1'))).toBe('403 address');
    expect(await reasonOf(service.authenticate(`Bearer ${elsewhere}`, '10.1.2.3'))).toBe('accepted');
    expect(audited.map((entry) => `${entry.targetId} ${entry.details?.['reason']}`)).toEqual([
      'null unknown',
      'token-1 revoked',
      'token-2 expired',
      'token-3 address',
    ]);
  });

  it('lets read tokens only read, operate tokens write only under a client, and no token manage tokens', () => {
    const { service } = setUp();
    const grant = (access: 'read' | 'operate' | 'manage') => ({
      id: 't',
      access,
      clientIds: null,
      teamIds: null,
      selector: null,
    });
    const allowed = (access: 'read' | 'operate' | 'manage', method: string, path: string) => {
      try {
        service.assertRouteAllowed(grant(access), method, path);
        return true;
      } catch {
        return false;
      }
    };
    const client = '/api/clients/11111111-1111-4111-8111-111111111111';
    expect(allowed('read', 'GET', '/api/clients')).toBe(true);
    expect(allowed('read', 'POST', `${client}/verify`)).toBe(false);
    expect(allowed('operate', 'POST', `${client}/agents/a/start`)).toBe(true);
    expect(allowed('operate', 'POST', client)).toBe(false);
    expect(allowed('operate', 'POST', '/api/clients/bulk')).toBe(false);
    expect(allowed('manage', 'POST', '/api/users')).toBe(true);
    expect(allowed('manage', 'GET', '/api/tokens')).toBe(false);
    expect(allowed('manage', 'POST', '/api/auth/password')).toBe(false);
  });
});
