import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const FORMAT_VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/** A short, non-secret fingerprint of a key, stored beside each ciphertext so old keys can be found. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/**
 * AES-256-GCM with a random IV per value. Stored form: `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64 parts).
 * Encrypts with the current key; decrypts with whichever configured key made the value.
 */
export class EncryptionKeyring {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentKeyId: string;

  constructor(currentKey: Buffer, previousKeys: Buffer[] = []) {
    for (const key of [currentKey, ...previousKeys]) {
      if (key.length !== 32) throw new Error('Encryption keys must be 32 bytes');
      this.keys.set(keyIdOf(key), key);
    }
    this.currentKeyId = keyIdOf(currentKey);
  }

  encrypt(plaintext: string): string {
    const key = this.keys.get(this.currentKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      FORMAT_VERSION,
      this.currentKeyId,
      iv.toString('base64'),
      tag.toString('base64'),
      ciphertext.toString('base64'),
    ].join(':');
  }

  decrypt(stored: string): string {
    const parts = stored.split(':');
    if (parts.length !== 5 || parts[0] !== FORMAT_VERSION) {
      throw new DecryptionError('Value is not in the encrypted-column format');
    }
    const [, keyId, iv, tag, ciphertext] = parts;
    const key = this.keys.get(keyId);
    if (!key) throw new DecryptionError(`No configured encryption key has id ${keyId}`);
    const authTag = Buffer.from(tag, 'base64');
    // GCM accepts shortened tags, which would make forgeries cheap: insist on the full 16 bytes.
    if (authTag.length !== TAG_BYTES) throw new DecryptionError('Value has a malformed authentication tag');
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64'), { authTagLength: TAG_BYTES });
      decipher.setAuthTag(authTag);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptionError(`Value could not be decrypted with key ${keyId} (tampered or wrong key)`);
    }
  }

  /** True when the value was made with a key other than the current one and should be re-encrypted. */
  needsReEncryption(stored: string): boolean {
    return stored.split(':')[1] !== this.currentKeyId;
  }
}
