import { randomBytes } from 'node:crypto';
import { DecryptionError, EncryptionKeyring } from './encryption-keyring';

type TransformerModule = typeof import('./encrypted-column.transformer');

/** A fresh copy of the module, so the installed keyring never leaks between tests. */
async function freshTransformer(): Promise<TransformerModule> {
  let loaded: TransformerModule | undefined;
  await jest.isolateModulesAsync(async () => {
    loaded = await import('./encrypted-column.transformer');
  });
  if (!loaded) throw new Error('module did not load');
  return loaded;
}

describe('encryptedColumn', () => {
  describe('before a keyring is installed', () => {
    it('refuses to encrypt', async () => {
      const { encryptedColumn } = await freshTransformer();

      expect(() => encryptedColumn.to('secret')).toThrow('Encryption keyring is not installed');
    });

    it('refuses to decrypt', async () => {
      const { encryptedColumn } = await freshTransformer();
      const stored = new EncryptionKeyring(randomBytes(32)).encrypt('secret');

      expect(() => encryptedColumn.from(stored)).toThrow('Encryption keyring is not installed');
    });

    it('still passes null and undefined through', async () => {
      const { encryptedColumn } = await freshTransformer();

      expect(encryptedColumn.to(null)).toBeNull();
      expect(encryptedColumn.to(undefined)).toBeUndefined();
      expect(encryptedColumn.from(null)).toBeNull();
    });
  });

  describe('with a keyring installed', () => {
    it('stores an encrypted value and reads the original back', async () => {
      const { encryptedColumn, installEncryptionKeyring } = await freshTransformer();
      installEncryptionKeyring(new EncryptionKeyring(randomBytes(32)));

      const stored: unknown = encryptedColumn.to('api-token-123');

      expect(typeof stored).toBe('string');
      expect(stored).toMatch(/^v1:[0-9a-f]{12}:/);
      expect(stored).not.toContain('api-token-123');
      expect(encryptedColumn.from(stored)).toBe('api-token-123');
    });

    it('round-trips the empty string', async () => {
      const { encryptedColumn, installEncryptionKeyring } = await freshTransformer();
      installEncryptionKeyring(new EncryptionKeyring(randomBytes(32)));

      const stored: unknown = encryptedColumn.to('');

      expect(stored).not.toBe('');
      expect(encryptedColumn.from(stored)).toBe('');
    });

    it('passes null and undefined through', async () => {
      const { encryptedColumn, installEncryptionKeyring } = await freshTransformer();
      installEncryptionKeyring(new EncryptionKeyring(randomBytes(32)));

      expect(encryptedColumn.to(null)).toBeNull();
      expect(encryptedColumn.to(undefined)).toBeUndefined();
      expect(encryptedColumn.from(null)).toBeNull();
    });

    it('uses the keyring installed last', async () => {
      const { encryptedColumn, installEncryptionKeyring } = await freshTransformer();
      const oldKey = randomBytes(32);
      installEncryptionKeyring(new EncryptionKeyring(oldKey));
      const storedWithOldKey: unknown = encryptedColumn.to('value');

      installEncryptionKeyring(new EncryptionKeyring(randomBytes(32)));
      expect(() => encryptedColumn.from(storedWithOldKey)).toThrow(DecryptionError);

      installEncryptionKeyring(new EncryptionKeyring(randomBytes(32), [oldKey]));
      expect(encryptedColumn.from(storedWithOldKey)).toBe('value');
    });
  });
});
