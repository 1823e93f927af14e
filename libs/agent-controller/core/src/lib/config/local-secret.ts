import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MIN_SECRET_LENGTH = 32;

/** Refuses an empty or truncated file rather than silently using a weak secret. */
function readSecret(file: string): string {
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${file} does not hold a secret of at least ${MIN_SECRET_LENGTH} characters; restore it or set the variable`,
    );
  }
  return secret;
}

/**
 * Development convenience: a random secret created on first use under `<dataDir>/secrets` (mode 0600)
 * and read back on later starts, so data encrypted yesterday still decrypts today.
 */
export function readOrCreateLocalSecret(dataDir: string, name: string, bytes: number): string {
  const directory = join(dataDir, 'secrets');
  const file = join(directory, name);
  if (existsSync(file)) return readSecret(file);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  // Written in full under a private name, then linked into place: a reader never sees half a file, and
  // if another process linked first, its value wins.
  const draft = `${file}.${process.pid}.tmp`;
  writeFileSync(draft, randomBytes(bytes).toString('base64'), { mode: 0o600 });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  return readSecret(file);
}
