import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { RunningCloudSimulator, startCloudSimulator } from '../support/cloud-simulator-process';
import { eventuallyValue } from '../support/eventually';
import { GatewayClient } from '../support/gateway-client';
import { SERVED_BY_HEADER } from '../support/haproxy-process';
import { Api, ApiResponse } from '../support/http';
import { fleetAvailable, ReplicaFleet } from '../support/replica-fleet';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

const GIT_URL = 'https://git.example.com/agents.git';
/** Proxied calls per client and minute, and log-ins per address: small budgets the fleet must count once. */
const PASSWORD = 'correct horse battery';
const CLIENT_BUDGET = 20;
const LOGIN_BUDGET = 10;
/** The fleet-wide periodic tasks' intervals (s): a dead leader's task must be taken over within one. */
const HEALTH_INTERVAL_S = 3;
const RECONCILE_INTERVAL_S = 3;

/** Polls until `check` holds; state on other processes changes asynchronously. */
async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** One answer of the load, with when it was sent and answered. */
interface Call {
  kind: 'create' | 'list';
  startedAt: number;
  endedAt: number;
  /** 0: no answer at all (the connection closed). */
  status: number;
  detail?: string;
  /** The created client's name: a row with it tells that this request wrote. */
  name?: string;
  /** The replica that answered (the balancer says). */
  servedBy?: string;
}

/**
 * Reads and writes at a steady rate through the load balancer, each loop on its own schedule: two writers
 * creating clients with unique names and two readers listing them. Every answer is recorded.
 */
class SteadyLoad {
  readonly calls: Call[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly api: Api,
    private readonly token: string,
    private readonly clientBody: (name: string) => Record<string, unknown>,
    readonly run = randomUUID().slice(0, 8),
  ) {
    this.loops = [
      ...[0, 1].map((writer) =>
        this.loop(250, (index) => {
          const name = `load-${this.run}-${writer}-${index}`;
          return this.call('create', () => this.api.post('/api/clients', this.clientBody(name), { token }), name);
        }),
      ),
      ...[0, 1].map(() =>
        this.loop(100, () => this.call('list', () => this.api.get('/api/clients?limit=20', { token: this.token }))),
      ),
    ];
  }

  async stop(): Promise<Call[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.calls;
  }

  private async loop(periodMs: number, step: (index: number) => Promise<void>): Promise<void> {
    for (let index = 0; this.running; index++) {
      const due = Date.now() + periodMs;
      await step(index);
      await sleep(Math.max(0, due - Date.now()));
    }
  }

  private async call(kind: Call['kind'], send: () => Promise<ApiResponse>, name?: string): Promise<void> {
    const startedAt = Date.now();
    try {
      const response = await send();
      const detail = response.status >= 300 ? response.text.slice(0, 200) : undefined;
      const servedBy = response.headers.get(SERVED_BY_HEADER) ?? undefined;
      this.calls.push({ kind, startedAt, endedAt: Date.now(), status: response.status, detail, name, servedBy });
    } catch (error) {
      const detail = `${(error as Error).message}: ${(error as Error).cause}`;
      this.calls.push({ kind, startedAt, endedAt: Date.now(), status: 0, detail, name });
    }
  }
}

/** A call's times as offsets from an event (a signal sent, the process gone), to read a failure by. */
function relativeTo(call: Call, signalAt: number, goneAt: number) {
  const { startedAt, endedAt, ...rest } = call;
  return {
    ...rest,
    sentAfterSignalMs: startedAt - signalAt,
    sentAfterExitMs: startedAt - goneAt,
    tookMs: endedAt - startedAt,
  };
}

const describeFleet = fleetAvailable ? describe : describe.skip;

/**
 * Three replicas on one PostgreSQL database and one Redis behind a real HAProxy (round robin, WebSocket passed
 * through), the agent-manager and cloud simulators as remotes: what must hold when an operator scales out.
 * Needs TEST_DATABASE_URL and TEST_REDIS_URL (CI sets both) and /usr/sbin/haproxy (CI installs it).
 */
