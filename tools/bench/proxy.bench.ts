/**
 * The remote agent proxy against the remote itself (the agent-manager simulator, in its own process) and against a
 * bare keep-alive Node proxy (tools/bench/bare-proxy.ts, its own process), per auth mode and database:
 * 1. Agents list, 10 in flight, interleaved rounds: the simulator directly, through the bare proxy, through the
 *    controller. Targets: controller throughput ≥ 0.5 × the bare proxy's, p50 ≤ the bare proxy's p50 + 1 ms.
 * 2. Chat echo round trip, one message at a time, through the Socket.IO gateway vs directly.
 *    Target: gateway p50 ≤ direct + 0.5 ms.
 * 3. Controller memory per browser socket with its remote link: 1,000 gateway sockets on one client.
 * Usage: npm run bench:proxy   (needs `nx run-many -t build -p agent-controller agent-manager-simulator`); runs
 * `users` and `api-key` on the embedded database, and on a fresh database of the PostgreSQL server when
 * TEST_DATABASE_URL is set. BENCH_AUTH / BENCH_DATABASE select a subset, BENCH_RUNS repeats (median run shown).
 */
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { CLIENTS_NAMESPACE } from '@agent-controller/shared-contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { io, Socket } from 'socket.io-client';
import { BenchController, callJson, firstAdminToken, rssMb, sleep, startBenchController } from './controller';
import { httpGet, LoadResult, markdownTable, round1, runLoad, summarize } from './load';
import { env, list } from './settings';
import { BareProxy, BenchSimulator, startBareProxy, startBenchSimulator } from './simulator';

const REQUESTS = env('BENCH_REQUESTS', 5_000);
const CONCURRENCY = env('BENCH_CONCURRENCY', 10);
const ROUNDS = env('BENCH_ROUNDS', 5);
const MESSAGES = env('BENCH_MESSAGES', 1_000);
const SOCKETS = env('BENCH_SOCKETS', 1_000);
const WARM_UP = env('BENCH_WARM_UP', 2_000);
const RUNS = env('BENCH_RUNS', 1);
const SOCKET_BATCH = 50;
const AGENTS = 10;
const SETTLE_MS = 3_000;
const AUTHS = list('BENCH_AUTH', 'users,api-key') as Auth[];
const DATABASES = list('BENCH_DATABASE', process.env['TEST_DATABASE_URL'] ? 'embedded,server' : 'embedded') as Db[];
/** BENCH_SCENARIO=list,chat,sockets (default all three), e.g. to profile one with BENCH_NODE_ARGS=--cpu-prof. */
const ONLY = new Set(list('BENCH_SCENARIO', 'list,chat,sockets'));
const TARGET = { throughputOfBare: 0.5, p50OverBareMs: 1, chatP50OverDirectMs: 0.5 };

type Auth = 'users' | 'api-key';
type Db = 'embedded' | 'server';
const DB_NAMES: Record<Db, string> = { embedded: 'embedded database', server: 'PostgreSQL server' };

interface Setup {
  simulator: BenchSimulator;
  bare: BareProxy;
  controller: BenchController;
  database?: TestDatabase;
  /** Bearer credential of the controller: an admin's access token (users mode) or the static key. */
  token: string;
  clientId: string;
  agents: { id: string; password: string }[];
}

