import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { isPlainObject } from './http';

/** What a booted agent-manager simulator reported in its `listening` line. */
export interface AgentManagerEndpoint {
  pid: number;
  url: string;
  apiUrl: string;
  wsUrl: string;
  controlUrl: string;
  apiKey: string;
  controlToken: string;
}

/** How the agent-manager authenticates callers: its static API key, or bearer tokens of a Keycloak realm. */
export type AgentManagerAuth = { method: 'api-key'; apiKey: string } | { method: 'keycloak'; issuer: string };

export interface AgentManagerLaunch {
  host: string;
  port: number;
  wsPort: number;
  auth: AgentManagerAuth;
  gitRepositoryUrl?: string;
  corsOrigin?: string;
  controlToken: string;
}

export interface AgentManagerProcess extends AgentManagerEndpoint {
  /** Resolves with the exit code once the process has ended (also when it ends by itself). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

const RELATIVE_BIN = join('dist', 'tools', 'agent-manager-simulator', 'main.js');

/**
 * Where the built agent-manager simulator is: beside this bundle (`dist/tools/cloud-simulators/main.js` →
 * `dist/tools/agent-manager-simulator/main.js`), else in the `dist` of the first ancestor folder (or of the
 * working directory) that has one.
 */
export function defaultAgentManagerBin(): string {
  const sibling = resolve(__dirname, '..', 'agent-manager-simulator', 'main.js');
  if (existsSync(sibling)) return sibling;
  for (const start of [__dirname, process.cwd()]) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, RELATIVE_BIN);
      if (existsSync(candidate)) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return resolve(process.cwd(), RELATIVE_BIN);
}

/**
 * Runs the agent-manager in a child process that ends when its stdin closes, i.e. when this process ends,
 * however it ends (even SIGKILL), so no agent-manager outlives its simulator.
 */
const WRAPPER = [
  'const main = process.argv[1];',
  'process.argv = [process.argv[0], main, ...process.argv.slice(2)];',
  "process.stdin.on('end', () => process.exit(0));",
  "process.stdin.on('error', () => process.exit(0));",
  'process.stdin.resume();',
  'require(main);',
].join('\n');

/** Variables of the parent that must not leak into an agent-manager (it reads them as its own settings). */
const MANAGER_ENV = ['PORT', 'WEBSOCKET_PORT', 'STATIC_API_KEY', 'GIT_REPOSITORY_URL', 'CORS_ORIGIN', 'NODE_ENV'];

export class AgentManagerLauncher {
  private readonly running = new Set<ChildProcessWithoutNullStreams>();
  private closed = false;
  private readonly onExit = (): void => {
    for (const child of this.running) child.kill('SIGKILL');
  };

  constructor(
    readonly bin: string,
    private readonly options: { startTimeoutMs: number; log?: (line: string) => void },
  ) {
    process.on('exit', this.onExit);
  }

  get count(): number {
    return this.running.size;
  }

  /** Starts one agent-manager and resolves once it prints its `listening` line. */
  launch(spec: AgentManagerLaunch): Promise<AgentManagerProcess> {
    if (this.closed) {
      return Promise.reject(new Error('the simulator is closing'));
    }
    if (!existsSync(this.bin)) {
      return Promise.reject(
        new Error(`agent-manager simulator not found at ${this.bin} (build it: npx nx build agent-manager-simulator)`),
      );
    }
    // `--name=value`: a generated token or key may start with "-", which would read as an option.
    const options: (readonly [string, string | undefined])[] = [
      ['host', spec.host],
      ['port', String(spec.port)],
      ['ws-port', String(spec.wsPort)],
      ['control-token', spec.controlToken],
      ...(spec.auth.method === 'api-key'
        ? [['api-key', spec.auth.apiKey] as const]
        : [['auth', 'keycloak'] as const, ['keycloak-issuer', spec.auth.issuer] as const]),
      ['git-repository-url', spec.gitRepositoryUrl],
      ['cors-origin', spec.corsOrigin],
    ];
    const args = options.filter(([, value]) => value).map(([name, value]) => `--${name}=${value}`);
    const env = { ...process.env };
    for (const name of MANAGER_ENV) delete env[name];
    const child = spawn(process.execPath, ['-e', WRAPPER, this.bin, ...args], { env, stdio: 'pipe' });
    this.running.add(child);
    const exited = new Promise<number | null>((resolveExit) => {
      child.once('exit', (code) => {
        this.running.delete(child);
        resolveExit(code);
      });
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const prefix = `[agent-manager ${spec.host}]`;
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim()) this.options.log?.(`${prefix} ${line}`);
      }
    });
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(timer);
        }
      })();
      return stopping;
    };

    return new Promise<AgentManagerProcess>((resolveLaunch, rejectLaunch) => {
      const lines = createInterface({ input: child.stdout });
      let settled = false;
      const fail = (message: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        lines.close();
        void stop();
        rejectLaunch(new Error(`${message}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
      };
      const timer = setTimeout(
        () => fail(`agent-manager did not start within ${this.options.startTimeoutMs} ms`),
        this.options.startTimeoutMs,
      );
      child.once('error', (err) => fail(`cannot spawn the agent-manager: ${err.message}`));
      void exited.then((code) => fail(`agent-manager exited with code ${code} before listening`));
      lines.once('line', (line) => {
        if (settled) return;
        let event: unknown;
        try {
          event = JSON.parse(line);
        } catch {
          fail(`agent-manager printed an unexpected first line: ${line.slice(0, 200)}`);
          return;
        }
        if (!isPlainObject(event) || event['event'] !== 'listening') {
          fail(`agent-manager did not start: ${line.slice(0, 500)}`);
          return;
        }
        settled = true;
        clearTimeout(timer);
        lines.close();
        child.stdout.resume();
        resolveLaunch({
          pid: child.pid as number,
          url: String(event['url']),
          apiUrl: String(event['apiUrl']),
          wsUrl: String(event['wsUrl']),
          controlUrl: String(event['controlUrl']),
          apiKey: String(event['apiKey']),
          controlToken: String(event['controlToken']),
          exited,
          stop,
        });
      });
    });
  }

  /** Kills every agent-manager still running (SIGKILL) and stops watching for process exit. */
  close(): void {
    this.closed = true;
    this.onExit();
    process.off('exit', this.onExit);
  }
}
