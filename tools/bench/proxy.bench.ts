/**
 * The remote agent proxy against the remote itself (the agent-manager simulator, in its own process):
 * 1. GET the agents list through the controller vs directly, 10 in flight, interleaved rounds.
 *    Targets: throughput ratio ≥ 0.8, p50 ≤ direct + 2 ms.
 * 2. Chat echo round trip, one message at a time, through the Socket.IO gateway vs directly.
 *    Target: gateway p50 ≤ direct + 1 ms.
 * 3. Controller memory per browser socket with its remote link: 1,000 gateway sockets on one client.
 * Usage: npm run bench:proxy   (needs `nx run-many -t build -p agent-controller agent-manager-simulator`;
 * with TEST_DATABASE_URL the controller uses a fresh database on that PostgreSQL server, else the embedded one)
 */
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { CLIENTS_NAMESPACE } from '@agent-controller/shared-contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { io, Socket } from 'socket.io-client';
import { BenchController, rssMb, startBenchController } from './controller';
import { httpGet, LoadResult, runLoad, summarize } from './load';
import { BenchSimulator, startBenchSimulator } from './simulator';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const REQUESTS = env('BENCH_REQUESTS', 5_000);
const CONCURRENCY = env('BENCH_CONCURRENCY', 10);
const ROUNDS = env('BENCH_ROUNDS', 5);
const MESSAGES = env('BENCH_MESSAGES', 1_000);
const SOCKETS = env('BENCH_SOCKETS', 1_000);
const WARM_UP = env('BENCH_WARM_UP', 2_000);
const SOCKET_BATCH = 50;
const AGENTS = 10;
const AUTH = process.env['BENCH_AUTH'] ?? 'users';
const SETTLE_MS = 3_000;
/** BENCH_SCENARIO=list,chat,sockets (default all three), e.g. to profile one with BENCH_NODE_ARGS=--cpu-prof. */
const ONLY = new Set((process.env['BENCH_SCENARIO'] ?? 'list,chat,sockets').split(','));

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));
const round1 = (value: number) => Math.round(value * 10) / 10;

interface Setup {
  simulator: BenchSimulator;
  controller: BenchController;
  database?: TestDatabase;
  /** Bearer credential of the controller: an admin's access token (users mode) or the static key. */
  token: string;
  clientId: string;
  agents: { id: string; password: string }[];
}

