import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { io, Socket } from 'socket.io-client';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningController, startController } from '../support/controller-process';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

const REMOTE_KEY = 'shutdown-remote-key-0123456789';
/** The proxied call that stays in flight: the simulator's agent list, made slow. */
const SLOW_REMOTE_PATH = '^/api/agents$';

interface Outcome {
  path: string;
  sentAt: number;
  doneAt: number;
  status?: number;
  /** The response's `Connection` header. */
  connection?: string;
  body?: string;
  /** Node's error code when no answer came (ECONNREFUSED: the listener was closed, nothing had started). */
  error?: string;
}

/** One HTTP request through `agent` (keep-alive unless `false`), recorded whatever happens. */
function send(baseUrl: string, path: string, token: string, agent: Agent | false): Promise<Outcome> {
  const sentAt = performance.now();
  return new Promise((resolve) => {
    const call = request(`${baseUrl}${path}`, { agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({
          path,
          sentAt,
          doneAt: performance.now(),
          status: response.statusCode,
          connection: response.headers.connection,
          body,
        }),
      );
      response.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ path, sentAt, doneAt: performance.now(), error: error.code ?? error.message }),
      );
    });
    call.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ path, sentAt, doneAt: performance.now(), error: error.code ?? error.message }),
    );
    call.end();
  });
}

/** Whether a new TCP connection is accepted. */
function accepts(port: number): Promise<'accepted' | string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const describeOutcomes = (outcomes: Outcome[]) =>
  outcomes.map((o) => `${o.path} → ${o.status ?? o.error} at ${Math.round(o.doneAt)}`).join('\n');

/**
 * SIGTERM of a controller under load, as a rolling restart does it: readiness turns 503 while it keeps serving,
 * then it stops accepting, hands its browser sockets a reconnect, answers every request that had started,
 * releases its remote links and exits 0 — and it keeps to its bound when a request hangs.
 */
