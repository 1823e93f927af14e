import { randomInt } from 'node:crypto';

import { hash, verify } from '@node-rs/argon2';

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The agent password length of the real manager (16 alphanumeric characters). */
export const AGENT_PASSWORD_LENGTH = 16;

/**
 * Random alphanumeric password. `crypto.randomInt` draws each index uniformly (rejection sampling), so
 * there is no modulo bias.
 */
export function generatePassword(length = AGENT_PASSWORD_LENGTH): string {
  let password = '';
  for (let i = 0; i < length; i++) {
    password += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  }
  return password;
}

/**
 * Password hashing. The real manager keeps a bcrypt hash; no bcrypt implementation is installed in this
 * workspace, so the simulator stores an argon2id hash (PHC string) instead. Only the hash is kept; it never
 * leaves the process, so the algorithm is not visible on the wire.
 */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(password: string, passwordHash: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
