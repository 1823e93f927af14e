import { randomBytes, randomUUID } from 'node:crypto';
import { connect, createServer, Server, Socket } from 'node:net';
import Redis from 'ioredis';
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { RunningCloudSimulator, startCloudSimulator } from '../support/cloud-simulator-process';
import { freePort, RunningController, startController } from '../support/controller-process';
import { GatewayClient } from '../support/gateway-client';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, simulatorClient, startSimulator } from '../support/simulator-process';

/** Replicas need a shared PostgreSQL server and Redis (CI sets both). */
const REDIS_URL = process.env['TEST_REDIS_URL'];
const describeReplicas = REDIS_URL && process.env['TEST_DATABASE_URL'] ? describe : describe.skip;

const PASSWORD = 'correct horse battery';
/** What the issue asks of an access change made on another replica. */
const ACCESS_DEADLINE_MS = 2_000;

/** A TCP relay to Redis that the test opens and closes: Redis "goes away" for one replica only. */
class RedisRelay {
  private server: Server | null = null;
  private readonly connections = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: URL,
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(Number(this.target.port || 6379), this.target.hostname);
      for (const end of [client, upstream]) {
        this.connections.add(end);
        end.on('error', () => undefined);
        end.on('close', () => {
          this.connections.delete(end);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeReplicas('the gateway across replicas (one PostgreSQL database, one Redis)', () => {
  const prefix = `ac-test-${randomUUID()}:`;
  let hetzner: RunningCloudSimulator;
  let remote: RunningSimulator;
  let database: TestDatabase;
  let a: RunningController;
  let b: RunningController;
  let apiA: Api;
  let apiB: Api;
  let admin: string;
  let clientId: string;
  const open: GatewayClient[] = [];

  /** Replicas share their secrets, so a token one signs is good on the other. */
  const sharedEnv = () => ({
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    JWT_SECRET: randomBytes(48).toString('base64url'),
    // Long enough that only an event can explain an access change seen within 2 s.
    GATEWAY_ACCESS_RECHECK_SECONDS: '600',
    CLIENT_HEALTH_INTERVAL: '86400',
    HETZNER_API_TOKEN: hetzner.token,
    HETZNER_API_URL: hetzner.url,
    PROVISIONING_ENDPOINT_TEMPLATE: 'http://{ip}:3000',
    PROVISIONING_AGENT_WS_PORT: '8080',
    PROVISIONING_POLL_INTERVAL_MS: '150',
  });
  let env: ReturnType<typeof sharedEnv>;

  async function socketTo(controller: RunningController, token: string): Promise<GatewayClient> {
    const browser = await GatewayClient.connect(controller.baseUrl, `Bearer ${token}`);
    open.push(browser);
    return browser;
  }

  async function linkedTo(controller: RunningController, token: string, target = clientId): Promise<GatewayClient> {
    const browser = await socketTo(controller, token);
    browser.emit('setClient', { clientId: target });
    await browser.next('setClientSuccess', () => true, 0, 10_000);
    return browser;
  }

  /** A user made through `api`, logged in through the other replica (the token is good on both). */
  async function user(api: Api, name: string): Promise<{ id: string; email: string; token: string }> {
    const email = `${name}-${randomUUID().slice(0, 8)}@example.com`;
    const created = await api.post('/api/users', { email, password: PASSWORD }, { token: admin });
    expect(created.status).toBe(201);
    const other = api === apiA ? apiB : apiA;
    const token = (await other.post('/api/auth/login', { email, password: PASSWORD })).body.accessToken;
    return { id: created.body.id, email, token };
  }

  beforeAll(async () => {
    [hetzner, remote] = await Promise.all([
      startCloudSimulator('hetzner', ['--boot-ms', '300']),
      startSimulator({ apiKey: 'replicas-gateway-key' }),
    ]);
    env = sharedEnv();
    database = await createTestDatabase('server');
    a = await startController({ env, database });
    apiA = new Api(a.baseUrl);
    admin = await setUpFirstAdmin(apiA, a.setupToken());
    b = await startController({ env, database });
    apiB = new Api(b.baseUrl);
    const created = await apiA.post('/api/clients', simulatorClient(remote, 'Replicated remote'), { token: admin });
    expect(created.status).toBe(201);
    clientId = created.body.id;
  }, 180_000);

  afterEach(async () => {
    for (const browser of open.splice(0)) browser.close();
    await remote.setFaults({ status5xx: null, pathPattern: null });
  });

  afterAll(async () => {
    await b?.stop({ keepData: true });
    await a?.stop({ keepData: true });
    await database?.drop();
    await Promise.all([hetzner?.stop(), remote?.stop()]);
    if (!REDIS_URL) return;
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('says in readiness that Redis is connected', async () => {
    for (const api of [apiA, apiB]) {
      const ready = await api.get('/api/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details.redis).toEqual({ status: 'up', state: 'connected' });
    }
  });

  it("brings a job's progress run by replica B to its owner's socket on replica A, each change once", async () => {
    const onA = await socketTo(a, admin);
    const onB = await socketTo(b, admin);
    const started = await apiB.post(
      '/api/clients/provisioning/provision',
      {
        providerType: 'hetzner',
        serverType: 'cx23',
        location: 'fsn1',
        name: `replicated-${randomUUID().slice(0, 8)}`,
        authenticationType: 'api_key',
        gitRepositoryUrl: 'https://git.example.com/agents.git',
      },
      { token: admin },
    );
    expect(started.status).toBe(202);
    const jobId = started.body.id;
    const ofJob = (payload: { id: string; status: string }) => payload.id === jobId && payload.status !== 'running';

    const finished = await onA.next('provisioningProgress', ofJob, 0, 60_000);
    expect(finished.status).toBe('succeeded');
    await onB.next('provisioningProgress', ofJob, 0, 5_000);
    // No event twice: the bus delivers once per replica, and each replica emits to its own sockets only.
    const progressOf = (browser: GatewayClient) =>
      browser.received
        .filter((entry) => entry.event === 'provisioningProgress' && entry.payload.id === jobId)
        .map((entry) => JSON.stringify(entry.payload));
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const browser of [onA, onB]) {
      const progress = progressOf(browser);
      expect(new Set(progress).size).toBe(progress.length);
      expect(progress.filter((payload) => JSON.parse(payload).status === 'succeeded')).toHaveLength(1);
    }
    expect(progressOf(onA)).toEqual(progressOf(onB));
  });

  it('brings a health change that replica B found to sockets linked to that client on replica A', async () => {
    const linked = await linkedTo(a, admin);
    const unlinked = await socketTo(a, admin);
    await remote.setFaults({ status5xx: 503, pathPattern: '^/api/health' });

    const verified = await apiB.post(`/api/clients/${clientId}/verify`, undefined, { token: admin });
    const changed = await linked.next('clientHealth', () => true, 0, 5_000);
    expect(changed).toEqual({ clientId, from: 'healthy', health: verified.body.health });
    expect(changed.health.state).not.toBe('healthy');

    await remote.setFaults({ status5xx: null, pathPattern: null });
    await apiB.post(`/api/clients/${clientId}/verify`, undefined, { token: admin });
    const back = await linked.next('clientHealth', (payload) => payload.health.state === 'healthy', 0, 5_000);
    expect(back.from).toBe(changed.health.state);
    expect(unlinked.names()).not.toContain('clientHealth');
  });

  it('closes the link on replica A within 2 s when the membership is removed through replica B', async () => {
    const member = await user(apiB, 'member');
    const added = await apiB.post(
      `/api/clients/${clientId}/users`,
      { email: member.email, role: 'user' },
      { token: admin },
    );
    expect(added.status).toBe(201);
    const browser = await linkedTo(a, member.token);
    const bystander = await linkedTo(a, admin);

    const removedAt = Date.now();
    expect((await apiB.delete(`/api/clients/${clientId}/users/${added.body.id}`, { token: admin })).status).toBe(204);
    const refusal = await browser.next('error', (payload) => payload.event === 'accessCheck', 0, ACCESS_DEADLINE_MS);
    const tookMs = Date.now() - removedAt;
    expect(refusal.error.code).toBe('NOT_FOUND');
    expect(tookMs).toBeLessThan(ACCESS_DEADLINE_MS);

    // The link is gone: forwarding needs a client again. The admin's link on the same client stays.
    browser.emit('forward', { event: 'login' });
    expect((await browser.next('error', (payload) => payload.event === 'forward')).error.code).toBe(
      'NO_CLIENT_SELECTED',
    );
    expect(bystander.names()).not.toContain('error');
  });

  it("disconnects a locked user's sockets on every replica", async () => {
    const locked = await user(apiA, 'locked');
    const [onA, onB] = [await socketTo(a, locked.token), await socketTo(b, locked.token)];

    const lockedAt = Date.now();
    expect((await apiB.post(`/api/users/${locked.id}/lock`, undefined, { token: admin })).status).toBe(200);
    for (const browser of [onA, onB]) {
      expect(await browser.next('disconnect', () => true, 0, ACCESS_DEADLINE_MS)).toBe('io server disconnect');
    }
    expect(Date.now() - lockedAt).toBeLessThan(ACCESS_DEADLINE_MS);
    expect(onA.received.find((entry) => entry.event === 'error')?.payload.event).toBe('accessCheck');
  });

  describe('a replica whose Redis is away', () => {
    let relay: RedisRelay;
    let c: RunningController;
    let apiC: Api;

    beforeAll(async () => {
      relay = new RedisRelay(await freePort(), new URL(REDIS_URL ?? ''));
      // Nothing listens on the relay's port yet: the replica starts without Redis.
      c = await startController({ env: { ...env, REDIS_URL: `redis://127.0.0.1:${relay.port}` }, database });
      apiC = new Api(c.baseUrl);
    }, 120_000);

    afterAll(async () => {
      await c?.stop({ keepData: true });
      await relay?.close();
    });

    it('serves REST, is ready with Redis degraded, and still tells its own sockets', async () => {
      expect((await apiC.get('/api/clients', { token: admin })).status).toBe(200);
      const ready = await apiC.get('/api/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details.redis).toMatchObject({ status: 'up', state: 'degraded' });
      expect(ready.body.details.redis.message).toMatch(/Redis is unreachable/);

      // An event raised here reaches this replica's sockets without Redis.
      const locked = await user(apiA, 'local');
      const browser = await socketTo(c, locked.token);
      expect((await apiC.post(`/api/users/${locked.id}/lock`, undefined, { token: admin })).status).toBe(200);
      expect(await browser.next('disconnect', () => true, 0, ACCESS_DEADLINE_MS)).toBe('io server disconnect');

      expect(c.process.exitCode).toBeNull();
      expect(c.output()).not.toMatch(/Unhandled|uncaught/i);
      // Logged once per outage (when the publish to Redis has failed, which may come after the local delivery);
      // the events are sent when Redis is back.
      const waiting = () => c.output().match(/Events wait on this replica/g)?.length ?? 0;
      await eventually(async () => waiting() > 0);
      expect(waiting()).toBe(1);
    });

    it('joins the fleet by itself once Redis is back: readiness connected, events from the others arrive', async () => {
      await relay.open();
      await eventually(async () => (await apiC.get('/api/health/ready')).body.details?.redis?.state === 'connected');
      // Subscribed again: the other replicas' events reach this one's sockets.
      const probe = new Redis(REDIS_URL ?? '');
      try {
        await eventually(async () => {
          const [, subscribers] = (await probe.pubsub('NUMSUB', `${prefix}events`)) as [string, number];
          return Number(subscribers) === 3;
        });
      } finally {
        probe.disconnect();
      }
      const locked = await user(apiA, 'back');
      const browser = await socketTo(c, locked.token);
      expect((await apiB.post(`/api/users/${locked.id}/lock`, undefined, { token: admin })).status).toBe(200);
      expect(await browser.next('disconnect', () => true, 0, ACCESS_DEADLINE_MS)).toBe('io server disconnect');
    });
  });
});
