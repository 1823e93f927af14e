/**
 * One replica against three behind a real load balancer (HAProxy, as the several-replica e2e suite runs it), all
 * on one machine, measured side by side in one run:
 * 1. gateway sockets: N browser sockets linked to the remote (setClient) through each setup's entry point;
 * 2. proxied agents list (`GET /api/clients/:id/agents`), 10 in flight, interleaved rounds over the setups;
 * 3. memory (RSS) per replica: idle, with the sockets open, after the load.
 * Setups: one replica straight (no Redis: today's single-process deployment on a server database), one replica
 * behind HAProxy (the balancer's cost), one behind HAProxy with Redis (Redis's cost: every request counts its
 * rate-limit budgets there), three behind HAProxy with Redis (the fleet).
 * Usage: npm run bench:replicas (needs the builds of agent-controller and agent-manager-simulator,
 * TEST_DATABASE_URL, TEST_REDIS_URL and /usr/sbin/haproxy)
 */
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { CLIENTS_NAMESPACE } from '@agent-controller/shared-contracts';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { io, Socket } from 'socket.io-client';
// The several-replica e2e suite's HAProxy runner, reused rather than copied (e2e support is no importable library).
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  RunningHaproxy,
  SERVED_BY_HEADER,
  startHaproxy,
} from '../../apps/agent-controller-e2e/src/support/haproxy-process';
import { BenchController, rssMb, sleep, startBenchController } from './controller';
import { httpGet, LoadResult, round1, runLoad, summarize } from './load';
import { env } from './settings';
import { BenchSimulator, startBenchSimulator } from './simulator';

const REQUESTS = env('BENCH_REQUESTS', 3_000);
const WARM_UP = env('BENCH_WARM_UP', 1_500);
const CONCURRENCY = env('BENCH_CONCURRENCY', 10);
const ROUNDS = env('BENCH_ROUNDS', 3);
const SOCKETS = env('BENCH_SOCKETS', 600);
const SOCKET_BATCH = 50;
const SETTLE_MS = 3_000;
const REDIS_URL = process.env['TEST_REDIS_URL'];

interface Setup {
  name: string;
  /** Where clients send requests: the balancer, or the one replica itself. */
  entry: string;
  replicas: BenchController[];
  balancer?: RunningHaproxy;
  database: TestDatabase;
  token: string;
  clientId: string;
  idleRssMb: number[];
}

async function call<T>(method: string, url: string, token: string | undefined, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function setupToken(controller: BenchController): Promise<string> {
  const deadline = Date.now() + 10_000;
  let match: RegExpMatchArray | null = null;
  while (!(match = controller.output().match(/one-time setup token[^:]*: ([A-Za-z0-9_-]+)/))) {
    if (Date.now() > deadline) throw new Error(`no setup token in the log:\n${controller.output()}`);
    await sleep(50);
  }
  return match[1];
}

/**
 * `count` replicas on a fresh database (shared secrets, like any fleet), behind HAProxy when `balanced`.
 * The first replica makes the first admin before the others start (each would print a new setup token).
 */
async function startSetup(
  name: string,
  { count, balanced, redis }: { count: number; balanced: boolean; redis: boolean },
  simulator: BenchSimulator,
  cleanups: (() => Promise<void>)[],
): Promise<Setup> {
  const database = await createTestDatabase('server');
  cleanups.push(() => database.drop());
  const shared = {
    ...database.env,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ...(redis ? { REDIS_URL: REDIS_URL ?? '', REDIS_KEY_PREFIX: await redisPrefix(cleanups) } : {}),
    CLIENT_RATE_LIMIT: '100000',
    CLIENT_HEALTH_INTERVAL: '86400',
    SHUTDOWN_READINESS_DELAY_SECONDS: '0',
    // Behind the balancer every request comes from its address.
    ...(balanced ? { TRUST_PROXY: 'loopback' } : {}),
  };
  const first = await startBenchController(shared);
  cleanups.push(() => first.stop());
  const setup = await call<{ accessToken: string }>('POST', `${first.baseUrl}/api/auth/setup`, undefined, {
    token: await setupToken(first),
    email: 'bench@example.com',
    password: 'correct horse battery',
  });
  const others = await Promise.all(Array.from({ length: count - 1 }, () => startBenchController(shared)));
  for (const other of others) cleanups.push(() => other.stop());
  const replicas = [first, ...others];
  let balancer: RunningHaproxy | undefined;
  if (balanced) {
    balancer = await startHaproxy(
      replicas.map((replica, index) => ({ name: `r${index + 1}`, port: Number(new URL(replica.baseUrl).port) })),
    );
    cleanups.push(() => (balancer as RunningHaproxy).stop());
    await Promise.all(replicas.map((_, index) => (balancer as RunningHaproxy).waitFor(`r${index + 1}`, 'UP')));
  }
  const entry = balancer?.url ?? first.baseUrl;
  const token = setup.accessToken;
  const { id: clientId } = await call<{ id: string }>('POST', `${entry}/api/clients`, token, {
    name: 'bench-simulator',
    endpoint: simulator.url,
    authenticationType: 'api_key',
    apiKey: simulator.apiKey,
    agentWsPort: simulator.wsPort,
  });
  return { name, entry, replicas, balancer, database, token, clientId, idleRssMb: [] };
}

/** A key prefix of this run's own; its keys are deleted at the end. */
async function redisPrefix(cleanups: (() => Promise<void>)[]): Promise<string> {
  const prefix = `ac-bench-${randomBytes(4).toString('hex')}:`;
  cleanups.push(async () => {
    const redis = new Redis(REDIS_URL ?? '', { maxRetriesPerRequest: 1 });
    try {
      for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
        if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
      }
    } finally {
      redis.disconnect();
    }
  });
  return prefix;
}

