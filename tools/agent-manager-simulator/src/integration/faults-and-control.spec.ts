import { request as httpRequest } from 'node:http';

import type { SimulatorHandle } from '../simulator';
import {
  AUTH,
  CONTROL_AUTH,
  createAgent,
  http,
  REPO,
  startTestSimulator,
  TEST_CONTROL_TOKEN,
} from '../testing/helpers';

/** Resolves with the status, or with the socket error code when the server drops the connection. */
function rawGet(url: string): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

describe('control API', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startTestSimulator();
  });

  afterAll(() => sim.close());

  it.each([
    ['no token', {}],
    ['a wrong token', { Authorization: 'Bearer wrong' }],
    ['the API key', AUTH],
  ])('refuses %s', async (_label, headers) => {
    const res = await http(sim).get('/_simulator/state').set(headers);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ message: 'Invalid or missing control token', error: 'Unauthorized', statusCode: 401 });
    expect((await http(sim).post('/_simulator/faults').set(headers).send({ status5xx: 503 })).status).toBe(401);
  });

  it('accepts the token as Bearer or X-Simulator-Token', async () => {
    expect((await http(sim).get('/_simulator/state').set(CONTROL_AUTH)).status).toBe(200);
    expect((await http(sim).get('/_simulator/faults').set('X-Simulator-Token', TEST_CONTROL_TOKEN)).status).toBe(200);
  });

  it('generates a control token when none is given', async () => {
    const other = await startTestSimulator({ controlToken: undefined });
    try {
      expect(other.controlToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const res = await http(other).get('/_simulator/state').set('Authorization', `Bearer ${other.controlToken}`);
      expect(res.status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('rejects invalid fault settings with 400', async () => {
    const res = await http(sim).post('/_simulator/faults').set(CONTROL_AUTH).send({ status5xx: 404 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Bad Request', statusCode: 400 });
  });

  it('answers unknown control paths with 404', async () => {
    expect((await http(sim).get('/_simulator/nope').set(CONTROL_AUTH)).status).toBe(404);
  });

  it('reports the state', async () => {
    await createAgent(sim, { name: 'visible' });
    const res = await http(sim).get('/_simulator/state').set(CONTROL_AUTH);
    expect(res.body).toMatchObject({
      options: { auth: 'api-key', production: false, rateLimit: { limit: 10000, ttlSeconds: 60, scope: 'route' } },
      faults: { latencyMs: 0, status5xx: null, dropConnections: false },
      config: { override: null, effective: { gitRepositoryUrl: REPO } },
      counts: { agents: 1, environmentVariables: 0 },
    });
    expect(res.body.agents[0]).toMatchObject({ name: 'visible' });
    expect(res.body.agents[0].password).toBeUndefined();
    expect(res.body.requests.total).toBeGreaterThan(0);
  });
});

describe('fault switches', () => {
  let sim: SimulatorHandle;

  beforeEach(async () => {
    sim = await startTestSimulator();
  });

  afterEach(() => sim.close());

  async function setFaults(body: Record<string, unknown>): Promise<void> {
    const res = await http(sim).post('/_simulator/faults').set(CONTROL_AUTH).send(body);
    expect(res.status).toBe(200);
  }

  it('delays requests (latency), health included, and stops when cleared', async () => {
    await setFaults({ latencyMs: 300 });
    let started = Date.now();
    expect((await http(sim).get('/api/health')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    started = Date.now();
    expect((await http(sim).get('/_simulator/state').set(CONTROL_AUTH)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(250);
    expect((await http(sim).delete('/_simulator/faults').set(CONTROL_AUTH)).body).toMatchObject({ latencyMs: 0 });
    started = Date.now();
    await http(sim).get('/api/health');
    expect(Date.now() - started).toBeLessThan(250);
  });

  it('answers with a 5xx status, before authentication, on every /api route', async () => {
    await setFaults({ status5xx: 503 });
    const health = await http(sim).get('/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ statusCode: 503, message: 'Service Unavailable' });
    expect(health.headers['x-simulator-fault']).toBe('status-503');
    expect((await http(sim).get('/api/agents')).status).toBe(503);
    expect((await http(sim).get('/api/nope').set(AUTH)).status).toBe(503);
    await setFaults({ status5xx: 500 });
    expect((await http(sim).get('/api/config').set(AUTH)).body).toEqual({
      statusCode: 500,
      message: 'Internal server error',
    });
  });

  it.each([
    ['invalid-json', /^application\/json/],
    ['html', /^text\/html/],
    ['wrong-shape', /^application\/json/],
  ])('sends garbage (%s) with status 200', async (mode, contentType) => {
    await setFaults({ garbage: mode });
    const res = await fetch(`${sim.url}/api/agents`, { headers: AUTH });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(contentType);
    const text = await res.text();
    if (mode === 'wrong-shape') {
      expect(Array.isArray(JSON.parse(text))).toBe(false);
    } else {
      expect(() => JSON.parse(text)).toThrow();
    }
  });

  it('maps garbage: true to invalid JSON', async () => {
    await setFaults({ garbage: true });
    const res = await fetch(`${sim.url}/api/health`);
    await expect(res.json()).rejects.toThrow();
  });

  it('drops connections without answering', async () => {
    await setFaults({ dropConnections: true });
    const result = await rawGet(`${sim.url}/api/health`);
    expect(result.status).toBeUndefined();
    expect(['ECONNRESET', 'socket hang up']).toContain(result.error);
    await expect(http(sim).get('/api/health')).rejects.toThrow(/socket hang up|ECONNRESET/);
    // The control API still answers, and clearing the fault restores the API.
    await http(sim).delete('/_simulator/faults').set(CONTROL_AUTH).expect(200);
    expect((await rawGet(`${sim.url}/api/health`)).status).toBe(200);
  });

  it('applies failures to a fraction of requests (failRate)', async () => {
    await setFaults({ status5xx: 502, failRate: 0 });
    for (let i = 0; i < 5; i++) expect((await http(sim).get('/api/health')).status).toBe(200);
    await setFaults({ failRate: 1 });
    for (let i = 0; i < 5; i++) expect((await http(sim).get('/api/health')).status).toBe(502);
    await setFaults({ status5xx: null, failRate: 0.5 });
    const statuses = new Set<number>();
    for (let i = 0; i < 60; i++) statuses.add((await http(sim).get('/api/health')).status);
    expect([...statuses].sort()).toEqual([200, 500]);
  });

  it('limits faults to paths matching pathPattern', async () => {
    await setFaults({ status5xx: 504, pathPattern: '^/api/agents' });
    expect((await http(sim).get('/api/health')).status).toBe(200);
    expect((await http(sim).get('/api/agents').set(AUTH)).status).toBe(504);
  });

  it('starts with the faults of the options and a reset restores them', async () => {
    const faulty = await startTestSimulator({ faults: { status5xx: 502 } });
    try {
      expect((await http(faulty).get('/api/health')).status).toBe(502);
      faulty.clearFaults();
      expect((await http(faulty).get('/api/health')).status).toBe(200);
      await http(faulty).post('/_simulator/reset').set(CONTROL_AUTH).send({}).expect(200);
      expect((await http(faulty).get('/api/health')).status).toBe(502);
    } finally {
      await faulty.close();
    }
  });

  it('can be driven in-process', async () => {
    sim.setFaults({ status5xx: 501 });
    expect((await http(sim).get('/api/health')).status).toBe(501);
    sim.clearFaults();
    expect((await http(sim).get('/api/health')).status).toBe(200);
  });
});

describe('runtime config changes', () => {
  let sim: SimulatorHandle;

  beforeEach(async () => {
    sim = await startTestSimulator();
  });

  afterEach(() => sim.close());

  const getConfig = async (): Promise<Record<string, unknown>> =>
    (await http(sim).get('/api/config').set(AUTH)).body as Record<string, unknown>;

  it('overrides the served config with POST /_simulator/config and restores it with DELETE', async () => {
    const res = await http(sim)
      .post('/_simulator/config')
      .set(CONTROL_AUTH)
      .send({
        gitRepositoryUrl: 'https://new.example/r.git',
        agentTypes: [{ type: 'cursor', displayName: 'Cursor' }],
        extra: 1,
      });
    expect(res.status).toBe(200);
    expect(await getConfig()).toEqual({
      gitRepositoryUrl: 'https://new.example/r.git',
      agentTypes: [{ type: 'cursor', displayName: 'Cursor' }],
      extra: 1,
    });
    // The provider list drives create: opencode is gone now.
    expect((await http(sim).post('/api/agents').set(AUTH).send({ name: 'o', agentType: 'opencode' })).status).toBe(500);
    await http(sim).delete('/_simulator/config').set(CONTROL_AUTH).expect(200);
    expect((await getConfig())['gitRepositoryUrl']).toBe(REPO);
    expect((await getConfig())['agentTypes']).toHaveLength(3);
  });

  it('can unset the repository URL through configOverride in a fault patch', async () => {
    await http(sim)
      .post('/_simulator/faults')
      .set(CONTROL_AUTH)
      .send({ configOverride: { gitRepositoryUrl: null } })
      .expect(200);
    expect('gitRepositoryUrl' in (await getConfig())).toBe(false);
    expect((await http(sim).post('/api/agents').set(AUTH).send({ name: 'x' })).status).toBe(400);
  });

  it('rejects a malformed override', async () => {
    const res = await http(sim)
      .post('/_simulator/config')
      .set(CONTROL_AUTH)
      .send({ agentTypes: [{ type: 1 }] });
    expect(res.status).toBe(400);
  });

  it('resets data unless keepData is set', async () => {
    await createAgent(sim, { name: 'kept' });
    await http(sim).post('/_simulator/reset').set(CONTROL_AUTH).send({ keepData: true }).expect(200);
    expect((await http(sim).get('/api/agents').set(AUTH)).body).toHaveLength(1);
    const reset = await http(sim).post('/_simulator/reset').set(CONTROL_AUTH).send({});
    expect(reset.body.counts).toMatchObject({ agents: 0 });
    expect((await http(sim).get('/api/agents').set(AUTH)).body).toEqual([]);
  });
});
