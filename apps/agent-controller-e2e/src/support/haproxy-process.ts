import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './controller-process';

/** Debian's package (`apt-get install haproxy`; `.ci/run` installs it when missing). */
export const HAPROXY = '/usr/sbin/haproxy';

/** The header that pins one request or socket to a named server while it is up (see `use-server` below). */
export const REPLICA_HEADER = 'x-replica';
/** The response header naming the server that answered. */
export const SERVED_BY_HEADER = 'x-served-by';

export interface Backend {
  name: string;
  port: number;
}

export interface RunningHaproxy {
  url: string;
  /** `UP`, `DOWN`, `MAINT`… per server, as HAProxy's health checks see them now. */
  serverStates(): Promise<Record<string, string>>;
  /** Resolves once HAProxy reports `server` in `state` (e.g. after its health checks noticed a death). */
  waitFor(server: string, state: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  /** Everything HAProxy printed (its alerts about servers going down and up). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The load balancer in front of a fleet of replicas: round robin, health checks on readiness (a replica that
 * says it is not ready, or is gone, leaves the rotation within a second), WebSocket upgrades passed through
 * (HTTP mode tunnels an upgraded connection), X-Forwarded-For added, and a connection refused retried on another server. Only
 * connection failures are retried: a request that reached a replica is never sent twice.
 */
export function haproxyConfig(port: number, backends: Backend[], statsSocket: string): string {
  return [
    'global',
    `  stats socket ${statsSocket} level admin`,
    'defaults',
    '  mode http',
    // The replicas see the client's address (TRUST_PROXY), as per-address rate limits need.
    '  option forwardfor',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // An upgraded (WebSocket) connection lives as long as the browser keeps it.
    '  timeout tunnel 1h',
    '  retries 3',
    '  option redispatch 1',
    'frontend fleet',
    `  bind 127.0.0.1:${port}`,
    '  default_backend replicas',
    'backend replicas',
    '  balance roundrobin',
    '  option httpchk GET /api/health/ready',
    '  http-check expect status 200',
    '  default-server check inter 500ms fall 2 rise 1',
    // Tests name the replica a request goes through; a server that is down is skipped like any other.
    ...backends.map(
      (backend) => `  use-server ${backend.name} if { req.hdr(${REPLICA_HEADER}) -m str ${backend.name} }`,
    ),
    ...backends.map((backend) => `  server ${backend.name} 127.0.0.1:${backend.port}`),
    // Which replica answered, for tests that count what each one did.
    `  http-response set-header ${SERVED_BY_HEADER} %s`,
    '',
  ].join('\n');
}

/** Runs HAProxy in the foreground as a child of the test, with its configuration in a temporary directory. */
export async function startHaproxy(backends: Backend[]): Promise<RunningHaproxy> {
  if (!existsSync(HAPROXY)) throw new Error(`${HAPROXY} is missing: apt-get install haproxy (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'ac-haproxy-'));
  const port = await freePort();
  const statsSocket = join(dir, 'stats.sock');
  const configFile = join(dir, 'haproxy.cfg');
  writeFileSync(configFile, haproxyConfig(port, backends, statsSocket));
  // -db: stay in the foreground, no master process; the test owns its lifetime.
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const command = (line: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = createConnection(statsSocket);
      let answer = '';
      socket.on('connect', () => socket.end(`${line}\n`));
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });

  const serverStates = async (): Promise<Record<string, string>> => {
    // `show stat` is CSV: pxname,svname,…,status,… — one line per server.
    const [header, ...lines] = (await command('show stat')).trim().split('\n');
    const columns = header.replace(/^# /, '').split(',');
    const [proxy, server, status] = ['pxname', 'svname', 'status'].map((name) => columns.indexOf(name));
    const states: Record<string, string> = {};
    for (const fields of lines.map((line) => line.split(','))) {
      if (fields[proxy] === 'replicas' && !['BACKEND', 'FRONTEND'].includes(fields[server]))
        states[fields[server]] = fields[status].split(' ')[0];
    }
    return states;
  };

  const waitFor = async (server: string, state: 'UP' | 'DOWN', timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await serverStates().catch(() => ({}) as Record<string, string>);
      if (states[server] === state) return;
      if (Date.now() > deadline)
        throw new Error(`HAProxy: ${server} not ${state} within ${timeoutMs} ms (${JSON.stringify(states)})`);
      await sleep(100);
    }
  };

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // Listening once the stats socket answers; a bad configuration ends the process with its reason.
  const deadline = Date.now() + 10_000;
  while (
    !(await serverStates().then(
      () => true,
      () => false,
    ))
  ) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not start:\n${output}`);
    }
    await sleep(50);
  }
  return { url: `http://127.0.0.1:${port}`, serverStates, waitFor, output: () => output, stop };
}
