import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `agentctl login` keeps: the controller and a token for it. */
export interface StoredLogin {
  url: string;
  token: string;
  /** Who logged in (for messages), and when the token stops working (null: unknown, e.g. an API key). */
  email: string | null;
  expiresAt: string | null;
}

/** `$XDG_CONFIG_HOME/agentctl/config.json`, else `~/.config/agentctl/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(base, 'agentctl', 'config.json');
}

export function readLogin(path: string): StoredLogin | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { url, token, email, expiresAt } = parsed as Record<string, unknown>;
  if (typeof url !== 'string' || typeof token !== 'string') return undefined;
  return {
    url,
    token,
    email: typeof email === 'string' ? email : null,
    expiresAt: typeof expiresAt === 'string' ? expiresAt : null,
  };
}

/** Writes the login readable by its owner only (0600, in a 0700 directory): it holds a bearer token. */
export function writeLogin(path: string, login: StoredLogin): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  // A file that existed keeps its old mode on write: set it again.
  chmodSync(path, 0o600);
}

export function removeLogin(path: string): boolean {
  try {
    rmSync(path);
    return true;
  } catch {
    return false;
  }
}
