import { DomainError } from '@agent-controller/core';
import { readAccessTokenClaims } from './access-token.service';

const USER_ID = '0b7e4c1e-5f0a-4d2b-9c3e-2a6f1d8e7b90';
const valid = { sub: USER_ID, ver: 0, iat: 1_700_000_000, exp: 1_700_003_600, iss: 'agent-controller' };

function refusal(payload: unknown): DomainError {
  try {
    readAccessTokenClaims(payload);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(payload)} to be refused`);
}

describe('readAccessTokenClaims', () => {
  it('reads the subject and token version of a token this controller issued', () => {
    expect(readAccessTokenClaims(valid)).toEqual({ sub: USER_ID, ver: 0 });
  });

  it('refuses a token without an expiry, which would never end', () => {
    const error = refusal({ ...valid, exp: undefined });
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain('"exp"');
  });

  it.each(['x', '', 'not-a-uuid', `${USER_ID}x`, "' OR 1=1 --", 42, null])(
    'refuses the subject %p before any user is looked up by it',
    (sub) => {
      const error = refusal({ ...valid, sub });
      expect(error.code).toBe('UNAUTHORIZED');
      expect(error.message).toContain('"sub"');
    },
  );

  it.each([undefined, '0', -1, 1.5])('refuses the token version %p', (ver) => {
    expect(refusal({ ...valid, ver }).message).toContain('"ver"');
  });

  it.each([null, 'a string', []])('refuses a payload that is not an object (%p)', (payload) => {
    expect(refusal(payload).code).toBe('UNAUTHORIZED');
  });
});