describe('graceful shutdown', () => {
  let remote: RunningSimulator;
  let controller: RunningController | undefined;
  let browser: Socket | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });

  beforeAll(async () => {
    remote = await startSimulator({ apiKey: REMOTE_KEY });
  });

  afterEach(async () => {
    browser?.close();
    browser = undefined;
    await controller?.stop();
    controller = undefined;
    await remote.setFaults({ latencyMs: 0, pathPattern: null });
  });

  afterAll(async () => {
    agent.destroy();
    await remote?.stop();
  });

  /** A controller with an admin and a client on the simulator. */
  async function start(env: Record<string, string>) {
    controller = await startController({
      env: { REMOTE_REQUEST_TIMEOUT: '60000', CLIENT_HEALTH_INTERVAL: '86400', ...env },
    });
    const api = new Api(controller.baseUrl);
    const admin = await setUpFirstAdmin(api, controller.setupToken());
    const created = await api.post(
      '/api/clients',
      {
        name: 'Remote',
        endpoint: remote.url,
        authenticationType: 'api_key',
        apiKey: REMOTE_KEY,
        agentWsPort: remote.wsPort,
      },
      { token: admin },
    );
    if (created.status !== 201) throw new Error(`client create: ${created.status} ${created.text}`);
    return { running: controller, admin, clientId: created.body.id as string };
  }

  it('turns not-ready first, keeps serving, then drains every started request, moves sockets and exits 0', async () => {
    const delayMs = 2000;
    const slowMs = 4000;
    const { running, admin, clientId } = await start({
      SHUTDOWN_READINESS_DELAY_SECONDS: String(delayMs / 1000),
      SHUTDOWN_DRAIN_SECONDS: '10',
    });
    const { baseUrl } = running;
    const port = Number(new URL(baseUrl).port);

    // A browser linked to the remote, reconnecting on its own like the console's.
    const reasons: Array<{ reason: string; active: boolean; at: number }> = [];
    let reconnectAttempts = 0;
    browser = io(`${baseUrl}/clients`, {
      transports: ['websocket'],
      auth: { Authorization: `Bearer ${admin}` },
      forceNew: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 400,
    });
    const socket = browser;
    socket.on('disconnect', (reason) => reasons.push({ reason, active: socket.active, at: performance.now() }));
    socket.io.on('reconnect_attempt', () => reconnectAttempts++);
    await new Promise<void>((resolve, reject) => {
      socket.once('setClientSuccess', () => resolve());
      socket.once('error', (error: unknown) => reject(new Error(JSON.stringify(error))));
      socket.once('connect', () => socket.emit('setClient', { clientId }));
    });
    expect(await remote.connectedSockets()).toBe(1);

    // Readiness as a load balancer polls it: a fresh connection each time, until the listener is gone.
    const readiness: Outcome[] = [];
    let notReadyAt: number | undefined;
    const poller = (async () => {
      for (;;) {
        const outcome = await send(baseUrl, '/api/health/ready', admin, false);
        readiness.push(outcome);
        if (outcome.status === 503) notReadyAt ??= outcome.doneAt;
        if (outcome.error) return;
        await sleep(100);
      }
    })();

    // Steady load on kept-alive connections; like a balancer, it stops routing here a little after readiness
    // says 503 (its own polling and propagation), so requests keep arriving during the delay.
    const load: Outcome[] = [];
    const routes = ['/api/clients', `/api/clients/${clientId}`, '/api/auth/me'];
    const workers = routes.map(async (path) => {
      while (notReadyAt === undefined || performance.now() < notReadyAt + 500) {
        load.push(await send(baseUrl, path, admin, agent));
      }
    });
    await sleep(500);

    // Slow proxied calls in flight at the signal, and one more that starts while not ready.
    await remote.setFaults({ latencyMs: slowMs, pathPattern: SLOW_REMOTE_PATH });
    const slowPath = `/api/clients/${clientId}/agents`;
    const slow = [1, 2, 3].map(() => send(baseUrl, slowPath, admin, agent));
    await sleep(300);
    const signalledAt = performance.now();
    running.process.kill('SIGTERM');
    await sleep(300);
    const liveness = await send(baseUrl, '/api/health', admin, false);
    slow.push(send(baseUrl, slowPath, admin, agent));
    let lateSlowDone = false;
    void slow[3].then(() => (lateSlowDone = true));

    // After the delay the listener is closed while the slow calls are still being answered.
    await sleep(signalledAt + delayMs + 300 - performance.now());
    const newConnection = await accepts(port);
    const slowPendingThen = !lateSlowDone;

    const exitCode = await running.exited;
    const exitedAt = performance.now();
    await Promise.all([poller, ...workers]);
    const slowOutcomes = await Promise.all(slow);

    // Readiness: 200 before the signal, 503 right after it, then no listener; liveness stays 200 meanwhile.
    expect(liveness.status).toBe(200);
    const answered = readiness.filter((outcome) => outcome.status !== undefined);
    const statuses = (outcomes: Outcome[]) => [...new Set(outcomes.map((o) => o.status))];
    expect(statuses(answered.filter((o) => o.doneAt < signalledAt))).toEqual([200]);
    expect(statuses(answered.filter((o) => o.sentAt > signalledAt + 50))).toEqual([503]);
    expect((notReadyAt ?? Infinity) - signalledAt).toBeLessThan(500);
    const listenerGone = readiness[readiness.length - 1];
    expect(listenerGone.error).toBe('ECONNREFUSED');
    expect(listenerGone.sentAt - signalledAt).toBeGreaterThan(delayMs - 200);

    // Every request that had started got its full answer; those answered after the signal close their connection.
    const failed = load.filter((outcome) => outcome.status !== 200);
    expect(describeOutcomes(failed)).toBe('');
    expect(load.filter((o) => o.sentAt > signalledAt).length).toBeGreaterThan(0);
    const afterSignal = load.filter((o) => o.sentAt > signalledAt + 50);
    expect(afterSignal.every((o) => o.connection === 'close')).toBe(true);
    for (const outcome of slowOutcomes) {
      expect({ status: outcome.status, connection: outcome.connection }).toEqual({ status: 200, connection: 'close' });
      expect(Array.isArray(JSON.parse(outcome.body ?? 'null'))).toBe(true);
      expect(outcome.doneAt - outcome.sentAt).toBeGreaterThanOrEqual(slowMs - 50);
    }

    // New connections were refused after the delay, while the drain was still answering.
    expect(newConnection).toBe('ECONNREFUSED');
    expect(slowPendingThen).toBe(true);

    // The browser was told to go elsewhere in a way socket.io-client reconnects from, and tried to.
    expect(reasons[0]).toEqual({ reason: 'transport close', active: true, at: expect.any(Number) });
    expect(reasons[0].at - signalledAt).toBeGreaterThan(delayMs - 200);
    for (let tries = 0; reconnectAttempts === 0 && tries < 20; tries++) await sleep(100);
    expect(reconnectAttempts).toBeGreaterThan(0);
    // Its remote link was closed with it.
    for (let tries = 0; (await remote.connectedSockets()) > 0 && tries < 50; tries++) await sleep(100);
    expect(await remote.connectedSockets()).toBe(0);

    // Exit 0 once the last slow call was answered, well within delay + drain.
    expect(exitCode).toBe(0);
    const lastAnswer = Math.max(...slowOutcomes.map((o) => o.doneAt));
    expect(exitedAt - lastAnswer).toBeLessThan(2000);
    expect(exitedAt - signalledAt).toBeLessThan(delayMs + 10_000);
    // The four slow calls (and perhaps a readiness poll) were still running when the listener closed.
    expect(Number(/Drained (\d+) request/.exec(running.output())?.[1])).toBeGreaterThanOrEqual(4);
    expect(running.output()).not.toMatch(/"level":50/);
  });

  it('cuts a request that outlasts SHUTDOWN_DRAIN_SECONDS and exits anyway, with a non-zero code', async () => {
    const { running, admin, clientId } = await start({
      SHUTDOWN_READINESS_DELAY_SECONDS: '0',
      SHUTDOWN_DRAIN_SECONDS: '2',
    });
    await remote.setFaults({ latencyMs: 30_000, pathPattern: SLOW_REMOTE_PATH });
    const hanging = send(running.baseUrl, `/api/clients/${clientId}/agents`, admin, agent);
    await sleep(500);
    const signalledAt = performance.now();
    running.process.kill('SIGTERM');

    const exitCode = await running.exited;
    const elapsed = performance.now() - signalledAt;
    expect(exitCode).toBe(1);
    expect(elapsed).toBeGreaterThan(1900);
    // The drain, then the shutdown hooks' bound at most.
    expect(elapsed).toBeLessThan(2000 + 5000);
    expect((await hanging).error).toBeDefined();
    expect(running.output()).toMatch(/1 request\(s\) still running after 2000 ms: cutting them/);
  });

  it('exits at once on a second SIGTERM', async () => {
    const { running, admin } = await start({ SHUTDOWN_READINESS_DELAY_SECONDS: '60' });
    running.process.kill('SIGTERM');
    for (let tries = 0; tries < 50; tries++) {
      if ((await send(running.baseUrl, '/api/health/ready', admin, false)).status === 503) break;
      await sleep(100);
    }
    const signalledAt = performance.now();
    running.process.kill('SIGTERM');
    expect(await running.exited).toBe(1);
    expect(performance.now() - signalledAt).toBeLessThan(1500);
    expect(running.output()).toMatch(/SIGTERM while shutting down: exiting now/);
  });
});
