import { generateToken, isWellFormedToken, tokenHashes, tokenPrefix } from './token-format';

describe('API token format', () => {
  it('makes act_ tokens of 53 base62 characters whose checksum holds, each different', () => {
    const tokens = Array.from({ length: 200 }, generateToken);
    for (const token of tokens) {
      expect(token).toMatch(/^act_[0-9A-Za-z]{49}$/);
      expect(isWellFormedToken(token)).toBe(true);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokenPrefix(tokens[0])).toBe(tokens[0].slice(0, 10));
  });

  it('refuses a changed character, a wrong prefix, a wrong length and other bearer values', () => {
    const token = generateToken();
    const last = token.at(-1) === 'a' ? 'b' : 'a';
    const middle = token[20] === 'a' ? 'b' : 'a';
    for (const bad of [
      `${token.slice(0, -1)}${last}`,
      `${token.slice(0, 20)}${middle}${token.slice(21)}`,
      token.replace('act_', 'acx_'),
      token.slice(0, -1),
      `${token}0`,
      'eyJhbGciOiJIUzI1NiJ9.e30.sig',
      '',
    ]) {
      expect(isWellFormedToken(bad)).toBe(false);
    }
  });

  it('hashes with each key of the keyring: same key same hash, another key another hash', () => {
    const token = generateToken();
    const [a, b] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
    const [withA, withB] = tokenHashes(token, [a, b]);
    expect(withA).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHashes(token, [a])).toEqual([withA]);
    expect(withB).not.toBe(withA);
    expect(tokenHashes(generateToken(), [a])[0]).not.toBe(withA);
  });
});
