import { verify as argon2Verify } from '@node-rs/argon2';
import { PasswordHasher, TIMING_DECOY_HASH } from './password-hasher';

const PASSWORD = 'correct horse battery staple';

const decoyHash = () => TIMING_DECOY_HASH;

/** The `m=…,t=…,p=…` segment of a PHC-format argon2 hash. */
const parametersOf = (phc: string) => phc.split('$')[3];

async function averageMs(run: () => Promise<unknown>, times: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    total += performance.now() - started;
  }
  return total / times;
}

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();
  let stored: string;

  beforeAll(async () => {
    stored = await hasher.hash(PASSWORD);
  });

  it('produces an argon2id hash that does not contain the password', () => {
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(stored).not.toContain(PASSWORD);
  });

  it('salts each hash', async () => {
    expect(await hasher.hash(PASSWORD)).not.toBe(stored);
  });

  it('verifies the right password', async () => {
    await expect(hasher.verify(stored, PASSWORD)).resolves.toBe(true);
  });

  it.each(['wrong password', `${PASSWORD} `, PASSWORD.toUpperCase(), ''])('refuses %p', async (attempt) => {
    await expect(hasher.verify(stored, attempt)).resolves.toBe(false);
  });

  it('refuses when there is no hash', async () => {
    await expect(hasher.verify(null, PASSWORD)).resolves.toBe(false);
    await expect(hasher.verify(null, '')).resolves.toBe(false);
  });

  it('refuses instead of throwing for a malformed hash', async () => {
    await expect(hasher.verify('not-a-hash', PASSWORD)).resolves.toBe(false);
  });

  describe('timing decoy for users without a hash', () => {
    it('is a well-formed argon2id hash that argon2 verifies to false rather than rejecting', async () => {
      const decoy = decoyHash();

      expect(decoy).toMatch(/^\$argon2id\$v=19\$/);
      await expect(argon2Verify(decoy, PASSWORD)).resolves.toBe(false);
    });

    it('costs the same parameters as a real hash', () => {
      expect(parametersOf(decoyHash())).toBe(parametersOf(stored));
    });

    it('takes comparable time to a real verification', async () => {
      // Warm up both paths so the first-call cost does not skew either side.
      await hasher.verify(stored, 'warm-up');
      await hasher.verify(null, 'warm-up');

      const real = await averageMs(() => hasher.verify(stored, 'wrong password'), 3);
      const decoy = await averageMs(() => hasher.verify(null, 'wrong password'), 3);

      expect(decoy).toBeGreaterThanOrEqual(real * 0.3);
    });
  });
});