/** Starts everything; `cleanups` gets each process's stop (and the database's drop) as soon as it exists. */
async function setUp(auth: Auth, db: Db, cleanups: (() => Promise<void>)[]): Promise<Setup> {
  const simulator = await startBenchSimulator([
    `--api-key=${randomBytes(32).toString('base64url')}`, // one word: a key may start with '-'
    ...['--git-repository-url', 'https://git.example.com/r.git'],
    // The default (10,000 a minute) would throttle the benchmark. The simulator's throttler is the real manager's
    // (@nestjs/throttler: one entry per hit, filtered on every request), so a 1 s window keeps that list short.
    ...['--rate-limit', '100000000', '--rate-limit-ttl', '1'],
  ]);
  cleanups.push(() => simulator.stop());
  const bare = await startBareProxy(simulator.url);
  cleanups.push(() => bare.stop());
  const database = db === 'server' ? await createTestDatabase('server') : undefined;
  if (database) cleanups.push(() => database.drop());
  const staticKey = randomBytes(32).toString('base64url');
  const controller = await startBenchController({
    ...database?.env,
    // Production settings: request logging at info (one line per request), metrics on.
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    CLIENT_ENDPOINT_ALLOW_INTERNAL_HOST: 'true', // the simulator listens on loopback
    AUTHENTICATION_METHOD: auth,
    ...(auth === 'api-key' ? { STATIC_API_KEY: staticKey } : { JWT_SECRET: randomBytes(48).toString('base64') }),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Per client and minute; the most it may be, above what the controller's share of a run sends.
    CLIENT_RATE_LIMIT: '100000',
    CLIENT_HEALTH_INTERVAL: '86400',
  });
  cleanups.push(() => controller.stop());
  const token = auth === 'api-key' ? staticKey : await firstAdminToken(controller);
  const { id: clientId } = await callJson<{ id: string }>('POST', `${controller.baseUrl}/api/clients`, token, {
    name: 'bench-simulator',
    endpoint: simulator.url,
    authenticationType: 'api_key',
    apiKey: simulator.apiKey,
    agentWsPort: simulator.wsPort,
  });
  const agents: Setup['agents'] = [];
  for (let i = 0; i < AGENTS; i++) {
    const url = `${controller.baseUrl}/api/clients/${clientId}/agents`;
    agents.push(await callJson<{ id: string; password: string }>('POST', url, token, { name: `bench-agent-${i}` }));
  }
  return { simulator, bare, controller, database, token, clientId, agents };
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
  phase: string,
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
    console.log(`    ${phase} round ${i + 1}: ${line.join(', ')}`);
  }
  return Object.fromEntries(
    Object.entries<LoadResult[]>(runs).map(([name, results]) => [
      name,
      summarize(
        results.flatMap((result) => result.latencies),
        results.reduce((sum, result) => sum + result.seconds, 0),
        results.reduce((sum, result) => sum + result.errors, 0),
        results.find((result) => result.firstError !== undefined)?.firstError,
      ),
    ]),
  ) as Record<K, LoadResult>;
}

// ---- 1. agents list

type ListSide = 'direct' | 'bare' | 'controller';

