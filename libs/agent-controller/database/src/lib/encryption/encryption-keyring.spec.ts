import { randomBytes } from 'node:crypto';
import { DecryptionError, EncryptionKeyring, keyIdOf } from './encryption-keyring';

/** Flips one bit of a base64 part of a stored value. */
function tamper(stored: string, partIndex: number): string {
  const parts = stored.split(':');
  const bytes = Buffer.from(parts[partIndex], 'base64');
  bytes[0] ^= 0x01;
  parts[partIndex] = bytes.toString('base64');
  return parts.join(':');
}

function decryptionError(keyring: EncryptionKeyring, stored: string): DecryptionError {
  try {
    keyring.decrypt(stored);
  } catch (error) {
    if (error instanceof DecryptionError) return error;
    throw error;
  }
  throw new Error(`expected ${stored} not to decrypt`);
}

describe('keyIdOf', () => {
  it('is a stable 12-hex-digit fingerprint that differs between keys', () => {
    const key = randomBytes(32);

    expect(keyIdOf(key)).toMatch(/^[0-9a-f]{12}$/);
    expect(keyIdOf(Buffer.from(key))).toBe(keyIdOf(key));
    expect(keyIdOf(randomBytes(32))).not.toBe(keyIdOf(key));
  });
});

describe('EncryptionKeyring', () => {
  const key = randomBytes(32);
  const keyring = new EncryptionKeyring(key);

  describe('round trip', () => {
    it.each([
      ['ASCII', 'sk-live-0123456789abcdef'],
      ['unicode', 'pässwörd 🔐 日本語 — ünïcödé'],
      ['the empty string', ''],
      ['a long value', 'x'.repeat(100_000)],
      ['a value with colons', 'a:b:c:d:e:f'],
    ])('decrypts %s to the original', (_label, plaintext) => {
      expect(keyring.decrypt(keyring.encrypt(plaintext))).toBe(plaintext);
    });

    it('decrypts with another keyring holding the same key', () => {
      expect(new EncryptionKeyring(Buffer.from(key)).decrypt(keyring.encrypt('shared'))).toBe('shared');
    });
  });

  describe('stored format', () => {
    it('is v1:<keyId>:<iv>:<tag>:<ciphertext>', () => {
      const stored = keyring.encrypt('hello');
      const parts = stored.split(':');

      expect(parts).toHaveLength(5);
      expect(parts[0]).toBe('v1');
      expect(parts[1]).toBe(keyIdOf(key));
      expect(Buffer.from(parts[2], 'base64')).toHaveLength(12);
      expect(Buffer.from(parts[3], 'base64')).toHaveLength(16);
      expect(Buffer.from(parts[4], 'base64')).toHaveLength(Buffer.byteLength('hello'));
    });

    it('does not contain the plaintext', () => {
      const stored = keyring.encrypt('very-recognisable-secret');

      expect(stored).not.toContain('very-recognisable-secret');
      expect(stored).not.toContain(Buffer.from('very-recognisable-secret').toString('base64'));
    });

    it('differs between two encryptions of the same plaintext (random IV)', () => {
      const first = keyring.encrypt('same');
      const second = keyring.encrypt('same');

      expect(first).not.toBe(second);
      expect(first.split(':')[2]).not.toBe(second.split(':')[2]);
      expect(keyring.decrypt(first)).toBe('same');
      expect(keyring.decrypt(second)).toBe('same');
    });
  });

  describe('refusals', () => {
    it('refuses a value made with an unknown key id, naming the key id', () => {
      const otherKey = randomBytes(32);
      const stored = new EncryptionKeyring(otherKey).encrypt('secret');
      const error = decryptionError(keyring, stored);

      expect(error.name).toBe('DecryptionError');
      expect(error.message).toContain(keyIdOf(otherKey));
    });

    it.each([
      ['the ciphertext', 4],
      ['the authentication tag', 3],
      ['the IV', 2],
    ])('refuses a value whose %s was tampered with', (_label, partIndex) => {
      const stored = keyring.encrypt('transfer 100 to alice');
      const error = decryptionError(keyring, tamper(stored, partIndex));

      expect(error.message).toContain(keyIdOf(key));
      expect(error.message).toContain('tampered');
    });

    it('refuses a value whose authentication tag was shortened (GCM would otherwise accept 4 bytes)', () => {
      const parts = keyring.encrypt('secret value').split(':');
      parts[3] = Buffer.from(parts[3], 'base64').subarray(0, 4).toString('base64');
      expect(decryptionError(keyring, parts.join(':')).message).toContain('authentication tag');
    });

    it('refuses a value relabelled with another configured key id', () => {
      const previous = randomBytes(32);
      const rotated = new EncryptionKeyring(key, [previous]);
      const parts = rotated.encrypt('secret').split(':');
      parts[1] = keyIdOf(previous);

      expect(() => rotated.decrypt(parts.join(':'))).toThrow(DecryptionError);
    });

    it.each([
      ['plaintext', 'just some text'],
      ['too few parts', 'v1:abc:def'],
      ['too many parts', 'v1:a:b:c:d:e'],
      ['another version', `v2:${keyIdOf(key)}:a:b:c`],
      ['the empty string', ''],
    ])('refuses %s as not in the encrypted-column format', (_label, stored) => {
      expect(decryptionError(keyring, stored).message).toBe('Value is not in the encrypted-column format');
    });
  });

  describe('key rotation', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const oldKeyring = new EncryptionKeyring(oldKey);
    const rotated = new EncryptionKeyring(newKey, [oldKey]);

    it('decrypts a value made with the previous key', () => {
      expect(rotated.decrypt(oldKeyring.encrypt('made before rotation'))).toBe('made before rotation');
    });

    it('encrypts with the new key', () => {
      const stored = rotated.encrypt('made after rotation');

      expect(stored.split(':')[1]).toBe(keyIdOf(newKey));
      expect(() => oldKeyring.decrypt(stored)).toThrow(DecryptionError);
    });

    it('flags values made with the previous key for re-encryption, and not those made with the new key', () => {
      expect(rotated.needsReEncryption(oldKeyring.encrypt('old'))).toBe(true);
      expect(rotated.needsReEncryption(rotated.encrypt('new'))).toBe(false);
    });

    it('re-encrypting a flagged value clears the flag', () => {
      const reEncrypted = rotated.encrypt(rotated.decrypt(oldKeyring.encrypt('value')));

      expect(rotated.needsReEncryption(reEncrypted)).toBe(false);
      expect(rotated.decrypt(reEncrypted)).toBe('value');
    });

    it('no longer decrypts old values once the previous key is dropped', () => {
      const stored = oldKeyring.encrypt('value');

      expect(decryptionError(new EncryptionKeyring(newKey), stored).message).toContain(keyIdOf(oldKey));
    });
  });

  describe('constructor', () => {
    it.each([0, 16, 31, 33, 64])('refuses a %i-byte current key', (length) => {
      expect(() => new EncryptionKeyring(randomBytes(length))).toThrow('Encryption keys must be 32 bytes');
    });

    it('refuses a previous key that is not 32 bytes', () => {
      expect(() => new EncryptionKeyring(randomBytes(32), [randomBytes(32), randomBytes(16)])).toThrow(
        'Encryption keys must be 32 bytes',
      );
    });
  });
});
