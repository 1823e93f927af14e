import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const MAIN = resolve(__dirname, '../../dist/apps/agent-controller/main.js');

export const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

export function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** Resident memory of a process in MB (`VmRSS` of /proc/<pid>/status; Linux only). */
export function rssMb(pid: number): number {
  const line =
    readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:')) ?? '';
  return Number(line.replace(/\D+/g, '')) / 1024;
}

export interface BenchController {
  baseUrl: string;
  child: ChildProcess;
  /** What the controller printed on stdout so far (its log; e.g. the one-time setup token in `users` mode). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the built controller for a benchmark and waits until it answers. */
export async function startBenchController(env: Record<string, string>): Promise<BenchController> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'ac-bench-'));
  // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the controller under load.
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      RATE_LIMIT_MAX: '100000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (output.length < 1_000_000) output += chunk.toString();
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`controller exited with ${child.exitCode}`);
      if (
        await fetch(`${baseUrl}/api/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline) throw new Error('controller not healthy within 60 s');
      await sleep(50);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    baseUrl,
    child,
    output: () => output,
    stop,
  };
}

/** A JSON call with a bearer credential; throws on a non-2xx answer. */
export async function callJson<T>(method: string, url: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** `users` mode: sets up the first admin with the one-time setup token from the controller's log; its access token. */
export async function firstAdminToken(controller: BenchController): Promise<string> {
  const deadline = Date.now() + 10_000;
  let match: RegExpMatchArray | null = null;
  while (!(match = controller.output().match(/one-time setup token[^:]*: ([A-Za-z0-9_-]+)/))) {
    if (Date.now() > deadline) throw new Error(`no setup token in the controller's log:\n${controller.output()}`);
    await sleep(50);
  }
  const response = await fetch(`${controller.baseUrl}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: match[1], email: 'bench@example.com', password: 'correct horse battery' }),
  });
  if (response.status !== 201) throw new Error(`setup failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** `users` mode: a new user with the global role `user` (created by an admin); its id and, if asked, its access token. */
export async function newUser(
  controller: BenchController,
  adminToken: string,
  email: string,
): Promise<{ id: string; logIn(): Promise<string> }> {
  const password = 'correct horse battery';
  const { id } = await callJson<{ id: string }>('POST', `${controller.baseUrl}/api/users`, adminToken, {
    email,
    password,
    role: 'user',
  });
  const logIn = async () => {
    const response = await fetch(`${controller.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) throw new Error(`log-in of ${email}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { accessToken: string }).accessToken;
  };
  return { id, logIn };
}