async function call<T>(method: string, url: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** `users` mode: the first admin, with the one-time setup token from the controller's log. */
async function firstAdminToken(controller: BenchController): Promise<string> {
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

/** Starts everything; `cleanups` gets each process's stop (and the database's drop) as soon as it exists. */
async function setUp(cleanups: (() => Promise<void>)[]): Promise<Setup> {
  const simulator = await startBenchSimulator([
    ...['--api-key', randomBytes(32).toString('base64url')],
    ...['--git-repository-url', 'https://git.example.com/r.git'],
    // The default (10,000 a minute) would throttle the benchmark; a 1 s window keeps its list of hits short (below).
    ...['--rate-limit', '100000000', '--rate-limit-ttl', '1'],
  ]);
  cleanups.push(() => simulator.stop());
  const database = process.env['TEST_DATABASE_URL'] ? await createTestDatabase('server') : undefined;
  if (database) cleanups.push(() => database.drop());
  const staticKey = randomBytes(32).toString('base64url');
  const controller = await startBenchController({
    ...database?.env,
    AUTHENTICATION_METHOD: AUTH,
    ...(AUTH === 'api-key' ? { STATIC_API_KEY: staticKey } : { JWT_SECRET: randomBytes(48).toString('base64') }),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    CLIENT_RATE_LIMIT: '100000',
    // One address sends everything: @nestjs/throttler keeps every hit of the window and filters the list on each
    // request, so a 60 s window would hold tens of thousands; in production RATE_LIMIT_MAX (600) bounds it.
    RATE_LIMIT_TTL_SECONDS: '1',
    CLIENT_HEALTH_INTERVAL: '86400',
  });
  cleanups.push(() => controller.stop());
  const token = AUTH === 'api-key' ? staticKey : await firstAdminToken(controller);
  const { id: clientId } = await call<{ id: string }>('POST', `${controller.baseUrl}/api/clients`, token, {
    name: 'bench-simulator',
    endpoint: simulator.url,
    authenticationType: 'api_key',
    apiKey: simulator.apiKey,
    agentWsPort: simulator.wsPort,
  });
  const agents: Setup['agents'] = [];
  for (let i = 0; i < AGENTS; i++) {
    const url = `${controller.baseUrl}/api/clients/${clientId}/agents`;
    agents.push(await call<{ id: string; password: string }>('POST', url, token, { name: `bench-agent-${i}` }));
  }
  return { simulator, controller, database, token, clientId, agents };
}

/** Resolves with the next `event`, rejects on an `error` event or after 10 s. */
function waitFor<T>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no ${event} within 10 s`)), 10_000);
    const onEvent = (payload: T) => finish(undefined, payload);
    const onError = (error: unknown) => finish(new Error(`${event}: ${JSON.stringify(error)}`));
    const finish = (error?: Error, payload?: T) => {
      clearTimeout(timer);
      socket.off(event, onEvent).off('error', onError).off('connect_error', onError);
      if (error) reject(error);
      else resolve(payload as T);
    };
    socket.on(event, onEvent).on('error', onError).on('connect_error', onError);
  });
}

/** A browser's socket on the gateway, linked to the client (the controller opens its own socket to the remote). */
async function openGatewaySocket({ controller, token, clientId }: Setup): Promise<Socket> {
  const socket = io(`${controller.baseUrl}${CLIENTS_NAMESPACE}`, {
    transports: ['websocket'],
    auth: { Authorization: `Bearer ${token}` },
    forceNew: true,
    reconnection: false,
  });
  try {
    await waitFor(socket, 'connect');
    const linked = waitFor(socket, 'setClientSuccess');
    socket.emit('setClient', { clientId });
    await linked;
    return socket;
  } catch (error) {
    socket.disconnect();
    throw error;
  }
}

/** Alternates the scenarios round by round (machine noise hits all), then merges each one's rounds. */
async function interleaved<K extends string>(
  rounds: number,
  scenarios: Record<K, () => Promise<LoadResult>>,
): Promise<Record<K, LoadResult>> {
  const runs = Object.fromEntries(Object.keys(scenarios).map((name) => [name, [] as LoadResult[]])) as Record<
    K,
    LoadResult[]
  >;
  for (let i = 0; i < rounds; i++) {
    const line: string[] = [];
    for (const name of Object.keys(scenarios) as K[]) {
      const result = await scenarios[name]();
      runs[name].push(result);
      line.push(`${name} ${result.throughput}/s p50 ${result.p50} ms`);
    }
    console.log(`  round ${i + 1}: ${line.join(', ')}`);
  }
  return Object.fromEntries(
    Object.entries<LoadResult[]>(runs).map(([name, results]) => [
      name,
      summarize(
        results.flatMap((result) => result.latencies),
        results.reduce((sum, result) => sum + result.seconds, 0),
        results.reduce((sum, result) => sum + result.errors, 0),
      ),
    ]),
  ) as Record<K, LoadResult>;
}

// ---- 1. agents list

async function agentsList(setup: Setup): Promise<Record<'direct' | 'proxy', LoadResult>> {
  const { simulator, controller, token, clientId } = setup;
  const directUrl = `${simulator.url}/api/agents?limit=10&offset=0`; // what the controller asks for
  const directHeaders = { authorization: `Bearer ${simulator.apiKey}` };
  const proxyUrl = `${controller.baseUrl}/api/clients/${clientId}/agents`;
  const proxyHeaders = { authorization: `Bearer ${token}` };
  const [direct, proxied] = await Promise.all([httpGet(directUrl, directHeaders), httpGet(proxyUrl, proxyHeaders)]);
  const agents = JSON.parse(direct.body.toString()) as unknown[];
  if (agents.length !== AGENTS || proxied.body.toString() !== direct.body.toString()) {
    throw new Error(`the proxy does not answer what the remote does:\n${proxied.body}\n${direct.body}`);
  }
  const send = (url: string, headers: Record<string, string>) => async () =>
    (await httpGet(url, headers)).status === 200;
  const scenarios = {
    direct: send(directUrl, directHeaders),
    proxy: send(proxyUrl, proxyHeaders),
  };
  const perRound = Math.ceil(REQUESTS / ROUNDS);
  // Warm-up: the proxied path needs a few thousand requests before V8 has optimised it.
  for (const scenario of Object.values(scenarios))
    await runLoad(scenario, { concurrency: CONCURRENCY, requests: WARM_UP });
  return interleaved(ROUNDS, {
    direct: () => runLoad(scenarios.direct, { concurrency: CONCURRENCY, requests: perRound }),
    proxy: () => runLoad(scenarios.proxy, { concurrency: CONCURRENCY, requests: perRound }),
  });
}

// ---- 2. chat echo

interface ChatPayload {
  message: string;
  correlationId: string;
  responseMode: 'stream';
}

/** Times `count` messages one at a time, each until its echo (`chatEvent` of kind `userMessage`) comes back. */
function echoTimer(socket: Socket, sendChat: (payload: ChatPayload) => void) {
  let waiting: { correlationId: string; done: () => void } | undefined;
  socket.on('chatEvent', (envelope: { data?: { kind?: string; correlationId?: string } }) => {
    if (waiting && envelope?.data?.kind === 'userMessage' && envelope.data.correlationId === waiting.correlationId) {
      waiting.done();
    }
  });
  return async (count: number): Promise<LoadResult> => {
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const correlationId = randomUUID();
      const begin = performance.now();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no echo of ${correlationId} within 10 s`)), 10_000);
        waiting = { correlationId, done: () => (clearTimeout(timer), resolve()) };
        sendChat({ message: `bench message ${i}`, correlationId, responseMode: 'stream' });
      });
      latencies.push(performance.now() - begin);
    }
    return summarize(latencies, (performance.now() - started) / 1000);
  };
}

