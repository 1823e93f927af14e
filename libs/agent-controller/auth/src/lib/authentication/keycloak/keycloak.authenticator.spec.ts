import { AppConfig, DomainError, KeycloakAuthConfig } from '@agent-controller/core';
import { UserEntity } from '../../users/user.entity';
import { notApplicableInMode } from '../not-applicable';
import { IntrospectionTokenVerifier } from './introspection-token-verifier';
import { KeycloakIdentity } from './keycloak-identity';
import { KeycloakTokenVerifier } from './keycloak-token-verifier';
import { createKeycloakTokenVerifier } from './keycloak-token-verifier.factory';
import { KeycloakUsersService } from './keycloak-users.service';
import { bearerToken, KeycloakAuthenticator } from './keycloak.authenticator';
import { OfflineTokenVerifier } from './offline-token-verifier';

const IDENTITY: KeycloakIdentity = { subject: 'subject-1', verifiedEmail: 'alice@example.com', isGlobalAdmin: true };

const user = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'alice@example.com',
  role: 'admin',
  lockedAt: null,
} as UserEntity;

const settings: KeycloakAuthConfig = {
  issuer: 'https://sso.example.com/realms/agents',
  realm: 'agents',
  clientId: 'agent-controller',
  consoleClientId: 'agent-console-spa',
  consoleScope: 'openid profile email',
  clientSecret: 'secret',
  tokenValidation: 'OFFLINE',
  adminRole: 'admin',
  introspectionCacheSeconds: 30,
  requestTimeoutMs: 5000,
};

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('bearerToken', () => {
  it.each(['Bearer abc.def.ghi', 'bearer abc.def.ghi', 'BEARER   abc.def.ghi', '  Bearer abc.def.ghi  '])(
    'reads the token from %p',
    (header) => {
      expect(bearerToken(header)).toBe('abc.def.ghi');
    },
  );

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'ApiKey abc', 'abc.def.ghi', 'Bearer a b'])(
    'refuses %p with 401',
    (header) => {
      expect(() => bearerToken(header)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    },
  );
});

describe('KeycloakAuthenticator', () => {
  const users = { resolveUser: jest.fn(async () => user) };

  it('turns a valid token into the principal of its local user', async () => {
    const verifier: KeycloakTokenVerifier = { verify: jest.fn(async () => IDENTITY) };
    const authenticator = new KeycloakAuthenticator(verifier, users as unknown as KeycloakUsersService);

    await expect(authenticator.authenticate('Bearer the-token')).resolves.toEqual({
      kind: 'user',
      isGlobalAdmin: true,
      userId: user.id,
      email: user.email,
      user,
    });
    expect(verifier.verify).toHaveBeenCalledWith('the-token');
    expect(users.resolveUser).toHaveBeenCalledWith(IDENTITY);
  });

  it('looks up no user for a refused token', async () => {
    users.resolveUser.mockClear();
    const verifier: KeycloakTokenVerifier = {
      verify: async () => Promise.reject(new DomainError('UNAUTHORIZED', 'Token has expired')),
    };
    const authenticator = new KeycloakAuthenticator(verifier, users as unknown as KeycloakUsersService);

    expect((await refusal(authenticator.authenticate('Bearer x'))).message).toBe('Token has expired');
    expect(users.resolveUser).not.toHaveBeenCalled();
  });
});

describe('createKeycloakTokenVerifier', () => {
  const config = (method: AppConfig['auth']['method'], keycloak?: KeycloakAuthConfig) =>
    ({ auth: { method, keycloak } }) as AppConfig;

  it('verifies offline or online as configured', () => {
    expect(createKeycloakTokenVerifier(config('keycloak', settings))).toBeInstanceOf(OfflineTokenVerifier);
    expect(createKeycloakTokenVerifier(config('keycloak', { ...settings, tokenValidation: 'ONLINE' }))).toBeInstanceOf(
      IntrospectionTokenVerifier,
    );
  });

  it.each(['users', 'api-key'] as const)('refuses every token in %s mode', async (method) => {
    const verifier = createKeycloakTokenVerifier(config(method, settings));

    expect((await refusal(verifier.verify('anything'))).code).toBe('UNAUTHORIZED');
  });
});

describe('notApplicableInMode', () => {
  it('keeps the api-key code for api-key mode and names the mode-neutral code otherwise', () => {
    expect(notApplicableInMode('api-key', 'x').code).toBe('NOT_APPLICABLE_IN_API_KEY_MODE');
    expect(notApplicableInMode('keycloak', 'x')).toMatchObject({ code: 'NOT_APPLICABLE_IN_THIS_MODE', status: 400 });
  });
});