const rss = (setup: Setup) => setup.replicas.map((replica) => rssMb(replica.child.pid as number));

// ---- 1. proxied agents list

/** Which replica answered each request (the balancer's x-served-by), to show the spread. */
const servedBy = new Map<string, Map<string, number>>();

function sendList(setup: Setup): () => Promise<boolean> {
  const url = `${setup.entry}/api/clients/${setup.clientId}/agents`;
  const headers = { authorization: `Bearer ${setup.token}` };
  const spread = servedBy.get(setup.name) ?? new Map<string, number>();
  servedBy.set(setup.name, spread);
  return async () => {
    const response = await httpGet(url, headers);
    const server = String(response.headers[SERVED_BY_HEADER] ?? 'direct');
    spread.set(server, (spread.get(server) ?? 0) + 1);
    return response.status === 200;
  };
}

async function proxyThroughput(setups: Setup[]): Promise<Map<string, LoadResult>> {
  // Warm-up per replica: V8 optimises the proxied path only after a few thousand requests in each process.
  for (const setup of setups) {
    await runLoad(sendList(setup), { concurrency: CONCURRENCY, requests: WARM_UP * setup.replicas.length });
  }
  servedBy.clear();
  const runs = new Map<string, LoadResult[]>(setups.map((setup) => [setup.name, []]));
  const perRound = Math.ceil(REQUESTS / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    const line: string[] = [];
    for (const setup of setups) {
      const result = await runLoad(sendList(setup), { concurrency: CONCURRENCY, requests: perRound });
      runs.get(setup.name)?.push(result);
      line.push(`${setup.name} ${result.throughput}/s p50 ${result.p50} ms`);
    }
    console.log(`  round ${round + 1}: ${line.join(', ')}`);
  }
  return new Map(
    [...runs].map(([name, results]) => [
      name,
      summarize(
        results.flatMap((result) => result.latencies),
        results.reduce((sum, result) => sum + result.seconds, 0),
        results.reduce((sum, result) => sum + result.errors, 0),
      ),
    ]),
  );
}

// ---- 2. gateway sockets

function linkedSocket(setup: Setup): Promise<Socket> {
  const socket = io(`${setup.entry}${CLIENTS_NAMESPACE}`, {
    transports: ['websocket'],
    auth: { Authorization: `Bearer ${setup.token}` },
    forceNew: true,
    reconnection: false,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no setClientSuccess within 20 s')), 20_000);
    const fail = (error: unknown) => {
      clearTimeout(timer);
      socket.disconnect();
      reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
    };
    socket.once('connect_error', fail).once('error', fail);
    socket.once('connect', () => socket.emit('setClient', { clientId: setup.clientId }));
    socket.once('setClientSuccess', () => {
      clearTimeout(timer);
      resolve(socket);
    });
  });
}

interface SocketRun {
  opened: number;
  failures: number;
  openSeconds: number;
  remoteSockets: number;
  rssBeforeMb: number[];
  rssAfterMb: number[];
  closedSeconds: number;
}

async function gatewaySockets(setup: Setup, simulator: BenchSimulator): Promise<SocketRun> {
  // A warm-up batch through the path (and the garbage of starting up collected with it) before measuring.
  const warmUp = await Promise.allSettled(Array.from({ length: SOCKET_BATCH }, () => linkedSocket(setup)));
  for (const result of warmUp) if (result.status === 'fulfilled') result.value.disconnect();
  await sleep(SETTLE_MS);
  const rssBeforeMb = rss(setup);
  const sockets: Socket[] = [];
  let failures = 0;
  const started = performance.now();
  for (let i = 0; i < SOCKETS; i += SOCKET_BATCH) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(SOCKET_BATCH, SOCKETS - i) }, () => linkedSocket(setup)),
    );
    for (const result of batch) {
      if (result.status === 'fulfilled') sockets.push(result.value);
      else failures++;
    }
  }
  const openSeconds = (performance.now() - started) / 1000;
  const remoteSockets = await simulator.connectedSockets();
  await sleep(SETTLE_MS);
  const rssAfterMb = rss(setup);
  const closing = performance.now();
  for (const socket of sockets) socket.disconnect();
  while ((await simulator.connectedSockets()) > 0) {
    if (performance.now() - closing > 30_000) throw new Error('the remote still has sockets 30 s after closing');
    await sleep(100);
  }
  const closedSeconds = (performance.now() - closing) / 1000;
  return { opened: sockets.length, failures, openSeconds, remoteSockets, rssBeforeMb, rssAfterMb, closedSeconds };
}

