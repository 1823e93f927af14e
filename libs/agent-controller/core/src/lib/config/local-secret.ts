import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Development convenience: a random secret created on first use under `<dataDir>/secrets` (mode 0600)
 * and read back on later starts, so data encrypted yesterday still decrypts today.
 */
export function readOrCreateLocalSecret(dataDir: string, name: string, bytes: number): string {
  const directory = join(dataDir, 'secrets');
  const file = join(directory, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const secret = randomBytes(bytes).toString('base64');
  // 'wx' fails if another process created it a moment ago; then its value wins.
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
}
