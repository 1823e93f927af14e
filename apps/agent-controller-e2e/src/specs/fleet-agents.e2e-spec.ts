import { RunningController, startController } from '../support/controller-process';
import { expectErrorBody } from '../support/error-body';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, simulatorClient, startSimulator } from '../support/simulator-process';

const PASSWORD = 'correct horse battery';

/** Creates an agent on the simulated remote directly, as someone using that agent-manager elsewhere would. */
async function createRemoteAgent(
  remote: RunningSimulator,
  body: { name: string; description?: string; agentType?: string },
): Promise<string> {
  const response = await fetch(`${remote.url}/api/agents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${remote.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`agent create answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

async function deleteRemoteAgent(remote: RunningSimulator, agentId: string): Promise<void> {
  const response = await fetch(`${remote.url}/api/agents/${agentId}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${remote.apiKey}` },
  });
  if (response.status !== 204) throw new Error(`agent delete answered ${response.status}`);
}

/** Polls until `check` passes (the prober runs every half second here). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const remoteArgs = ['--git-repository-url', 'https://git.example.com/fleet.git'];

/**
 * `GET /api/agents`: the health prober keeps a snapshot of each healthy client's agents in the database, and the
 * list serves it permission-filtered, searchable and paged, with the snapshot's time.
 */
