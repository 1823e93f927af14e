import { gunzipSync } from 'node:zlib';

import { parse as parseYaml } from 'yaml';

import { isPlainObject } from './http';

/**
 * How a simulated server finds the environment of its agent-manager in its user data (the convention the
 * controller's cloud-init builder follows; README "User data"):
 *
 * 1. The user data is a `#cloud-config` document (first line). Anything else (a shell script, MIME
 *    multi-part, a Jinja template) carries no agent-manager.
 * 2. Every `write_files` entry whose `path` ends in `.env` (`/opt/agent/.env`, `/etc/agent-manager.env`, …)
 *    is read as dotenv lines, in order; later files win on the same key. `encoding` `b64`/`base64`,
 *    `gz`/`gzip` and `gz+b64` (and spellings cloud-init accepts) are decoded.
 * 3. A `write_files` entry at `/opt/agent-manager/bootstrap.json` holding JSON `{"url", "token"}` makes the
 *    server fetch its environment once booted: `GET url` with `Authorization: Bearer <token>`, answered 2xx
 *    with a dotenv body (or a JSON object of strings). Those values win over the files of 2.
 * 4. Authentication as the real manager decides it: `AUTHENTICATION_METHOD`, else `api-key` when
 *    `STATIC_API_KEY` is set, else `keycloak` (`KEYCLOAK_AUTH_SERVER_URL` or `KEYCLOAK_SERVER_URL`, and
 *    `KEYCLOAK_REALM`). Without either no agent-manager starts. `GIT_REPOSITORY_URL`, `PORT`,
 *    `WEBSOCKET_PORT` and `CORS_ORIGIN` are optional.
 */
export const BOOTSTRAP_PATH = '/opt/agent-manager/bootstrap.json';

export interface Bootstrap {
  url: string;
  token: string;
}

export interface ParsedUserData {
  /** Variables from the `.env` files (step 2). */
  env: Record<string, string>;
  /** Paths of the `.env` files read. */
  envFiles: string[];
  bootstrap: Bootstrap | null;
  /** Why nothing could be read (not cloud-config, invalid YAML, a bad bootstrap file). */
  problem: string | null;
}

const DOUBLE_QUOTED_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t' };

/**
 * Parses an env file the way Docker Compose reads one (`env_file:`): `KEY=value` and `export KEY=value` lines,
 * `#` comments; `'…'` is literal and may span lines; `"…"` expands `\n` `\r` `\t` `\\` `\"` `\$`, reads `$$` as
 * `$` and may span lines; an unquoted value ends at the line end or at ` #`. No other `$` interpolation.
 */
export function parseDotenv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  let pos = 0;
  const endOfLine = (): number => {
    const next = text.indexOf('\n', pos);
    return next === -1 ? text.length : next;
  };
  while (pos < text.length) {
    const lineEnd = endOfLine();
    const head = text.slice(pos, lineEnd).match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=[ \t]*/);
    if (!head) {
      pos = lineEnd + 1;
      continue;
    }
    const key = head[1] as string;
    pos += head[0].length;
    const quote = text[pos];
    if (quote === "'" || quote === '"') {
      let value = '';
      let i = pos + 1;
      for (; i < text.length && text[i] !== quote; i++) {
        const char = text[i] as string;
        if (char === '\\' && i + 1 < text.length) {
          const next = text[i + 1] as string;
          if (quote === "'") {
            value += next === "'" ? "'" : char + next;
          } else {
            value += DOUBLE_QUOTED_ESCAPES[next] ?? next;
          }
          i++;
        } else if (quote === '"' && char === '$' && text[i + 1] === '$') {
          value += '$';
          i++;
        } else {
          value += char;
        }
      }
      env[key] = value;
      pos = i + 1; // past the closing quote; the rest of that line (a comment) is ignored
      pos = endOfLine() + 1;
    } else {
      env[key] = text
        .slice(pos, lineEnd)
        .replace(/\s+#.*$/, '')
        .trim();
      pos = lineEnd + 1;
    }
  }
  return env;
}