async function chatEcho(setup: Setup): Promise<Record<'direct' | 'gateway', LoadResult>> {
  const { simulator, agents } = setup;
  // Different agents: the remote broadcasts chat to every socket logged in to the agent.
  const direct = io(simulator.wsUrl, {
    transports: ['websocket'],
    extraHeaders: { authorization: `Bearer ${simulator.apiKey}` },
    forceNew: true,
    reconnection: false,
  });
  const browser = await openGatewaySocket(setup);
  try {
    if (!direct.connected) await waitFor(direct, 'connect');
    const directLogin = waitFor(direct, 'loginSuccess');
    direct.emit('login', { agentId: agents[0].id, password: agents[0].password });
    await directLogin;
    const gatewayLogin = waitFor(browser, 'loginSuccess');
    browser.emit('forward', { event: 'login', agentId: agents[1].id });
    await gatewayLogin;

    const timers = {
      direct: echoTimer(direct, (payload) => direct.emit('chat', payload)),
      gateway: echoTimer(browser, (payload) => browser.emit('forward', { event: 'chat', payload })),
    };
    await timers.direct(200); // warm-up
    await timers.gateway(200);
    const perRound = Math.ceil(MESSAGES / ROUNDS);
    return await interleaved(ROUNDS, {
      direct: () => timers.direct(perRound),
      gateway: () => timers.gateway(perRound),
    });
  } finally {
    direct.disconnect();
    browser.disconnect();
  }
}

// ---- 3. memory per linked socket

interface SocketMemory {
  opened: number;
  remoteSockets: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  heapBeforeMb?: number;
  heapAfterMb?: number;
  openSeconds: number;
  closedToZeroSeconds: number;
}

/** `nodejs_heap_size_used_bytes` from `GET /metrics` (global admin), in MB, if the controller serves it. */
async function heapUsedMb({ controller, token }: Setup): Promise<number | undefined> {
  const response = await fetch(`${controller.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const match = (await response.text()).match(/^nodejs_heap_size_used_bytes (\S+)$/m);
  return response.ok && match ? Number(match[1]) / 1024 / 1024 : undefined;
}

async function openInBatches(setup: Setup, count: number): Promise<{ sockets: Socket[]; failures: string[] }> {
  const sockets: Socket[] = [];
  const failures: string[] = [];
  for (let i = 0; i < count; i += SOCKET_BATCH) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(SOCKET_BATCH, count - i) }, () => openGatewaySocket(setup)),
    );
    for (const result of batch) {
      if (result.status === 'fulfilled') sockets.push(result.value);
      else failures.push(String(result.reason));
    }
  }
  return { sockets, failures };
}

async function closeAll(setup: Setup, sockets: Socket[]): Promise<number> {
  const started = performance.now();
  for (const socket of sockets) socket.disconnect();
  while ((await setup.simulator.connectedSockets()) > 0) {
    if (performance.now() - started > 30_000) throw new Error('the remote still has sockets 30 s after closing');
    await sleep(100);
  }
  return (performance.now() - started) / 1000;
}

/** The soft `Max open files` limit of a process (Linux), or undefined. */
function openFilesLimit(pid: number | 'self'): number | undefined {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8').match(/^Max open files\s+(\d+)/m);
  return line ? Number(line[1]) : undefined;
}

async function socketMemory(setup: Setup): Promise<SocketMemory> {
  const pid = setup.controller.child.pid as number;
  // The controller holds two descriptors per linked browser socket (its own and the remote link), this process one.
  for (const [name, owner, needed] of [
    ['controller', pid, 2 * SOCKETS + 100],
    ['load generator', 'self', SOCKETS + 100],
  ] as const) {
    const limit = openFilesLimit(owner);
    if (limit !== undefined && limit < needed) {
      console.log(`warning: the ${name}'s open-file limit is ${limit}, ${needed} are needed (raise ulimit -n)`);
    }
  }
  await closeAll(setup, (await openInBatches(setup, SOCKET_BATCH)).sockets); // warm-up of the path
  await sleep(SETTLE_MS);
  const rssBeforeMb = rssMb(pid);
  const heapBeforeMb = await heapUsedMb(setup);
  const started = performance.now();
  const { sockets, failures } = await openInBatches(setup, SOCKETS);
  const openSeconds = (performance.now() - started) / 1000;
  if (failures.length > 0) console.log(`${failures.length} setClient failures, e.g. ${failures[0]}`);
  const remoteSockets = await setup.simulator.connectedSockets();
  await sleep(SETTLE_MS);
  const rssAfterMb = rssMb(pid);
  const heapAfterMb = await heapUsedMb(setup);
  const closedToZeroSeconds = await closeAll(setup, sockets);
  return {
    opened: sockets.length,
    remoteSockets,
    rssBeforeMb,
    rssAfterMb,
    heapBeforeMb,
    heapAfterMb,
    openSeconds,
    closedToZeroSeconds,
  };
}