async function agentsList(setup: Setup): Promise<Record<ListSide, LoadResult>> {
  const { simulator, bare, controller, token, clientId } = setup;
  const path = '/api/agents?limit=10&offset=0'; // what the controller asks the remote for
  const remoteHeaders = { authorization: `Bearer ${simulator.apiKey}` };
  const targets: Record<ListSide, [string, Record<string, string>]> = {
    direct: [`${simulator.url}${path}`, remoteHeaders],
    bare: [`${bare.url}${path}`, remoteHeaders],
    controller: [`${controller.baseUrl}/api/clients/${clientId}/agents`, { authorization: `Bearer ${token}` }],
  };
  const sides = Object.keys(targets) as ListSide[];
  const bodies = await Promise.all(sides.map(async (side) => (await httpGet(...targets[side])).body.toString()));
  if ((JSON.parse(bodies[0]) as unknown[]).length !== AGENTS || bodies.some((body) => body !== bodies[0])) {
    throw new Error(`the proxies do not answer what the remote does:\n${bodies.join('\n')}`);
  }
  const send = async (side: ListSide) => {
    const { status, body } = await httpGet(...targets[side]);
    return status === 200 || `${status} ${body.toString().slice(0, 200)}`;
  };
  const load = (side: ListSide, requests: number) => runLoad(() => send(side), { concurrency: CONCURRENCY, requests });
  // Warm-up: the controller's path needs a few thousand requests before V8 has optimised it.
  for (const side of sides) await load(side, WARM_UP);
  const perRound = Math.ceil(REQUESTS / ROUNDS);
  return interleaved('list', ROUNDS, {
    direct: () => load('direct', perRound),
    bare: () => load('bare', perRound),
    controller: () => load('controller', perRound),
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
    return await interleaved('chat', ROUNDS, {
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

interface RunResult {
  list?: Record<ListSide, LoadResult>;
  chat?: Record<'direct' | 'gateway', LoadResult>;
  memory?: SocketMemory;
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const signedMs = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)} ms`;
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
const thousands = (value: number) => value.toLocaleString('en-US');

/** What the targets compare, from one run. */
function figures({ list, chat, memory }: RunResult) {
  return {
    ofBare: list && list.controller.throughput / list.bare.throughput,
    p50OverBare: list && list.controller.p50 - list.bare.p50,
    chatOverDirect: chat && chat.gateway.p50 - chat.direct.p50,
    kbPerSocket: memory && ((memory.rssAfterMb - memory.rssBeforeMb) * 1024) / memory.opened,
  };
}

function spread(values: (number | undefined)[], format: (value: number) => string): string {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? '—' : `${format(Math.min(...known))} … ${format(Math.max(...known))}`;
}

function reportSetup(title: string, runs: RunResult[], median: RunResult): void {
  const { list, chat, memory } = median;
  const f = figures(median);
  console.log(
    `\n### ${title}${runs.length > 1 ? ` — median of ${runs.length} runs (by controller throughput)` : ''}\n`,
  );
  if (list) {
    const names: Record<ListSide, string> = {
      direct: 'the simulator, direct',
      bare: 'bare keep-alive Node proxy',
      controller: '**Agent Controller**',
    };
    const rows = [[`agents list, ${CONCURRENCY} in flight`, 'req/s', 'p50', 'p95', 'p99', '÷ direct', '÷ bare proxy']];
    for (const side of Object.keys(names) as ListSide[]) {
      const result = list[side];
      rows.push([
        names[side],
        thousands(result.throughput),
        ms(result.p50),
        ms(result.p95),
        ms(result.p99),
        (result.throughput / list.direct.throughput).toFixed(2),
        (result.throughput / list.bare.throughput).toFixed(2),
      ]);
    }
    console.log(`${markdownTable(rows)}\n`);
  }
  const targets = [['target', 'measured', '']];
  if (f.ofBare !== undefined && f.p50OverBare !== undefined) {
    targets.push(
      [
        `controller throughput ≥ ${TARGET.throughputOfBare} × bare proxy`,
        `${f.ofBare.toFixed(2)} ×`,
        verdict(f.ofBare >= TARGET.throughputOfBare),
      ],
      [
        `controller p50 ≤ bare proxy p50 + ${TARGET.p50OverBareMs} ms`,
        signedMs(f.p50OverBare),
        verdict(f.p50OverBare <= TARGET.p50OverBareMs),
      ],
    );
  }
  if (chat && f.chatOverDirect !== undefined) {
    targets.push([
      `chat echo: gateway p50 ≤ direct + ${TARGET.chatP50OverDirectMs} ms`,
      `${signedMs(f.chatOverDirect)} (direct ${ms(chat.direct.p50)} / ${ms(chat.direct.p95)} / ${ms(chat.direct.p99)}, ` +
        `gateway ${ms(chat.gateway.p50)} / ${ms(chat.gateway.p95)} / ${ms(chat.gateway.p99)}; p50 / p95 / p99)`,
      verdict(f.chatOverDirect <= TARGET.chatP50OverDirectMs),
    ]);
  }
  if (memory) {
    const perSocket = (before: number, after: number) =>
      `${round1(before)} → ${round1(after)} MB: ${Math.round(((after - before) * 1024) / memory.opened)} KB per socket`;
    targets.push([
      `${memory.opened} linked browser sockets: controller RSS`,
      perSocket(memory.rssBeforeMb, memory.rssAfterMb),
      '',
    ]);
    if (memory.heapBeforeMb !== undefined && memory.heapAfterMb !== undefined) {
      targets.push(['… V8 heap used', perSocket(memory.heapBeforeMb, memory.heapAfterMb), '']);
    }
  }
  if (targets.length > 1) console.log(markdownTable(targets));
  if (list) {
    const errors = (Object.keys(list) as ListSide[])
      .map((side) => `${side} ${list[side].errors}${list[side].firstError ? ` (first: ${list[side].firstError})` : ''}`)
      .join(', ');
    console.log(`\nlist errors: ${errors}`);
  }
  if (memory) {
    console.log(
      `sockets: setClientSuccess ${memory.opened}/${SOCKETS} in ${memory.openSeconds.toFixed(1)} s, ` +
        `remote sockets while open ${memory.remoteSockets}, back to 0 ${memory.closedToZeroSeconds.toFixed(1)} s after closing`,
    );
  }
  if (runs.length > 1) {
    const all = runs.map(figures);
    console.log(
      `spread over ${runs.length} runs: controller ${spread(
        runs.map((run) => run.list?.controller.throughput),
        thousands,
      )} req/s, ÷ bare ${spread(
        all.map((run) => run.ofBare),
        (value) => value.toFixed(2),
      )}, p50 over bare ${spread(
        all.map((run) => run.p50OverBare),
        signedMs,
      )}, chat ${spread(
        all.map((run) => run.chatOverDirect),
        signedMs,
      )}, ${spread(
        all.map((run) => run.kbPerSocket),
        (value) => `${Math.round(value)}`,
      )} KB per socket`,
    );
  }
}

/** One line per setup, to paste into the README. */
function summaryTable(results: { title: string; median: RunResult }[]): string {
  const rows = [
    [
      'setup',
      'direct',
      'bare proxy',
      'controller',
      '÷ bare (≥ 0.5)',
      'p50 direct / bare / controller',
      'p50 over bare (≤ +1 ms)',
      'chat p50 over direct (≤ +0.5 ms)',
      'RSS per socket',
    ],
  ];
  for (const { title, median } of results) {
    const { list } = median;
    const f = figures(median);
    const rate = (side: ListSide) => (list ? `${thousands(list[side].throughput)} req/s` : '—');
    const mark = (value: number | undefined, ok: (value: number) => boolean, format: (value: number) => string) =>
      value === undefined ? '—' : `${format(value)} ${ok(value) ? 'met' : '**missed**'}`;
    rows.push([
      title,
      rate('direct'),
      rate('bare'),
      rate('controller'),
      mark(
        f.ofBare,
        (value) => value >= TARGET.throughputOfBare,
        (value) => value.toFixed(2),
      ),
      list ? `${ms(list.direct.p50)} / ${ms(list.bare.p50)} / ${ms(list.controller.p50)}` : '—',
      mark(f.p50OverBare, (value) => value <= TARGET.p50OverBareMs, signedMs),
      mark(f.chatOverDirect, (value) => value <= TARGET.chatP50OverDirectMs, signedMs),
      f.kbPerSocket === undefined ? '—' : `${Math.round(f.kbPerSocket)} KB`,
    ]);
  }
  return markdownTable(rows);
}

// ---- main

async function runOnce(auth: Auth, db: Db): Promise<RunResult> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const setup = await setUp(auth, db, cleanups);
    // Memory first: later, the garbage of the load phases would blur a before/after difference.
    const memory = ONLY.has('sockets') ? await socketMemory(setup) : undefined;
    const list = ONLY.has('list') ? await agentsList(setup) : undefined;
    const chat = ONLY.has('chat') ? await chatEcho(setup) : undefined;
    return { list, chat, memory };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** The run with the median controller throughput (or chat p50 when the list was not measured). */
function medianRun(runs: RunResult[]): RunResult {
  const key = (run: RunResult) => run.list?.controller.throughput ?? -(run.chat?.gateway.p50 ?? 0);
  return [...runs].sort((a, b) => key(a) - key(b))[Math.floor((runs.length - 1) / 2)];
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(
    `proxy benchmark — ${AUTHS.join(' and ')} on the ${DATABASES.map((db) => DB_NAMES[db]).join(' and ')}; ` +
      `${RUNS} run(s) each; per run ${REQUESTS} list requests per side in ${ROUNDS} interleaved rounds ` +
      `(${CONCURRENCY} in flight, ${WARM_UP} warm-up), ${MESSAGES} chat messages, ${SOCKETS} sockets; ` +
      `load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')}`,
  );
  const results: { title: string; median: RunResult }[] = [];
  for (const db of DATABASES) {
    for (const auth of AUTHS) {
      const title = `${auth}, ${DB_NAMES[db]}`;
      const runs: RunResult[] = [];
      for (let run = 1; run <= RUNS; run++) {
        console.log(`\n${title}: run ${run} of ${RUNS} (load average ${loadavg()[0].toFixed(1)})`);
        const result = await runOnce(auth, db);
        const f = figures(result);
        console.log(
          `  → controller ${result.list?.controller.throughput ?? '—'} req/s, ÷ bare ${f.ofBare?.toFixed(2) ?? '—'}, ` +
            `p50 over bare ${f.p50OverBare === undefined ? '—' : signedMs(f.p50OverBare)}, ` +
            `chat ${f.chatOverDirect === undefined ? '—' : signedMs(f.chatOverDirect)}`,
        );
        runs.push(result);
      }
      const median = medianRun(runs);
      reportSetup(title, runs, median);
      results.push({ title, median });
    }
  }
  console.log(`\n### Summary (median runs)\n\n${summaryTable(results)}`);
  console.log(
    `\n(${Math.round((performance.now() - started) / 1000)} s in all; load average at the end ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')})`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