// ---- report

function table(rows: string[][]): void {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  console.log(`\n${line(rows[0])}\n| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`);
  for (const row of rows.slice(1)) console.log(line(row));
}

const mbList = (values: number[]) => values.map((value) => Math.round(value)).join(' / ');

async function main(): Promise<void> {
  if (!process.env['TEST_DATABASE_URL'] || !REDIS_URL) throw new Error('set TEST_DATABASE_URL and TEST_REDIS_URL');
  const started = performance.now();
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const simulator = await startBenchSimulator([
      `--api-key=${randomBytes(32).toString('base64url')}`,
      ...['--git-repository-url', 'https://git.example.com/r.git'],
      ...['--rate-limit', '100000000', '--rate-limit-ttl', '1'],
    ]);
    cleanups.push(() => simulator.stop());
    const setups: Setup[] = [];
    for (const [name, shape] of [
      ['1 replica, direct', { count: 1, balanced: false, redis: false }],
      ['1 replica + HAProxy', { count: 1, balanced: true, redis: false }],
      ['1 replica + HAProxy + Redis', { count: 1, balanced: true, redis: true }],
      ['3 replicas + HAProxy + Redis', { count: 3, balanced: true, redis: true }],
    ] as const) {
      setups.push(await startSetup(name, shape, simulator, cleanups));
    }
    // Ten agents on the one remote every setup's client points at: what the proxied list returns.
    const [first] = setups;
    for (let i = 0; i < 10; i++) {
      await call('POST', `${first.entry}/api/clients/${first.clientId}/agents`, first.token, { name: `agent-${i}` });
    }
    await sleep(SETTLE_MS);
    for (const setup of setups) setup.idleRssMb = rss(setup);
    console.log(
      `replicas benchmark — ${REQUESTS} proxied list requests per setup, ${CONCURRENCY} in flight, ${ROUNDS} ` +
        `interleaved rounds after ${WARM_UP} warm-up per replica; ${SOCKETS} linked sockets per setup`,
    );

    // Sockets first: afterwards the garbage of the load would blur a before/after difference.
    const sockets = new Map<string, SocketRun>();
    for (const setup of setups) sockets.set(setup.name, await gatewaySockets(setup, simulator));
    const throughput = await proxyThroughput(setups);
    const afterLoadMb = new Map(setups.map((setup) => [setup.name, rss(setup)]));

    const rows = [['setup', 'throughput', 'p50 / p95 / p99', 'errors', 'spread over replicas']];
    for (const setup of setups) {
      const result = throughput.get(setup.name) as LoadResult;
      const spread = [...(servedBy.get(setup.name) ?? new Map<string, number>())]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([server, count]) => `${server} ${count}`)
        .join(', ');
      rows.push([
        setup.name,
        `${result.throughput} req/s`,
        `${result.p50} / ${result.p95} / ${result.p99} ms`,
        String(result.errors),
        spread,
      ]);
    }
    table(rows);

    const memoryRows = [
      ['setup', 'RSS idle (MB, per replica)', `${SOCKETS} sockets: before → after`, 'per socket', 'after the load'],
    ];
    for (const setup of setups) {
      const run = sockets.get(setup.name) as SocketRun;
      const grownMb = run.rssAfterMb.reduce((sum, value, index) => sum + value - run.rssBeforeMb[index], 0);
      memoryRows.push([
        setup.name,
        mbList(setup.idleRssMb),
        `${mbList(run.rssBeforeMb)} → ${mbList(run.rssAfterMb)}`,
        `${Math.round((grownMb * 1024) / Math.max(1, run.opened))} KB`,
        mbList(afterLoadMb.get(setup.name) ?? []),
      ]);
    }
    table(memoryRows);

    const socketRows = [['setup', 'linked', 'open time', 'remote links', 'back to 0 after close']];
    for (const setup of setups) {
      const run = sockets.get(setup.name) as SocketRun;
      socketRows.push([
        setup.name,
        `${run.opened}/${SOCKETS}${run.failures ? ` (${run.failures} failed)` : ''}`,
        `${round1(run.openSeconds)} s (${Math.round(run.opened / run.openSeconds)}/s)`,
        String(run.remoteSockets),
        `${round1(run.closedSeconds)} s`,
      ]);
    }
    table(socketRows);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error));
  }
  console.log(`(${Math.round((performance.now() - started) / 1000)} s in all)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