// ---- report

function report(
  list: Record<'direct' | 'proxy', LoadResult> | undefined,
  chat: Record<'direct' | 'gateway', LoadResult> | undefined,
  memory: SocketMemory | undefined,
): void {
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const rows = [['measurement', 'direct', 'through the controller', 'target', '']];
  if (list) {
    const ratio = list.proxy.throughput / list.direct.throughput;
    const delta = list.proxy.p50 - list.direct.p50;
    rows.push(
      [
        `agents list, ${CONCURRENCY} in flight: throughput`,
        `${list.direct.throughput} req/s`,
        `${list.proxy.throughput} req/s (ratio ${ratio.toFixed(2)})`,
        'ratio ≥ 0.8',
        verdict(ratio >= 0.8),
      ],
      [
        'agents list: p50 / p95',
        `${ms(list.direct.p50)} / ${ms(list.direct.p95)}`,
        `${ms(list.proxy.p50)} / ${ms(list.proxy.p95)} (p50 +${ms(delta)})`,
        'p50 ≤ direct + 2 ms',
        verdict(delta <= 2),
      ],
    );
  }
  if (chat) {
    const delta = chat.gateway.p50 - chat.direct.p50;
    rows.push([
      'chat echo, one at a time: p50 / p95 / p99',
      `${ms(chat.direct.p50)} / ${ms(chat.direct.p95)} / ${ms(chat.direct.p99)}`,
      `${ms(chat.gateway.p50)} / ${ms(chat.gateway.p95)} / ${ms(chat.gateway.p99)} (p50 +${ms(delta)})`,
      'p50 ≤ direct + 1 ms',
      verdict(delta <= 1),
    ]);
  }
  if (memory) {
    const perSocket = (before: number, after: number) =>
      `${round1(before)} → ${round1(after)} MB = ${Math.round(((after - before) * 1024) / memory.opened)} KB per socket`;
    rows.push([
      `${memory.opened} linked browser sockets: controller RSS`,
      '',
      perSocket(memory.rssBeforeMb, memory.rssAfterMb),
      '',
      '',
    ]);
    if (memory.heapBeforeMb !== undefined && memory.heapAfterMb !== undefined) {
      rows.push(['… of which V8 heap used', '', perSocket(memory.heapBeforeMb, memory.heapAfterMb), '', '']);
    }
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  console.log(`\n${line(rows[0])}\n| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`);
  for (const row of rows.slice(1)) console.log(line(row));
  if (list) console.log(`\nlist errors: direct ${list.direct.errors}, proxy ${list.proxy.errors}`);
  if (memory) {
    console.log(
      `sockets: setClientSuccess ${memory.opened}/${SOCKETS} in ${memory.openSeconds.toFixed(1)} s, ` +
        `remote sockets while open ${memory.remoteSockets}, back to 0 ${memory.closedToZeroSeconds.toFixed(1)} s after closing`,
    );
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const setup = await setUp(cleanups);
    console.log(
      `proxy benchmark — auth ${AUTH}, database ${setup.database ? 'PostgreSQL server' : 'embedded'}, ` +
        `${REQUESTS} list requests and ${MESSAGES} chat messages per side in ${ROUNDS} interleaved rounds, ` +
        `${SOCKETS} sockets`,
    );
    // Memory first: later, the garbage of the load phases would blur a before/after difference.
    const memory = ONLY.has('sockets') ? await socketMemory(setup) : undefined;
    const list = ONLY.has('list') ? await agentsList(setup) : undefined;
    if (list) console.log(`agents list: direct ${brief(list.direct)}\n             proxy  ${brief(list.proxy)}`);
    const chat = ONLY.has('chat') ? await chatEcho(setup) : undefined;
    if (chat) console.log(`chat echo:   direct ${brief(chat.direct)}\n             gateway ${brief(chat.gateway)}`);
    report(list, chat, memory);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
  console.log(`(${Math.round((performance.now() - started) / 1000)} s in all)`);
}

function brief({ latencies: _latencies, ...summary }: LoadResult): string {
  return JSON.stringify(summary);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
