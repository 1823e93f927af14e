import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { RunningController, startController } from '../support/controller-process';
import { GatewayClient } from '../support/gateway-client';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, simulatorClient, startSimulator } from '../support/simulator-process';

/** Two replicas on one PostgreSQL server; without REDIS_URL their events cross by PostgreSQL NOTIFY. */
const describeReplicas = process.env['TEST_DATABASE_URL'] ? describe : describe.skip;

const PASSWORD = 'correct horse battery';
/** What the issue asks of a change made in one console to show in another. */
const LIVE_DEADLINE_MS = 2_000;

describeReplicas('live fleet for watching consoles, across two replicas (PostgreSQL NOTIFY)', () => {
  let remote: RunningSimulator;
  let database: TestDatabase;
  let a: RunningController;
  let b: RunningController;
  let apiA: Api;
  let apiB: Api;
  let admin: string;
  const open: GatewayClient[] = [];

  /** A socket on `controller` that watches the fleet. */
  async function watching(controller: RunningController, token: string): Promise<GatewayClient> {
    const browser = await GatewayClient.connect(controller.baseUrl, `Bearer ${token}`);
    open.push(browser);
    browser.emit('watchFleet');
    expect(await browser.next('watchFleetSuccess')).toEqual({ watching: true });
    return browser;
  }

  async function user(name: string): Promise<{ id: string; email: string; token: string }> {
    const email = `${name}-${randomUUID().slice(0, 8)}@example.com`;
    const created = await apiB.post('/api/users', { email, password: PASSWORD }, { token: admin });
    expect(created.status).toBe(201);
    const token = (await apiA.post('/api/auth/login', { email, password: PASSWORD })).body.accessToken;
    return { id: created.body.id, email, token };
  }

  /** Waits for `event` about `clientId` on `browser`, from index `from`, and says how long it took from `since`. */
  async function within(
    browser: GatewayClient,
    event: string,
    matches: (payload: any) => boolean, // eslint-disable-line @typescript-eslint/no-explicit-any -- event payloads are read loosely
    since: number,
    from = 0,
  ) {
    const payload = await browser.next(event, matches, from, LIVE_DEADLINE_MS);
    expect(Date.now() - since).toBeLessThan(LIVE_DEADLINE_MS);
    return payload;
  }

  beforeAll(async () => {
    remote = await startSimulator({ apiKey: 'fleet-watch-key' });
    database = await createTestDatabase('server');
    const env = {
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      JWT_SECRET: randomBytes(48).toString('base64url'),
      // Only a verify checks a client here, and only events can explain what a console learns within 2 s.
      CLIENT_HEALTH_INTERVAL: '86400',
      GATEWAY_ACCESS_RECHECK_SECONDS: '600',
    };
    a = await startController({ env, database });
    apiA = new Api(a.baseUrl);
    admin = await setUpFirstAdmin(apiA, a.setupToken());
    b = await startController({ env, database });
    apiB = new Api(b.baseUrl);
  }, 180_000);

  afterEach(async () => {
    for (const browser of open.splice(0)) browser.close();
    await remote.setFaults({ status5xx: null, pathPattern: null });
  });

  afterAll(async () => {
    await b?.stop({ keepData: true });
    await a?.stop({ keepData: true });
    await database?.drop();
    await remote?.stop();
  });

  it('tells watchers on replica A of changes made through replica B, each only about clients its user may see', async () => {
    const [alice, stranger] = [await user('alice'), await user('stranger')];
    const adminOnA = await watching(a, admin);
    const aliceOnA = await watching(a, alice.token);
    const strangerOnA = await watching(a, stranger.token);
    const adminOnB = await watching(b, admin);

    // Created through B: the admins on both replicas hear of it, with the row as the API shows it.
    let since = Date.now();
    const created = await apiB.post('/api/clients', simulatorClient(remote, `live-${randomUUID().slice(0, 8)}`), {
      token: admin,
    });
    expect(created.status).toBe(201);
    const clientId: string = created.body.id;
    const ofClient = (payload: { client?: { id: string }; clientId?: string }) =>
      (payload.client?.id ?? payload.clientId) === clientId;
    const added = await within(adminOnA, 'clientAdded', ofClient, since);
    expect(added.client).toMatchObject({ id: clientId, name: created.body.name, status: 'active' });
    expect(added.client.apiKey).toBeUndefined();
    await within(adminOnB, 'clientAdded', ofClient, since);

    // Alice becomes a member: the client appears in her console.
    since = Date.now();
    const membership = await apiB.post(
      `/api/clients/${clientId}/users`,
      { email: alice.email, role: 'user' },
      { token: admin },
    );
    expect(membership.status).toBe(201);
    await within(aliceOnA, 'clientAdded', ofClient, since);

    // Renamed: both who may see it get the new row.
    since = Date.now();
    const renamed = `renamed-${randomUUID().slice(0, 8)}`;
    expect((await apiB.patch(`/api/clients/${clientId}`, { name: renamed }, { token: admin })).status).toBe(200);
    for (const browser of [adminOnA, aliceOnA]) {
      expect((await within(browser, 'clientUpdated', ofClient, since)).client.name).toBe(renamed);
    }

    // The remote fails its health check: the state change with its reason; a routine check after it.
    await remote.setFaults({ status5xx: 503, pathPattern: '^/api/health' });
    since = Date.now();
    const verified = await apiB.post(`/api/clients/${clientId}/verify`, undefined, { token: admin });
    for (const browser of [adminOnA, aliceOnA]) {
      // (Its first check on create, unknown → healthy, was told too.)
      const health = await within(browser, 'clientHealth', (p) => ofClient(p) && p.from === 'healthy', since);
      expect(health).toEqual({ clientId, from: 'healthy', health: verified.body.health });
      expect(health.health.reason).toBeTruthy();
    }
    since = Date.now();
    const again = await apiB.post(`/api/clients/${clientId}/verify`, undefined, { token: admin });
    const checked = await within(
      aliceOnA,
      'clientsChecked',
      (payload) => payload.checks.some((check: { clientId: string }) => check.clientId === clientId),
      since,
    );
    expect(checked.checks).toEqual([{ clientId, health: again.body.health }]);

    // Alice's membership removed: she hears the client is gone, and nothing of it afterwards.
    since = Date.now();
    expect((await apiB.delete(`/api/clients/${clientId}/users/${membership.body.id}`, { token: admin })).status).toBe(
      204,
    );
    await within(aliceOnA, 'clientRemoved', ofClient, since);
    const aliceSeen = aliceOnA.received.length;

    // Deactivated: the admin sees the new status; Alice learns nothing more.
    since = Date.now();
    expect((await apiB.post(`/api/clients/${clientId}/status`, { status: 'inactive' }, { token: admin })).status).toBe(
      200,
    );
    expect(
      (await within(adminOnA, 'clientUpdated', (p) => ofClient(p) && p.client.status === 'inactive', since)).client
        .status,
    ).toBe('inactive');

    // Deleted: every watcher hears of the removal (the id alone tells nothing).
    since = Date.now();
    expect((await apiB.delete(`/api/clients/${clientId}`, { token: admin })).status).toBe(204);
    await within(adminOnA, 'clientRemoved', ofClient, since);
    await within(adminOnB, 'clientRemoved', ofClient, since);
    await within(strangerOnA, 'clientRemoved', ofClient, since);

    // The stranger never heard anything else of this client, nor Alice after her removal.
    expect(strangerOnA.names()).toEqual(['watchFleetSuccess', 'clientRemoved']);
    expect(aliceOnA.received.slice(aliceSeen).map((entry) => entry.event)).toEqual(['clientRemoved']);
  });

  it('tells a console whose user was made an admin on the other replica to read again, then what an admin sees', async () => {
    const bob = await user('bob');
    const bobOnA = await watching(a, bob.token);
    const carolOnA = await watching(a, (await user('carol')).token);

    let since = Date.now();
    expect((await apiB.post(`/api/users/${bob.id}`, { role: 'admin' }, { token: admin })).status).toBe(200);
    expect(await within(bobOnA, 'fleetResync', () => true, since)).toEqual({ reason: 'access_changed' });

    // An admin now: a client someone else registers reaches Bob's console, and still not Carol's.
    since = Date.now();
    const created = await apiB.post('/api/clients', simulatorClient(remote, `promoted-${randomUUID().slice(0, 8)}`), {
      token: admin,
    });
    await within(bobOnA, 'clientAdded', (payload) => payload.client.id === created.body.id, since);
    expect(carolOnA.names()).toEqual(['watchFleetSuccess']);
    await apiB.delete(`/api/clients/${created.body.id}`, { token: admin });
  });

  it('stops telling a console that sent unwatchFleet, and tells nothing to sockets that never watched', async () => {
    const notWatching = await GatewayClient.connect(a.baseUrl, `Bearer ${admin}`);
    open.push(notWatching);
    const stopped = await watching(a, admin);
    stopped.emit('unwatchFleet');
    expect(await stopped.next('watchFleetSuccess', (payload) => payload.watching === false)).toEqual({
      watching: false,
    });
    const still = await watching(a, admin);

    const since = Date.now();
    const created = await apiB.post('/api/clients', simulatorClient(remote, `quiet-${randomUUID().slice(0, 8)}`), {
      token: admin,
    });
    await within(still, 'clientAdded', (payload) => payload.client.id === created.body.id, since);
    expect(stopped.names()).toEqual(['watchFleetSuccess', 'watchFleetSuccess']);
    expect(notWatching.names()).toEqual([]);
    await apiB.delete(`/api/clients/${created.body.id}`, { token: admin });
  });
});
