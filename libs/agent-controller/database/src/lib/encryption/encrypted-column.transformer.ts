import type { ValueTransformer } from 'typeorm';
import { EncryptionKeyring } from './encryption-keyring';

let activeKeyring: EncryptionKeyring | undefined;

/**
 * TypeORM builds transformers when entity classes load, before Nest can inject anything, so the keyring
 * is installed once at start-up (DatabaseModule does it) and read here on every value.
 */
export function installEncryptionKeyring(keyring: EncryptionKeyring): void {
  activeKeyring = keyring;
}

function keyring(): EncryptionKeyring {
  if (!activeKeyring) throw new Error('Encryption keyring is not installed');
  return activeKeyring;
}

/** Use on `text` columns: `@Column({ type: 'text', nullable: true, transformer: encryptedColumn })`. */
export const encryptedColumn: ValueTransformer = {
  to: (value: string | null | undefined) => (value === null || value === undefined ? value : keyring().encrypt(value)),
  from: (value: string | null) => (value === null ? null : keyring().decrypt(value)),
};
