import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { IsolatedNetwork, isolatedNetwork } from './network-namespace';

export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');
const MAIN = join(WORKSPACE_ROOT, 'dist/apps/agent-controller/main.js');

export interface StartOptions {
  /** Extra environment for the controller; `undefined` values remove a default. */
  env?: Record<string, string | undefined>;
  /** Reuse a database (e.g. to restart on the same data); by default a fresh one is made and dropped on stop. */
  database?: TestDatabase;
  /** Reuse a DATA_DIR (secrets, embedded data) across restarts. */
  dataDir?: string;
  /** Listen here (e.g. one known in advance for PUBLIC_URL); a free port by default. */
  port?: number;
  /**
   * Run in a network namespace of its own with only loopback (`unshare -rn`): every remote address is
   * unroutable. Always on the embedded database (the shared server is not reachable from there).
   */
  isolatedNetwork?: boolean;
}

export interface RunningController {
  baseUrl: string;
  database: TestDatabase;
  dataDir: string;
  process: ChildProcess;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Everything the process printed so far. */
  output(): string;
  /** The one-time setup token the controller printed, if any. */
  setupToken(): string;
  /** SIGTERM and wait; drops the database and data dir unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<number | null>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Defaults that keep tests fast and deterministic; each spec overrides what it tests. */
function baseEnv(port: number, dataDir: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? tmpdir(),
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
    RATE_LIMIT_MAX: '100000',
    LOGIN_RATE_LIMIT_MAX: '100000',
    LOGIN_ACCOUNT_FREE_FAILURES: '100000',
    LOGIN_ACCOUNT_MAX_FAILURES: '100000',
    // No load balancer to tell: stop without the readiness delay.
    SHUTDOWN_READINESS_DELAY_SECONDS: '0',
  };
}

export function spawnController(
  env: Record<string, string | undefined>,
  network?: IsolatedNetwork,
): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const clean = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const [command, args] = network
    ? [network.command, network.args(process.execPath, [MAIN])]
    : [process.execPath, [MAIN]];
  const child = spawn(command, args, { env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  return { child, output: () => output, exited };
}

async function waitUntilHealthy(
  baseUrl: string,
  exited: Promise<number | null>,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code ?? -1));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`Controller exited with ${exitCode} before it was healthy:\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5000) });
      // The start-up log line comes after the setup token's: once it is read, so is the token.
      if (response.ok && output().includes('Agent Controller listening')) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error(`Controller was not healthy within ${timeoutMs} ms:\n${output()}`);
}

export async function startController(options: StartOptions = {}): Promise<RunningController> {
  const database = options.database ?? (await createTestDatabase(options.isolatedNetwork ? 'embedded' : undefined));
  const dataDir =
    options.dataDir ??
    (database.backend === 'embedded' ? database.env['DATA_DIR'] : mkdtempSync(join(tmpdir(), 'ac-e2e-')));
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  // In its own namespace the controller listens on that namespace's loopback; `port` here forwards to it.
  const network = options.isolatedNetwork ? isolatedNetwork(3000) : undefined;
  await network?.listen(port);
  const env = { ...baseEnv(network ? 3000 : port, dataDir), ...database.env, ...options.env };
  const { child, output, exited } = spawnController(env, network);
  try {
    await waitUntilHealthy(baseUrl, exited, output, network ? 150_000 : 45_000);
  } catch (error) {
    child.kill('SIGKILL');
    await network?.close();
    throw error;
  }
  return {
    baseUrl,
    database,
    dataDir,
    process: child,
    exited,
    output,
    setupToken: () => {
      const tokens = [...output().matchAll(/one-time setup token[^:]*: ([A-Za-z0-9_-]+)/g)];
      if (tokens.length === 0) throw new Error(`No setup token in the output:\n${output()}`);
      return tokens[tokens.length - 1][1];
    },
    stop: async ({ keepData = false } = {}) => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      await network?.close();
      if (!keepData) {
        await database.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
      return code;
    },
  };
}
