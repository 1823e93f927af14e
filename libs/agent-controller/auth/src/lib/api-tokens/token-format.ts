import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** The prefix secret scanners look for. */
export const TOKEN_PREFIX = 'act_';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 43; // 32 bytes in base62
const CHECKSUM_LENGTH = 6; // a CRC-32 in base62
const SHAPE = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

function base62(value: bigint, length: number): string {
  let text = '';
  for (let rest = value; rest > 0n; rest /= 62n) text = ALPHABET[Number(rest % 62n)] + text;
  return text.padStart(length, '0');
}

function checksum(body: string): string {
  return base62(BigInt(crc32(body)), CHECKSUM_LENGTH);
}

/** A new token: the prefix, 32 random bytes in base62, and a checksum of them (typos and scanners tell it apart). */
export function generateToken(): string {
  const body = base62(BigInt(`0x${randomBytes(32).toString('hex')}`), BODY_LENGTH);
  return `${TOKEN_PREFIX}${body}${checksum(body)}`;
}

/** Whether a value has a token's shape and a matching checksum (checked before any database read). */
export function isWellFormedToken(value: string): boolean {
  if (!SHAPE.test(value)) return false;
  const body = value.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + BODY_LENGTH);
  return value.slice(TOKEN_PREFIX.length + BODY_LENGTH) === checksum(body);
}

/** The first characters of a token, kept to recognise it in lists. */
export function tokenPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}

/**
 * What is stored of a token: an HMAC keyed with a key derived from an encryption key, so a copy of the database
 * alone cannot be used to try guesses. One hash per key of the keyring (current and previous), so a rotated
 * ENCRYPTION_KEY keeps existing tokens working.
 */
export function tokenHashes(token: string, encryptionKeys: Buffer[]): string[] {
  return encryptionKeys.map((key) => createHmac('sha256', hashKeyOf(key)).update(token, 'utf8').digest('hex'));
}

/** The HMAC key derived from an encryption key, derived once per key (every authenticated request hashes). */
const hashKeys = new Map<string, Buffer>();
function hashKeyOf(encryptionKey: Buffer): Buffer {
  const id = encryptionKey.toString('base64');
  let hashKey = hashKeys.get(id);
  if (!hashKey) {
    hashKey = Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'agent-controller api token', 32));
    hashKeys.set(id, hashKey);
  }
  return hashKey;
}
