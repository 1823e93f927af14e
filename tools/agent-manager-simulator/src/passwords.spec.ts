import { AGENT_PASSWORD_LENGTH, generatePassword, hashPassword, verifyPassword } from './passwords';

describe('passwords', () => {
  it('generates 16 alphanumeric characters', () => {
    for (let i = 0; i < 50; i++) {
      expect(generatePassword()).toMatch(/^[A-Za-z0-9]{16}$/);
    }
    expect(AGENT_PASSWORD_LENGTH).toBe(16);
  });

  it('uses the whole alphabet roughly uniformly', () => {
    const counts = new Map<string, number>();
    const sample = generatePassword(62 * 2000);
    for (const ch of sample) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const count of counts.values()) {
      // Expected 2000 each (sd ~44). A byte % 62 generator would give its first 8 characters ~2422.
      expect(count).toBeGreaterThan(1750);
      expect(count).toBeLessThan(2250);
    }
  });

  it('stores a hash that verifies only the right password', async () => {
    const password = generatePassword();
    const hash = await hashPassword(password);
    expect(hash).not.toContain(password);
    expect(hash.startsWith('$argon2id$')).toBe(true);
    await expect(verifyPassword(password, hash)).resolves.toBe(true);
    await expect(verifyPassword(`${password}x`, hash)).resolves.toBe(false);
    await expect(verifyPassword(password, 'not-a-hash')).resolves.toBe(false);
  });
});