function decodeContent(content: string, encoding: unknown): string {
  const kind = typeof encoding === 'string' ? encoding.toLowerCase() : 'text/plain';
  if (['b64', 'base64'].includes(kind)) {
    return Buffer.from(content, 'base64').toString('utf8');
  }
  if (['gz+b64', 'gzip+base64', 'gz+base64', 'gzip+b64'].includes(kind)) {
    return gunzipSync(Buffer.from(content, 'base64')).toString('utf8');
  }
  if (['gz', 'gzip'].includes(kind)) {
    return gunzipSync(Buffer.from(content, 'latin1')).toString('utf8');
  }
  return content;
}

function fileContent(entry: Record<string, unknown>): string {
  const content = entry['content'];
  if (content === undefined || content === null) return '';
  if (content instanceof Uint8Array) return Buffer.from(content).toString('utf8');
  return decodeContent(String(content), entry['encoding']);
}

function parseBootstrap(text: string): Bootstrap | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `${BOOTSTRAP_PATH} is not JSON`;
  }
  if (!isPlainObject(value) || typeof value['url'] !== 'string' || typeof value['token'] !== 'string') {
    return `${BOOTSTRAP_PATH} must hold {"url": string, "token": string}`;
  }
  try {
    new URL(value['url']);
  } catch {
    return `${BOOTSTRAP_PATH}: url is not a URL`;
  }
  return { url: value['url'], token: value['token'] };
}

export function parseUserData(userData: string | null | undefined): ParsedUserData {
  const result: ParsedUserData = { env: {}, envFiles: [], bootstrap: null, problem: null };
  if (!userData) {
    return { ...result, problem: 'no user data' };
  }
  if ((userData.split('\n', 1)[0] ?? '').trim() !== '#cloud-config') {
    return { ...result, problem: 'user data is not a #cloud-config document' };
  }
  let document: unknown;
  try {
    document = parseYaml(userData);
  } catch (err) {
    return { ...result, problem: `user data is not valid YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  const files = isPlainObject(document) ? document['write_files'] : undefined;
  if (!Array.isArray(files)) {
    return { ...result, problem: 'user data has no write_files' };
  }
  for (const entry of files) {
    if (!isPlainObject(entry) || typeof entry['path'] !== 'string') continue;
    const path = entry['path'];
    try {
      if (path === BOOTSTRAP_PATH) {
        const bootstrap = parseBootstrap(fileContent(entry));
        if (typeof bootstrap === 'string') return { ...result, problem: bootstrap };
        result.bootstrap = bootstrap;
      } else if (path.endsWith('.env')) {
        Object.assign(result.env, parseDotenv(fileContent(entry)));
        result.envFiles.push(path);
      }
    } catch (err) {
      return { ...result, problem: `cannot decode ${path}: ${(err as Error).message}` };
    }
  }
  if (result.envFiles.length === 0 && result.bootstrap === null) {
    result.problem = `user data writes no .env file and no ${BOOTSTRAP_PATH}`;
  }
  return result;
}

export interface BootstrapFetchOptions {
  attempts: number;
  retryDelayMs: number;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Fetches the environment the way the server's boot script would: `GET url` with the bearer token, retried
 * on network errors and 5xx (not on 4xx). Returns the variables, or a string saying why there are none.
 */
export async function fetchBootstrapEnv(
  bootstrap: Bootstrap,
  options: BootstrapFetchOptions,
): Promise<Record<string, string> | string> {
  let last = 'not attempted';
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (attempt > 1) await options.sleep(options.retryDelayMs);
    try {
      const res = await fetch(bootstrap.url, {
        headers: { Authorization: `Bearer ${bootstrap.token}`, Accept: 'text/plain, application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const body = await res.text();
      if (res.ok) {
        return (res.headers.get('content-type') ?? '').includes('json') ? jsonEnv(body) : parseDotenv(body);
      }
      last = `bootstrap fetch answered ${res.status}`;
      if (res.status < 500) return last;
    } catch (err) {
      last = `bootstrap fetch failed: ${(err as Error).message}`;
    }
  }
  return last;
}

function jsonEnv(body: string): Record<string, string> | string {
  try {
    const value: unknown = JSON.parse(body);
    if (isPlainObject(value)) {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, item]) => ['string', 'number', 'boolean'].includes(typeof item))
          .map(([key, item]) => [key, String(item)]),
      );
    }
  } catch {
    // fall through
  }
  return 'bootstrap fetch answered JSON that is not an object of strings';
}
