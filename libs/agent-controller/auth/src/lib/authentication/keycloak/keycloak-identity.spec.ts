import { DomainError } from '@agent-controller/core';
import { ClaimRules, identityFromClaims, placeholderEmail, roleOf } from './keycloak-identity';

const rules: ClaimRules = {
  issuer: 'https://sso.example.com/realms/agents',
  clientId: 'agent-controller',
  consoleClientId: 'agent-console-spa',
  adminRole: 'admin',
};

/** The claims of a Keycloak access token obtained by the controller's own client. */
const token = (extra: Record<string, unknown> = {}) => ({
  iss: rules.issuer,
  sub: '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
  aud: 'account',
  azp: 'agent-controller',
  typ: 'Bearer',
  ...extra,
});

function refusal(claims: Record<string, unknown>): DomainError {
  try {
    identityFromClaims(claims, rules);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(claims)} to be refused`);
}

describe('identityFromClaims', () => {
  describe('audience', () => {
    it.each([
      ['azp is the client (aud only "account")', {}],
      ['aud is the client', { azp: 'agent-console', aud: 'agent-controller' }],
      ['aud lists the client', { azp: 'agent-console', aud: ['account', 'agent-controller'] }],
      ['introspection names the client in client_id', { azp: undefined, client_id: 'agent-controller' }],
      ['azp is the console client (aud only "account")', { azp: 'agent-console-spa' }],
      ['introspection names the console client in client_id', { azp: undefined, client_id: 'agent-console-spa' }],
    ])('accepts a token when %s', (_label, extra) => {
      expect(identityFromClaims(token(extra), rules).subject).toBe(token().sub);
    });

    it.each([
      ['another azp and aud', { azp: 'other-app', aud: 'account' }],
      ['another azp and no aud', { azp: 'other-app', aud: undefined }],
      ['neither azp nor aud', { azp: undefined, aud: undefined }],
      ['a client id that only shares a prefix', { azp: 'agent-controller-2', aud: ['agent-controllers'] }],
      ['azp taking precedence over client_id', { azp: 'other-app', client_id: 'agent-controller' }],
      ['the console client only in aud', { azp: 'other-app', aud: ['account', 'agent-console-spa'] }],
    ])('refuses a token with %s', (_label, extra) => {
      const error = refusal(token(extra));

      expect(error.code).toBe('UNAUTHORIZED');
      expect(error.message).toBe('Token is not meant for this service');
    });
  });

  it('dates the sign-in by auth_time, else by iat, else not at all', () => {
    expect(identityFromClaims(token({ auth_time: 1_796_000_000, iat: 1_796_000_600 }), rules).signedInAt).toEqual(
      new Date(1_796_000_000_000),
    );
    expect(identityFromClaims(token({ iat: 1_796_000_600 }), rules).signedInAt).toEqual(new Date(1_796_000_600_000));
    expect(identityFromClaims(token({ auth_time: 'yesterday' }), rules).signedInAt).toBeUndefined();
  });

  it('accepts only the controller client by azp when no console client is configured', () => {
    const withoutConsole = { ...rules, consoleClientId: undefined };

    expect(() => identityFromClaims(token({ azp: 'agent-console-spa' }), withoutConsole)).toThrow(
      'Token is not meant for this service',
    );
    expect(identityFromClaims(token(), withoutConsole).subject).toBe(token().sub);
  });

  describe('token type', () => {
    it.each([
      ['typ Bearer', { typ: 'Bearer' }],
      ['typ bearer (any case)', { typ: 'bearer' }],
      ['token_type Bearer (RFC 7662) without typ', { typ: undefined, token_type: 'Bearer' }],
    ])('accepts %s', (_label, extra) => {
      expect(() => identityFromClaims(token(extra), rules)).not.toThrow();
    });

    it.each([
      ['an ID token', { typ: 'ID' }],
      ['a refresh token', { typ: 'Refresh' }],
      ['no stated type', { typ: undefined }],
      ['a Bearer typ but another token_type', { token_type: 'refresh_token' }],
    ])('refuses %s', (_label, extra) => {
      expect(refusal(token(extra)).message).toBe('Not an access token');
    });
  });

  it('refuses an issuer other than the realm (introspection answers state it)', () => {
    expect(refusal(token({ iss: 'https://sso.example.com/realms/other' })).message).toBe(
      'Token is from another issuer',
    );
  });

  it.each([
    ['no sub', { sub: undefined }],
    ['an empty sub', { sub: '' }],
    ['a numeric sub', { sub: 42 }],
    ['a sub longer than the column', { sub: 'x'.repeat(256) }],
  ])('refuses a token with %s', (_label, extra) => {
    expect(refusal(token(extra)).message).toBe('Token has no subject');
  });

  describe('e-mail', () => {
    it('uses an e-mail Keycloak verified, lower-cased', () => {
      const identity = identityFromClaims(token({ email: 'Alice@Example.COM', email_verified: true }), rules);

      expect(identity.verifiedEmail).toBe('alice@example.com');
    });

    it.each([
      ['not verified', { email: 'alice@example.com', email_verified: false }],
      ['without email_verified', { email: 'alice@example.com' }],
      ['verified as a string', { email: 'alice@example.com', email_verified: 'true' }],
      ['verified but not an address', { email: 'not an address', email_verified: true }],
      ['verified but too long', { email: `${'a'.repeat(250)}@example.com`, email_verified: true }],
      ['absent', { email_verified: true }],
    ])('ignores an e-mail %s', (_label, extra) => {
      expect(identityFromClaims(token(extra), rules).verifiedEmail).toBeNull();
    });
  });

  describe('global admin', () => {
    it('is a holder of the configured realm role', () => {
      const identity = identityFromClaims(token({ realm_access: { roles: ['offline_access', 'admin'] } }), rules);

      expect(identity.isGlobalAdmin).toBe(true);
      expect(roleOf(identity)).toBe('admin');
    });

    it('follows KEYCLOAK_ADMIN_ROLE', () => {
      const claims = token({ realm_access: { roles: ['admin'] } });

      expect(identityFromClaims(claims, { ...rules, adminRole: 'controller-admin' }).isGlobalAdmin).toBe(false);
    });

    it.each([
      ['no realm_access', {}],
      ['other roles only', { realm_access: { roles: ['user', 'Admin'] } }],
      ['the role as a client role', { resource_access: { 'agent-controller': { roles: ['admin'] } } }],
      ['roles that are not a list', { realm_access: { roles: 'admin' } }],
      ['realm_access that is not an object', { realm_access: 'admin' }],
    ])('is not anyone with %s', (_label, extra) => {
      const identity = identityFromClaims(token(extra), rules);

      expect(identity.isGlobalAdmin).toBe(false);
      expect(roleOf(identity)).toBe('user');
    });
  });
});

describe('placeholderEmail', () => {
  it('keeps a Keycloak subject (a UUID) readable', () => {
    expect(placeholderEmail('6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f')).toBe(
      '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f@keycloak.invalid',
    );
  });

  it.each(['F:provider:Alice', 'alice@example.com', 'ÄÖÜ', 'x'.repeat(255), 'a b', 'sub-sha256-abc'])(
    'hashes the subject %p into a lower-case address in the reserved .invalid domain',
    (subject) => {
      const email = placeholderEmail(subject);

      expect(email).toMatch(/^sub-sha256-[0-9a-f]{40}@keycloak\.invalid$/);
      expect(email).toBe(email.toLowerCase());
      expect(email.length).toBeLessThanOrEqual(254);
    },
  );

  it('is stable per subject and distinct between subjects, including ones that differ only in case', () => {
    expect(placeholderEmail('Alice')).toBe(placeholderEmail('Alice'));
    expect(placeholderEmail('Alice')).not.toBe(placeholderEmail('alice'));
    expect(placeholderEmail('6F1C2D3E-4B5A-4C6D-8E9F-0A1B2C3D4E5F')).not.toBe(
      placeholderEmail('6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f'),
    );
  });
});