describeFleet('a fleet of three replicas behind a load balancer', () => {
  let fleet: ReplicaFleet;
  let remote: RunningSimulator;
  let hetzner: RunningCloudSimulator;
  let admin: string;
  /** The remote agent-manager every browser links to, and one agent on it with stored credentials. */
  let remoteClientId: string;
  let agentId: string;
  const open: GatewayClient[] = [];
  const loads: SteadyLoad[] = [];

  const clientBody = (name: string, simulator = remote) => ({
    name,
    endpoint: simulator.url,
    authenticationType: 'api_key',
    apiKey: simulator.apiKey,
    agentWsPort: simulator.wsPort,
  });

  beforeAll(async () => {
    [remote, hetzner] = await Promise.all([
      startSimulator({ apiKey: 'fleet-remote-key-0123456789', args: ['--git-repository-url', GIT_URL] }),
      startCloudSimulator('hetzner', ['--boot-ms', '2500']),
    ]);
    fleet = await ReplicaFleet.start({
      env: {
        HETZNER_API_TOKEN: hetzner.token,
        HETZNER_API_URL: hetzner.url,
        // The simulated servers' agent-managers listen on 127.0.1.N:3000 (HTTP) and :8080 (Socket.IO).
        PROVISIONING_ENDPOINT_TEMPLATE: 'http://{ip}:3000',
        PROVISIONING_AGENT_WS_PORT: '8080',
        PROVISIONING_POLL_INTERVAL_MS: '150',
        PROVISIONING_SERVER_TIMEOUT: '30',
        PROVISIONING_HEALTH_TIMEOUT: '30',
        PROVISIONING_RECONCILE_INTERVAL: String(RECONCILE_INTERVAL_S),
        CLIENT_HEALTH_INTERVAL: String(HEALTH_INTERVAL_S),
        REMOTE_REQUEST_TIMEOUT: '3000',
        CLIENT_RATE_LIMIT: String(CLIENT_BUDGET),
        LOGIN_RATE_LIMIT_MAX: String(LOGIN_BUDGET),
        // The balancer checks readiness every 500 ms and drops a server after two failures.
        SHUTDOWN_READINESS_DELAY_SECONDS: '2',
      },
    });
    admin = fleet.admin;
    const created = await fleet.api.post('/api/clients', clientBody('fleet remote'), { token: admin });
    expect(created.status).toBe(201);
    remoteClientId = created.body.id;
    const agent = await fleet.api.post(
      `/api/clients/${remoteClientId}/agents`,
      { name: 'fleet-agent' },
      { token: admin },
    );
    expect(agent.status).toBe(201);
    agentId = agent.body.id;
  }, 120_000);

  afterEach(async () => {
    for (const client of open.splice(0)) client.close();
    // A test that failed half-way leaves no load running into the next.
    await Promise.all(loads.splice(0).map((load) => load.stop()));
  });

  afterAll(async () => {
    await fleet?.stop();
    await Promise.all([remote?.stop(), hetzner?.stop()]);
  }, 60_000);

  /** A browser socket through the balancer (pinned to `replica` if given), closed after the test. */
  async function connect(token = admin, replica?: string): Promise<GatewayClient> {
    const browser = await fleet.connect(token, replica);
    open.push(browser);
    return browser;
  }

  /** Steady reads and writes through the balancer, stopped after the test at the latest. */
  function startLoad(): SteadyLoad {
    const load = new SteadyLoad(fleet.api, admin, (name) => clientBody(name));
    loads.push(load);
    return load;
  }

  /** A socket linked to the remote and logged in to the agent there: what the console holds open. */
  async function linked(
    replica?: string,
    target = remoteClientId,
    token = admin,
    login = target === remoteClientId,
  ): Promise<GatewayClient> {
    const browser = await connect(token, replica);
    await link(browser, target, login);
    return browser;
  }

  async function link(browser: GatewayClient, target = remoteClientId, login = target === remoteClientId) {
    const from = browser.received.length;
    browser.emit('setClient', { clientId: target });
    await browser.next('setClientSuccess', () => true, from);
    if (!login) return;
    browser.emit('forward', { event: 'login', agentId });
    await browser.next('loginSuccess', () => true, from);
  }

  async function userToken(email: string): Promise<{ id: string; token: string }> {
    const created = await fleet.api.post('/api/users', { email, password: PASSWORD }, { token: admin });
    expect(created.status).toBe(201);
    const login = await fleet.api.post('/api/auth/login', { email, password: PASSWORD });
    expect(login.status).toBe(200);
    return { id: created.body.id, token: login.body.accessToken };
  }

  const provision = (api: Api, name: string) =>
    api.post(
      '/api/clients/provisioning/provision',
      { providerType: 'hetzner', serverType: 'cx23', name, authenticationType: 'api_key', gitRepositoryUrl: GIT_URL },
      { token: admin },
    );

  async function finished(jobId: string, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await fleet.api.get(`/api/provisioning/jobs/${jobId}`, { token: admin });
      if (response.status !== 200) throw new Error(`GET job answered ${response.status}: ${response.text}`);
      if (response.body.status !== 'running' || Date.now() > deadline) return response.body;
      await sleep(150);
    }
  }

  /** Which replicas logged a line naming both `text` and `id`. */
  const loggedBy = (text: string, id: string) =>
    fleet.names.filter((name) =>
      fleet
        .replica(name)
        .output()
        .split('\n')
        .some((line) => line.includes(text) && line.includes(id)),
    );

  it('1. a socket on every replica hears the provisioning progress of a job one replica runs, and the health change one prober found', async () => {
    const [a, b] = fleet.names;
    // A second remote, healthy for now; the owner (admin) watches it from every replica.
    const flaky = await startSimulator({ apiKey: 'fleet-flaky-key-0123456789' });
    try {
      const client = await fleet.replica(a).api.post('/api/clients', clientBody('flaky remote', flaky), {
        token: admin,
      });
      expect(client.status).toBe(201);
      const clientId: string = client.body.id;
      const browsers = await Promise.all(fleet.names.map((name) => linked(name, clientId)));

      // The job runs where it was asked for (B); its progress reaches the owner's sockets on every replica.
      const started = await provision(fleet.replica(b).api, `progress-${randomUUID().slice(0, 8)}`);
      expect(started.status).toBe(202);
      const job = await finished(started.body.id, 30_000);
      expect(job).toMatchObject({ status: 'succeeded', error: null });
      expect(loggedBy('Resuming provisioning job', job.id)).toEqual([]);
      for (const [index, browser] of browsers.entries()) {
        const progress = browser.received
          .filter((entry) => entry.event === 'provisioningProgress' && entry.payload.id === job.id)
          .map((entry) => entry.payload.status);
        expect({ replica: fleet.names[index], progress }).toEqual({
          replica: fleet.names[index],
          progress: expect.arrayContaining(['running', 'succeeded']),
        });
      }

      // The remote starts failing its API; whichever replica's prober finds it (C), every replica's sockets hear.
      await eventually('the new remote is healthy', async () => {
        const health = (await fleet.api.get(`/api/clients/${clientId}`, { token: admin })).body.health;
        return health.state === 'healthy';
      });
      const failingSince = Date.now();
      await flaky.setFaults({ status5xx: 503 });
      const changes = await Promise.all(
        browsers.map((browser) =>
          browser.next(
            'clientHealth',
            (payload) => payload.clientId === clientId && payload.health.state !== 'healthy',
            0,
            15_000,
          ),
        ),
      );
      const heardMs = Date.now() - failingSince;
      for (const change of changes) expect(change).toEqual(changes[0]);
      expect(changes[0]).toMatchObject({ clientId, from: 'healthy' });
      // The prober logs the change after storing it; the event can reach the browsers before that line arrives.
      const prober = await eventuallyValue(
        async () => loggedBy(`is now ${changes[0].health.state}`, clientId),
        (names) => names.length > 0,
        5_000,
      );
      process.stdout.write(
        `test 1: job ${job.id} ran on ${b}, its progress heard on ${fleet.names.join(', ')}; ` +
          `health change (${changes[0].from} → ${changes[0].health.state}) found by ${prober.join(', ')}, ` +
          `heard on every replica ${heardMs} ms after the remote began failing\n`,
      );
      expect(prober).toHaveLength(1);
    } finally {
      await flaky.stop();
    }
  }, 60_000);

  it('2. a member removed through one replica loses the link on another within 2 s; a locked user is disconnected everywhere', async () => {
    const [a, b] = fleet.names;
    const email = `member-${randomUUID().slice(0, 8)}@example.com`;
    const member = await userToken(email);
    const membership = await fleet.api.post(
      `/api/clients/${remoteClientId}/users`,
      { email, role: 'user' },
      { token: admin },
    );
    expect(membership.status).toBe(201);
    const browser = await linked(a, remoteClientId, member.token, false);
    const linksBefore = await remote.connectedSockets();

    const removedAt = Date.now();
    const removed = await fleet
      .replica(b)
      .api.delete(`/api/clients/${remoteClientId}/users/${membership.body.id}`, { token: admin });
    expect(removed.status).toBe(204);
    expect((await browser.next('error', (e) => e.event === 'accessCheck', 0, 2_000)).error.code).toBe('NOT_FOUND');
    const linksAfter = await eventuallyValue(
      () => remote.connectedSockets(),
      (links) => links === linksBefore - 1,
      2_000 - (Date.now() - removedAt),
    );
    const unlinkedMs = Date.now() - removedAt;
    expect(linksAfter).toBe(linksBefore - 1);
    expect(browser.socket.connected).toBe(true);

    const locked = await userToken(`locked-${randomUUID().slice(0, 8)}@example.com`);
    const everywhere = await Promise.all(fleet.names.map((name) => connect(locked.token, name)));
    const lockedAt = Date.now();
    const lock = await fleet.replica(b).api.post(`/api/users/${locked.id}/lock`, undefined, { token: admin });
    expect(lock.status).toBe(200);
    for (const socket of everywhere) {
      expect((await socket.next('error', (e) => e.event === 'accessCheck', 0, 2_000)).error.code).toBe(
        'ACCOUNT_LOCKED',
      );
      await socket.next('disconnect', () => true, 0, 2_000);
    }
    process.stdout.write(
      `test 2: member removed through ${b} lost the link on ${a} after ${unlinkedMs} ms; the locked user's sockets ` +
        `on ${fleet.names.join(', ')} were disconnected after ${Date.now() - lockedAt} ms\n`,
    );
  }, 30_000);

  it('2b. a member removed and a user locked through one replica are refused a proxied request by every replica within 1 s', async () => {
    const revoker = fleet.names[1];
    // A client of its own, so no other test spends its per-client budget.
    const created = await fleet.api.post('/api/clients', clientBody(`revoke-${randomUUID().slice(0, 8)}`), {
      token: admin,
    });
    expect(created.status).toBe(201);
    const clientId: string = created.body.id;
    const emails = [
      `proxy-member-${randomUUID().slice(0, 8)}@example.com`,
      `proxy-locked-${randomUUID().slice(0, 8)}@example.com`,
    ];
    const [member, locked] = await Promise.all(emails.map((email) => userToken(email)));
    const memberships: string[] = [];
    for (const email of emails) {
      const added = await fleet.api.post(`/api/clients/${clientId}/users`, { email, role: 'user' }, { token: admin });
      expect(added.status).toBe(201);
      memberships.push(added.body.id);
    }
    const agentsOn = (name: string, token: string) =>
      fleet.replica(name).direct.get(`/api/clients/${clientId}/agents`, { token });

    /** Each replica, asked directly, until it refuses `token` with `code`: how long after `since` it took. */
    async function refusedEverywhere(token: string, code: string, since: number): Promise<Record<string, number>> {
      const after: Record<string, number> = {};
      await Promise.all(
        fleet.names.map(async (name) => {
          const answer = await eventuallyValue(
            () => agentsOn(name, token),
            (response) => response.body?.code === code,
            2_000,
          );
          expect({ replica: name, status: answer.status, code: answer.body?.code }).toEqual({
            replica: name,
            status: expect.any(Number),
            code,
          });
          after[name] = Date.now() - since;
        }),
      );
      return after;
    }

    // Every replica has checked both callers once, so each holds them in its access cache.
    for (const name of fleet.names) {
      for (const user of [member, locked]) expect((await agentsOn(name, user.token)).status).toBe(200);
    }

    const removed = await fleet
      .replica(revoker)
      .direct.delete(`/api/clients/${clientId}/users/${memberships[0]}`, { token: admin });
    expect(removed.status).toBe(204);
    const removedAfter = await refusedEverywhere(member.token, 'NOT_FOUND', Date.now());

    const lock = await fleet.replica(revoker).direct.post(`/api/users/${locked.id}/lock`, undefined, { token: admin });
    expect(lock.status).toBe(200);
    const lockedAfter = await refusedEverywhere(locked.token, 'ACCOUNT_LOCKED', Date.now());

    process.stdout.write(
      `test 2b: through ${revoker}, a removed member was refused after ${JSON.stringify(removedAfter)} ms and a ` +
        `locked user after ${JSON.stringify(lockedAfter)} ms (per replica, asked directly)\n`,
    );
    for (const after of [removedAfter, lockedAfter]) {
      for (const name of fleet.names)
        expect({ replica: name, withinOneSecond: after[name] <= 1_000 }).toEqual({
          replica: name,
          withinOneSecond: true,
        });
    }
  }, 30_000);

  it('2c. a scoped API token made through one replica works on every replica, and once revoked on none', async () => {
    const [maker, revoker] = fleet.names;
    const made = await fleet
      .replica(maker)
      .direct.post(
        '/api/tokens',
        { name: 'fleet script', access: 'read', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
        { token: admin },
      );
    expect(made.status).toBe(201);
    for (const name of fleet.names) {
      expect((await fleet.replica(name).direct.get('/api/clients', { token: made.body.token })).status).toBe(200);
    }
    expect((await fleet.replica(revoker).direct.delete(`/api/tokens/${made.body.id}`, { token: admin })).status).toBe(
      204,
    );
    for (const name of fleet.names) {
      const refused = await fleet.replica(name).direct.get('/api/clients', { token: made.body.token });
      expect({ replica: name, status: refused.status, reason: refused.body?.details?.reason }).toEqual({
        replica: name,
        status: 401,
        reason: 'revoked',
      });
    }
  });

  it('3. requests spread over the replicas meet 429 at the one shared budget', async () => {
    // Proxied calls per client: a client of its own, so no other test spends its budget.
    const created = await fleet.api.post('/api/clients', clientBody(`budget-${randomUUID().slice(0, 8)}`), {
      token: admin,
    });
    expect(created.status).toBe(201);
    const proxied: number[] = [];
    for (let index = 0; index < CLIENT_BUDGET + 9; index++) {
      const replica = fleet.replica(fleet.names[index % fleet.names.length]);
      const response = await replica.api.get(`/api/clients/${created.body.id}/agents`, { token: admin });
      proxied.push(response.status === 429 && response.body.code === 'CLIENT_RATE_LIMITED' ? 429 : response.status);
    }
    expect(proxied).toEqual([...Array(CLIENT_BUDGET).fill(200), ...Array(9).fill(429)]);

    // Log-ins per address (the balancer names the address in X-Forwarded-For): an address of its own.
    const address = { 'x-forwarded-for': `203.0.113.${1 + Math.floor(Math.random() * 250)}` };
    const logins: number[] = [];
    for (let index = 0; index < LOGIN_BUDGET + 5; index++) {
      const replica = fleet.replica(fleet.names[index % fleet.names.length]);
      const response = await replica.api.post(
        '/api/auth/login',
        { email: 'admin@example.com', password: PASSWORD },
        { headers: address },
      );
      logins.push(response.status === 429 && response.body.code === 'RATE_LIMITED' ? 429 : response.status);
    }
    expect(logins).toEqual([...Array(LOGIN_BUDGET).fill(200), ...Array(5).fill(429)]);
  }, 30_000);

  it('4. kill -9 of a replica under load: no write lost or doubled, its sockets re-link elsewhere within 5 s, its job finishes elsewhere with one server', async () => {
    const victim = fleet.names[1];
    const survivors = fleet.names.filter((name) => name !== victim);
    // Two linked and logged-in sockets on every replica.
    const browsers = await Promise.all([...fleet.names, ...fleet.names].map((name) => linked(name)));
    const onVictim = browsers.filter((_, index) => fleet.names[index % fleet.names.length] === victim);
    await eventually('every socket linked at the remote', async () => (await remote.connectedSockets()) >= 6);
    const linksBefore = await remote.connectedSockets();

    // A job in flight on the victim: its server is booting.
    const started = await provision(fleet.replica(victim).api, `survivor-${randomUUID().slice(0, 8)}`);
    expect(started.status).toBe(202);
    const jobId: string = started.body.id;
    await eventually('the job waits for its server', async () => {
      const job = (await fleet.api.get(`/api/provisioning/jobs/${jobId}`, { token: admin })).body;
      return job.steps[1].status === 'running';
    });

    const load = startLoad();
    await sleep(1_500);
    // Each socket the kill cuts comes back the way the console does: a new socket through the balancer.
    const relinked: number[] = [];
    const phases: string[] = [];
    const relinks = onVictim.map(async (browser) => {
      await browser.next('disconnect', () => true, 0, 10_000);
      const disconnectedAt = Date.now();
      const again = await connect();
      const connectedAt = Date.now();
      await link(again);
      relinked.push(Date.now());
      phases.push(
        `disconnect +${disconnectedAt - killedAt}, connect +${connectedAt - killedAt}, linked +${Date.now() - killedAt}`,
      );
    });
    const killedAt = Date.now();
    expect(await fleet.signal(victim, 'SIGKILL')).toBeNull();
    const deadAt = Date.now();
    await Promise.all(relinks);
    const relinkMs = Math.max(...relinked) - killedAt;
    const job = await finished(jobId, 40_000);
    await sleep(1_000);
    const calls = await load.stop();

    const linksAfter = await eventuallyValue(
      () => remote.connectedSockets(),
      (links) => links === linksBefore,
    );
    const resumedBy = loggedBy('Resuming provisioning job', jobId);
    const servers = (await hetzner.servers()).filter(
      (server) => (server['labels'] as Record<string, string>)['agent-controller/job'] === jobId,
    );
    // A request in flight when the process died (between the signal and its exit) may have written or not, and
    // the balancer can only close its connection or answer 502: counted apart. Every other one is a 2xx.
    const cut = (call: Call) => call.startedAt <= deadAt && call.endedAt >= killedAt && [0, 502].includes(call.status);
    const failed = calls.filter((call) => call.status >= 300 || call.status === 0).filter((call) => !cut(call));
    const creates = calls.filter((call) => call.kind === 'create');
    const acknowledged = creates.filter((call) => call.status === 201);
    const cutCreates = creates.filter(cut);
    const rows = await clientRowsNamed(`load-${load.run}-%`);
    const duplicates = [...rows.values()].filter((count) => count > 1).length;
    process.stdout.write(
      `test 4: kill -9 of ${victim}: ${creates.length} writes sent, ${acknowledged.length} acknowledged, ` +
        `${rows.size} rows, ${duplicates} duplicates, ${cutCreates.length} cut by the kill ` +
        `(${cutCreates.filter((call) => rows.has(call.name ?? '')).length} of them written); ` +
        `${calls.length - creates.length} reads, ${calls.filter(cut).length - cutCreates.length} cut; ` +
        `${failed.length} other failures; ${onVictim.length} sockets re-linked after ${relinkMs} ms ` +
        `(${phases.join('; ')}); job ${job.status} on ${resumedBy.join(', ') || 'no survivor'} ` +
        `${job.finishedAt ? Date.parse(job.finishedAt) - killedAt : '-'} ms after the kill, ${servers.length} server(s)\n`,
    );

    // Sockets: the victim's came back within 5 s, through the others; no other socket noticed anything.
    expect(relinkMs).toBeLessThanOrEqual(5_000);
    for (const browser of browsers.filter((candidate) => !onVictim.includes(candidate))) {
      expect(browser.names()).not.toContain('disconnect');
    }
    expect(linksAfter).toBe(linksBefore);

    // The job: resumed by a survivor and finished, with exactly one server at the cloud.
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    expect(resumedBy).toHaveLength(1);
    expect(survivors).toContain(resumedBy[0]);
    expect(servers.map((server) => String(server.id))).toEqual([job.server.id]);

    // Writes against rows: each acknowledged once, none doubled, none from nowhere.
    expect(failed.map((call) => relativeTo(call, killedAt, deadAt))).toEqual([]);
    expect(acknowledged.filter((call) => rows.get(call.name ?? '') !== 1)).toEqual([]);
    expect(duplicates).toBe(0);
    const requested = new Set(creates.map((call) => call.name));
    expect([...rows.keys()].filter((name) => !requested.has(name))).toEqual([]);
    // At most one write per writer was in flight.
    expect(cutCreates.length).toBeLessThanOrEqual(2);
    await fleet.restart(victim);
  }, 90_000);

  it('5. exactly one replica leads the prober and the reconciler at any time; when the leader dies another takes over within one interval', async () => {
    const tasks = ['prober', 'reconciler'] as const;
    const intervalMs = { prober: HEALTH_INTERVAL_S * 1000, reconciler: RECONCILE_INTERVAL_S * 1000 };
    /** Per sample: which replicas' gauges say they lead each task (a dead replica says nothing). */
    const samples: { at: number; leaders: Record<string, string[]> }[] = [];
    const sample = async () => {
      const live = fleet.names.filter((name) => fleet.replica(name).controller.process.exitCode === null);
      const scraped = await Promise.all(
        live.map(async (name) => ({
          name,
          text: await fleet
            .replica(name)
            .direct.get('/metrics', { token: admin })
            .then(
              (response) => (response.status === 200 ? response.text : ''),
              () => '',
            ),
        })),
      );
      const leaders = Object.fromEntries(
        tasks.map((task) => [
          task,
          scraped
            .filter(({ text }) => text.includes(`agent_controller_leader{task="${task}"} 1`))
            .map(({ name }) => name),
        ]),
      );
      samples.push({ at: Date.now(), leaders });
      return leaders;
    };

    // Steady state over a couple of intervals: one leader per task, always the same.
    for (let round = 0; round < 10; round++) {
      await sample();
      await sleep(300);
    }
    const before = samples.slice();
    for (const task of tasks) {
      expect(before.map((entry) => entry.leaders[task].length)).toEqual(before.map(() => 1));
      expect(new Set(before.map((entry) => entry.leaders[task][0])).size).toBe(1);
    }
    const leader = before[0].leaders['prober'][0];
    const orphaned = tasks.filter((task) => before[0].leaders[task][0] === leader);

    const killedAt = Date.now();
    expect(await fleet.signal(leader, 'SIGKILL')).toBeNull();
    const after: typeof samples = [];
    while (Date.now() - killedAt < 2 * Math.max(...Object.values(intervalMs))) {
      const leaders = await sample();
      after.push(samples[samples.length - 1]);
      if (orphaned.every((task) => leaders[task].length === 1)) break;
      await sleep(100);
    }
    // The moment each survivor took a task over, from its own log line (pino's `time`).
    const takeover = Object.fromEntries(
      orphaned.map((task) => {
        const line = fleet.names
          .filter((name) => name !== leader)
          .flatMap((name) => fleet.replica(name).controller.output().split('\n'))
          .find((candidate) => candidate.includes(`This replica now leads ${task}`));
        const loggedAt = Number(/"time":(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN);
        return [task, loggedAt - killedAt];
      }),
    );
    const newLeaders = Object.fromEntries(tasks.map((task) => [task, after.at(-1)?.leaders[task]]));
    process.stdout.write(
      `test 5: ${leader} led ${orphaned.join(' and ')} (${before.length} samples, one leader each); after its ` +
        `kill -9: ${orphaned
          .map(
            (task) =>
              `${task} taken over by ${newLeaders[task]} after ${takeover[task]} ms ` +
              `(interval ${intervalMs[task]} ms)`,
          )
          .join(', ')}; ${samples.length} samples, most leaders in one: ` +
        `${Math.max(...samples.flatMap((entry) => tasks.map((task) => entry.leaders[task].length)))}\n`,
    );

    // Never two at once; after the takeover exactly one again, a survivor; each within one interval.
    for (const task of tasks) expect(samples.filter((entry) => entry.leaders[task].length > 1)).toEqual([]);
    for (const task of orphaned) {
      expect(newLeaders[task]).toHaveLength(1);
      expect(newLeaders[task]).not.toContain(leader);
      expect(takeover[task]).toBeLessThanOrEqual(intervalMs[task]);
    }
    await fleet.restart(leader);
  }, 60_000);

  it('6. SIGTERM of a replica under load: every request that started is answered', async () => {
    const leaving = fleet.names[2];
    const load = startLoad();
    await sleep(1_500);
    const signalledAt = Date.now();
    const exitCode = await fleet.signal(leaving, 'SIGTERM');
    const exitedAt = Date.now();
    await sleep(1_000);
    const calls = await load.stop();
    const failed = calls.filter((call) => call.status >= 300 || call.status === 0);
    const rows = await clientRowsNamed(`load-${load.run}-%`);
    const creates = calls.filter((call) => call.kind === 'create');
    // While it reported not-ready and drained, the leaving replica still answered what reached it.
    const answeredWhileLeaving = calls.filter((call) => call.servedBy === leaving && call.startedAt >= signalledAt);
    process.stdout.write(
      `test 6: SIGTERM of ${leaving}: exit ${exitCode} after ${exitedAt - signalledAt} ms; ${calls.length} requests ` +
        `(${creates.length} writes, ${rows.size} rows), ${answeredWhileLeaving.length} answered by ${leaving} ` +
        `after the signal, ${failed.length} failed\n`,
    );

    expect(exitCode).toBe(0);
    expect(failed.map((call) => relativeTo(call, signalledAt, exitedAt))).toEqual([]);
    expect(creates.filter((call) => rows.get(call.name ?? '') !== 1)).toEqual([]);
    expect(rows.size).toBe(creates.length);
    expect(answeredWhileLeaving.length).toBeGreaterThan(0);
  }, 60_000);

  /** Rows of `clients` per name, read straight from the database. */
  async function clientRowsNamed(pattern: string): Promise<Map<string, number>> {
    const database = new Client({ connectionString: fleet.database.env['DATABASE_URL'] });
    await database.connect();
    try {
      const { rows } = await database.query<{ name: string; count: string }>(
        'SELECT name, count(*) AS count FROM clients WHERE name LIKE $1 GROUP BY name',
        [pattern],
      );
      return new Map(rows.map((row) => [row.name, Number(row.count)]));
    } finally {
      await database.end();
    }
  }
});
