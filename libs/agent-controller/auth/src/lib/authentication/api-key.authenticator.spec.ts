import { AppConfig, DomainError } from '@agent-controller/core';
import { ApiKeyAuthenticator } from './api-key.authenticator';

const KEY = 'k'.repeat(40);

function authenticatorFor(staticApiKey: string | undefined): ApiKeyAuthenticator {
  return new ApiKeyAuthenticator({ auth: { staticApiKey } } as AppConfig);
}

function refusal(authenticator: ApiKeyAuthenticator, header: string | undefined): DomainError {
  try {
    authenticator.authenticate(header);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(header)} to be refused`);
}

describe('ApiKeyAuthenticator', () => {
  const authenticator = authenticatorFor(KEY);

  it.each([
    `Bearer ${KEY}`,
    `ApiKey ${KEY}`,
    `bearer ${KEY}`,
    `BEARER ${KEY}`,
    `apikey ${KEY}`,
    `APIKEY ${KEY}`,
    `Bearer    ${KEY}`,
    `  Bearer ${KEY}  `,
  ])('accepts %p as the global admin', (header) => {
    expect(authenticator.authenticate(header)).toEqual({
      kind: 'api-key',
      isGlobalAdmin: true,
      userId: null,
      email: null,
    });
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['Basic with the key', `Basic ${KEY}`],
    ['another scheme', `Token ${KEY}`],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['two tokens', 'Bearer a b'],
    ['the key split in two', `Bearer ${KEY.slice(0, 20)} ${KEY.slice(20)}`],
    ['the key alone', KEY],
    ['a wrong key', `Bearer ${'x'.repeat(40)}`],
    ['the key with a suffix', `Bearer ${KEY}x`],
    ['the key with a prefix', `Bearer x${KEY}`],
    ['the key one character short', `Bearer ${KEY.slice(1)}`],
    ['the key in another case', `Bearer ${KEY.toUpperCase()}`],
  ])('refuses %s with UNAUTHORIZED', (_label, header) => {
    const error = refusal(authenticator, header);

    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.status).toBe(401);
  });

  it('says which part was wrong', () => {
    expect(refusal(authenticator, undefined).message).toBe('Missing Authorization header');
    expect(refusal(authenticator, 'Basic x').message).toMatch(/must be "Bearer <api key>" or "ApiKey <api key>"/);
    expect(refusal(authenticator, `Bearer ${KEY}x`).message).toBe('Invalid API key');
  });

  it('never echoes the presented key', () => {
    const presented = 'presented-secret-'.padEnd(40, 'z');

    expect(refusal(authenticator, `Bearer ${presented}`).message).not.toContain(presented);
  });

  it('accepts nothing when no key is configured', () => {
    const unconfigured = authenticatorFor(undefined);

    for (const header of ['Bearer ', 'Bearer', 'Bearer ""', `Bearer ${KEY}`]) {
      expect(refusal(unconfigured, header).code).toBe('UNAUTHORIZED');
    }
  });
});