describe('fleet-wide agents', () => {
  let controller: RunningController;
  let north: RunningSimulator;
  let south: RunningSimulator;
  let api: Api;
  let admin: string;
  let stranger: string;
  let northId: string;
  let southId: string;
  const agentIds: Record<string, string> = {};

  const list = (query = '', token = admin) => api.get(`/api/agents${query}`, { token });
  const names = (response: { body: { name: string }[] }) => response.body.map((agent) => agent.name);

  beforeAll(async () => {
    [controller, north, south] = await Promise.all([
      startController({ env: { CLIENT_HEALTH_INTERVAL: '1' } }),
      startSimulator({ apiKey: 'north-remote-key-1234', args: remoteArgs }),
      startSimulator({ apiKey: 'south-remote-key-1234', args: remoteArgs }),
    ]);
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    const user = await api.post('/api/users', { email: 'stranger@example.com', password: PASSWORD }, { token: admin });
    expect(user.status).toBe(201);
    stranger = (await api.post('/api/auth/login', { email: 'stranger@example.com', password: PASSWORD })).body
      .accessToken;
    agentIds['ada'] = await createRemoteAgent(north, { name: 'Ada', description: 'Writes the docs' });
    agentIds['bob'] = await createRemoteAgent(north, { name: 'Bob', agentType: 'opencode' });
    agentIds['cy'] = await createRemoteAgent(south, { name: 'Cy', description: 'Reviews north-bound changes' });
    const created = await Promise.all([
      api.post('/api/clients', simulatorClient(north, 'North fleet'), { token: admin }),
      api.post('/api/clients', simulatorClient(south, 'South fleet'), { token: admin }),
    ]);
    expect(created.map((response) => response.status)).toEqual([201, 201]);
    [northId, southId] = created.map((response) => response.body.id);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([controller?.stop(), north?.stop(), south?.stop()]);
  });

  it('lists the agents of both remotes after a probe round, with their client and the snapshot time', async () => {
    const response = await eventually(
      () => list(),
      (answer) => answer.status === 200 && answer.body.length === 3,
    );
    expect(response.headers.get('x-total-count')).toBe('3');
    expect(names(response)).toEqual(['Ada', 'Bob', 'Cy']);
    const ada = response.body[0];
    expect(ada).toEqual({
      id: agentIds['ada'],
      name: 'Ada',
      description: 'Writes the docs',
      agentType: 'cursor',
      containerType: 'generic',
      running: null,
      stateReportedAt: null,
      createdAt: expect.any(String),
      client: { id: northId, name: 'North fleet' },
      snapshotAt: expect.any(String),
    });
    expect(Date.now() - Date.parse(ada.snapshotAt)).toBeLessThan(10_000);
    expect(response.body[2].client).toEqual({ id: southId, name: 'South fleet' });
  });

  it('filters by search (agent name, description or client name, any case), client and agent type, and pages', async () => {
    expect(names(await list('?search=NORTH'))).toEqual(['Ada', 'Bob', 'Cy']);
    expect(names(await list('?search=docs'))).toEqual(['Ada']);
    expect(names(await list('?search=south'))).toEqual(['Cy']);
    expect(names(await list(`?clientId=${southId}`))).toEqual(['Cy']);
    expect(names(await list('?agentType=opencode'))).toEqual(['Bob']);
    expect(names(await list(`?clientId=${northId}&agentType=cursor`))).toEqual(['Ada']);
    const page = await list('?limit=1&offset=1');
    expect([names(page), page.headers.get('x-total-count')]).toEqual([['Bob'], '3']);
    const types = await api.get('/api/agents/types', { token: admin });
    expect(types.body).toEqual([
      { agentType: 'cursor', count: 2 },
      { agentType: 'opencode', count: 1 },
    ]);
  });

  it('refuses bad filters with a 400 naming the field', async () => {
    expectErrorBody(await list('?clientId=not-a-uuid'), {
      status: 400,
      code: 'VALIDATION_FAILED',
      field: { name: 'clientId', location: 'query' },
    });
    expectErrorBody(await list('?limit=0'), {
      status: 400,
      code: 'VALIDATION_FAILED',
      field: { name: 'limit', location: 'query' },
    });
    expectErrorBody(await list(`?search=${'x'.repeat(300)}`), {
      status: 400,
      code: 'VALIDATION_FAILED',
      field: { name: 'search', location: 'query' },
    });
    expect((await list('?sort=name')).status).toBe(400);
  });

  it("shows a user none of a client's agents until they are a member, then only that client's", async () => {
    const before = await list('', stranger);
    expect([before.status, before.body, before.headers.get('x-total-count')]).toEqual([200, [], '0']);
    expect((await list(`?clientId=${northId}`, stranger)).body).toEqual([]);
    expect((await api.get('/api/agents/types', { token: stranger })).body).toEqual([]);

    const added = await api.post(
      `/api/clients/${southId}/users`,
      { email: 'stranger@example.com', role: 'user' },
      { token: admin },
    );
    expect(added.status).toBe(201);
    expect(names(await list('', stranger))).toEqual(['Cy']);
    expect((await list(`?clientId=${northId}`, stranger)).body).toEqual([]);
  });

  it('follows the remote: a new agent appears and a deleted one goes at the next round', async () => {
    agentIds['dee'] = await createRemoteAgent(north, { name: 'Dee' });
    await deleteRemoteAgent(north, agentIds['bob']);
    await eventually(
      () => list(`?clientId=${northId}`),
      (answer) => JSON.stringify(names(answer)) === JSON.stringify(['Ada', 'Dee']),
    );
  });

  it('keeps the last snapshot, with its time, of a remote that went down', async () => {
    const before = (await list(`?clientId=${southId}`)).body[0];
    await south.stop();
    await eventually(
      () => api.get(`/api/clients/${southId}`, { token: admin }),
      (answer) => answer.body.health.state === 'unreachable',
    );
    // Rounds go on for the other client while this one is down.
    const northBefore = (await list(`?clientId=${northId}`)).body[0].snapshotAt;
    const northAfter = await eventually(
      () => list(`?clientId=${northId}`),
      (answer) => answer.body[0].snapshotAt !== northBefore,
    );
    const after = (await list(`?clientId=${southId}`)).body;
    expect(after).toEqual([before]);
    expect(Date.parse(after[0].snapshotAt)).toBeLessThan(Date.parse(northAfter.body[0].snapshotAt));
  });

  it("drops a deleted client's agents with it", async () => {
    const deleted = await api.delete(`/api/clients/${northId}`, { token: admin });
    expect(deleted.status).toBe(204);
    const response = await list();
    expect(names(response)).toEqual(['Cy']);
    expect(response.headers.get('x-total-count')).toBe('1');
  });
});
