import { randomUUID } from 'node:crypto';
import { CloudName, RunningCloudSimulator, startCloudSimulator } from '../support/cloud-simulator-process';
import { freePort, RunningController, startController } from '../support/controller-process';
import { expectErrorBody } from '../support/error-body';
import { GatewayClient } from '../support/gateway-client';
import { Api, setUpFirstAdmin } from '../support/http';

const PASSWORD = 'correct horse battery';
const STEPS = ['create_server', 'server_running', 'agent_manager_healthy', 'client_registered'];

/** Env that points the controller at both simulators, with short polls and timeouts. */
function provisioningEnv(
  hetzner: RunningCloudSimulator,
  digitalOcean: RunningCloudSimulator,
  extra: Record<string, string> = {},
) {
  return {
    HETZNER_API_TOKEN: hetzner.token,
    HETZNER_API_URL: hetzner.url,
    DIGITALOCEAN_API_TOKEN: digitalOcean.token,
    DIGITALOCEAN_API_URL: digitalOcean.url,
    // The simulated servers' agent-managers listen on 127.0.1.N:3000 (HTTP) and :8080 (Socket.IO).
    PROVISIONING_ENDPOINT_TEMPLATE: 'http://{ip}:3000',
    PROVISIONING_AGENT_WS_PORT: '8080',
    PROVISIONING_POLL_INTERVAL_MS: '150',
    // Short enough for the timeout cases, long enough for a loaded CI machine running suites side by side.
    PROVISIONING_SERVER_TIMEOUT: '8',
    PROVISIONING_HEALTH_TIMEOUT: '8',
    CLIENT_HEALTH_INTERVAL: '86400',
    ...extra,
  };
}

describe('provisioning cloud servers as tracked jobs', () => {
  let hetzner: RunningCloudSimulator;
  let digitalOcean: RunningCloudSimulator;
  let controller: RunningController;
  let api: Api;
  let admin: string;
  const simulators: Record<CloudName, () => RunningCloudSimulator> = {
    hetzner: () => hetzner,
    digitalocean: () => digitalOcean,
  };

  beforeAll(async () => {
    [hetzner, digitalOcean] = await Promise.all([
      startCloudSimulator('hetzner', ['--boot-ms', '300', '--delete-ms', '100']),
      startCloudSimulator('digitalocean', ['--boot-ms', '300']),
    ]);
    // PUBLIC_URL makes servers fetch their secrets with a bootstrap token: the port must be known up front.
    const port = await freePort();
    controller = await startController({
      port,
      env: provisioningEnv(hetzner, digitalOcean, {
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        PROVISIONING_RECONCILE_INTERVAL: '1',
        PROVISIONING_ORPHAN_GRACE: '1',
      }),
    });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
  }, 60_000);

  afterEach(async () => {
    await Promise.all([hetzner.resetFaults(), digitalOcean.resetFaults()]);
  });

  afterAll(async () => {
    await controller?.stop();
    await Promise.all([hetzner?.stop(), digitalOcean?.stop()]);
  });

  const provision = (body: Record<string, unknown>, token = admin) =>
    api.post('/api/clients/provisioning/provision', body, { token });

  async function finished(jobId: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = (await api.get(`/api/provisioning/jobs/${jobId}`, { token: admin })).body;
      if (job.status !== 'running') return job;
      if (Date.now() > deadline) throw new Error(`job still running: ${JSON.stringify(job.steps)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const request = (providerType: string, serverType: string, extra: Record<string, unknown> = {}) => ({
    providerType,
    serverType,
    name: `prov-${randomUUID().slice(0, 8)}`,
    authenticationType: 'api_key',
    gitRepositoryUrl: 'https://git.example.com/agents.git',
    ...extra,
  });

  it('lists both providers as configured, with server types priced per location and locations', async () => {
    const providers = await api.get('/api/clients/provisioning/providers', { token: admin });
    expect(providers.body).toEqual([
      { type: 'hetzner', displayName: 'Hetzner Cloud', configured: true },
      { type: 'digital-ocean', displayName: 'DigitalOcean', configured: true },
    ]);
    const types = await api.get('/api/clients/provisioning/providers/hetzner/server-types?location=fsn1', {
      token: admin,
    });
    expect(types.status).toBe(200);
    expect(types.body.length).toBeGreaterThan(0);
    for (const type of types.body) {
      expect(type).toMatchObject({ currency: 'EUR', locations: expect.arrayContaining(['fsn1']) });
      expect(type.priceMonthly).toBeGreaterThan(0);
    }
    const sizes = await api.get('/api/clients/provisioning/providers/digital-ocean/server-types', { token: admin });
    expect(sizes.body[0]).toMatchObject({ currency: 'USD', cores: expect.any(Number), memoryGb: expect.any(Number) });
    const regions = await api.get('/api/clients/provisioning/providers/digital-ocean/locations', { token: admin });
    expect(regions.body.map((region: { id: string }) => region.id)).toContain('fra1');
    const unknown = await api.get('/api/clients/provisioning/providers/aws/locations', { token: admin });
    expectErrorBody(unknown, { status: 400, code: 'VALIDATION_FAILED' });
  });

  it.each([
    ['hetzner', 'hetzner', 'cx23', 'fsn1'],
    ['digital-ocean', 'digitalocean', 's-1vcpu-1gb', 'fra1'],
  ] as const)(
    '%s: provisions, runs the steps in order and registers a healthy client',
    async (type, cloud, size, location) => {
      const browser = await GatewayClient.connect(controller.baseUrl, `Bearer ${admin}`);
      const started = await provision(request(type, size, { location }));
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ status: 'running', providerType: type, server: null });
      const job = await finished(started.body.id);
      expect(job.status).toBe('succeeded');
      expect(job.steps.map((step: { name: string }) => step.name)).toEqual(STEPS);
      for (const step of job.steps) expect(step).toMatchObject({ status: 'succeeded', error: null });
      const startedTimes = job.steps.map((step: { startedAt: string }) => Date.parse(step.startedAt));
      expect([...startedTimes].sort((a, b) => a - b)).toEqual(startedTimes);
      // Tests run over http; operators are told what that means.
      expect(job.warnings).toEqual([expect.stringContaining('PUBLIC_URL is not HTTPS')]);

      // Secrets went by bootstrap token: the user data carries none.
      const [server] = (await simulators[cloud]().servers()).filter(
        (candidate) => String(candidate.id) === job.server.id,
      );
      expect(server.userData).toContain('bootstrap');
      const client = (await api.get(`/api/clients/${job.clientId}`, { token: admin })).body;
      expect(client).toMatchObject({
        name: started.body.clientName,
        health: { state: 'healthy' },
        isAutoProvisioned: true,
      });
      expect(server.userData).not.toContain(client.apiKey ?? '§no key in the answer§');

      const agents = await api.get(`/api/clients/${job.clientId}/agents`, { token: admin });
      expect(agents.status).toBe(200);
      // The owner's sockets saw the job move step by step, up to its end.
      const pushed = browser.received.filter(
        (entry) => entry.event === 'provisioningProgress' && entry.payload.id === job.id,
      );
      expect(pushed.length).toBeGreaterThanOrEqual(STEPS.length);
      expect(pushed.at(-1)?.payload).toMatchObject({ status: 'succeeded', clientId: job.clientId });
      browser.close();
      const info = await api.get(`/api/clients/${job.clientId}/provisioning/info`, { token: admin });
      expect(info.body).toMatchObject({ jobId: job.id, providerType: type, serverId: job.server.id, location });
      // The monthly price is the cloud's price of that type in that location.
      const catalogue = await api.get(`/api/clients/provisioning/providers/${type}/server-types?location=${location}`, {
        token: admin,
      });
      const priced = catalogue.body.find((entry: { id: string }) => entry.id === size);
      expect(info.body).toMatchObject({
        serverType: size,
        ipv4: job.server.ipv4,
        publicIp: job.server.ipv4,
        serverStatus: 'running',
        priceMonthly: priced.priceMonthly,
        currency: priced.currency,
      });
      expect(info.body.priceMonthly).toBeGreaterThan(0);
    },
  );

  it('answers 403 to a non-admin and to a client user deleting the server', async () => {
    await api.post('/api/users', { email: 'prov-user@example.com', password: PASSWORD }, { token: admin });
    const user = (await api.post('/api/auth/login', { email: 'prov-user@example.com', password: PASSWORD })).body
      .accessToken;
    expectErrorBody(await provision(request('hetzner', 'cx23'), user), { status: 403, code: 'FORBIDDEN' });

    const job = await finished((await provision(request('hetzner', 'cx23'))).body.id);
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    const member = await api.post(
      `/api/clients/${job.clientId}/users`,
      { email: 'prov-user@example.com', role: 'user' },
      { token: admin },
    );
    expect(member.status).toBe(201);
    expectErrorBody(await api.delete(`/api/clients/${job.clientId}/provisioning`, { token: user }), {
      status: 403,
      code: 'FORBIDDEN',
    });
    expect((await api.get(`/api/clients/${job.clientId}/provisioning/info`, { token: user })).status).toBe(200);
    expect((await api.get(`/api/provisioning/jobs/${job.id}`, { token: user })).status).toBe(404);
  });

  it('rides out 429 and 5xx answers of the cloud (retried with backoff) and still succeeds', async () => {
    await digitalOcean.setFaults({ rateLimitNext: 2, retryAfterSeconds: 1, serverErrorNext: 1 });
    const job = await finished((await provision(request('digital-ocean', 's-1vcpu-1gb'))).body.id);
    expect(job).toMatchObject({ status: 'succeeded', error: null });
  });

  it.each([
    ['hetzner', 'the connection closes', 'hetzner', 'cx23', 0],
    ['hetzner', 'a 504 comes', 'hetzner', 'cx23', 504],
    ['digital-ocean', 'the connection closes', 'digitalocean', 's-1vcpu-1gb', 0],
    ['digital-ocean', 'a 503 comes', 'digitalocean', 's-1vcpu-1gb', 503],
  ] as const)(
    '%s: the server is made but %s instead of the answer → the job adopts it by its label; one server, not two',
    async (type, _lost, cloud, size, lostAs) => {
      const simulator = simulators[cloud]();
      await simulator.setFaults({ createAnswerLostNext: 1, createAnswerLostStatus: lostAs });
      const job = await finished((await provision(request(type, size))).body.id);
      expect(job).toMatchObject({ status: 'succeeded', error: null });
      expect((await simulator.faults()).createAnswerLostNext).toBe(0);
      const ofJob = (await simulator.servers()).filter((server) =>
        cloud === 'hetzner'
          ? (server['labels'] as Record<string, string>)['agent-controller/job'] === job.id
          : (server['tags'] as string[]).includes(`agent-controller-job:${job.id}`),
      );
      expect(ofJob.map((server) => String(server.id))).toEqual([job.server.id]);
    },
  );

  it('refuses a taken name before any cloud call', async () => {
    const before = (await hetzner.servers()).length;
    const taken = await api.post(
      '/api/clients',
      { name: 'Taken name', endpoint: 'http://127.0.0.1:9', authenticationType: 'api_key' },
      { token: admin },
    );
    expect(taken.status).toBe(201);
    expectErrorBody(await provision(request('hetzner', 'cx23', { name: 'taken NAME' })), {
      status: 409,
      code: 'NAME_TAKEN',
    });
    expect((await hetzner.servers()).length).toBe(before);
  });

  describe('a failure at any step leaves nothing behind', () => {
    async function expectCleanFailure(jobId: string, failedStep: string, reason: RegExp) {
      const job = await finished(jobId);
      expect(job.status).toBe('failed');
      const step = job.steps.find((candidate: { name: string }) => candidate.name === failedStep);
      expect(step).toMatchObject({ status: 'failed', error: expect.stringMatching(reason) });
      expect(job.error).toMatch(reason);
      expect(job.clientId).toBeNull();
      const clients = (await api.get('/api/clients?limit=100', { token: admin })).body;
      const fromJob = clients.filter(
        (client: { endpoint: string }) => job.server && client.endpoint === `http://${job.server.ipv4}:3000`,
      );
      expect(fromJob).toEqual([]);
      if (job.server) {
        expect(job.serverDeleted).toBe(true);
        // Hetzner shows a deleted server as `deleting` for a moment before it is gone.
        const left = (await hetzner.servers()).filter((server) => server.status !== 'deleting');
        expect(left.map((server) => String(server.id))).not.toContain(job.server.id);
      }
      return job;
    }

    it('create_server: the cloud refuses (412) → no server, no client', async () => {
      await hetzner.setFaults({ createFailNext: 1 });
      const job = await expectCleanFailure(
        (await provision(request('hetzner', 'cx23'))).body.id,
        'create_server',
        /412/,
      );
      expect(job.server).toBeNull();
    });

    it('server_running: the server never runs → timeout, server deleted', async () => {
      await hetzner.setFaults({ bootMs: 60_000 });
      await expectCleanFailure((await provision(request('hetzner', 'cx23'))).body.id, 'server_running', /timed out/);
    });

    it('server_running: the create action ends in error (server off) → server deleted', async () => {
      await hetzner.setFaults({ actionErrorNext: 1 });
      await expectCleanFailure((await provision(request('hetzner', 'cx23'))).body.id, 'server_running', /failed/);
    });

    it('agent_manager_healthy: the agent-manager never answers → timeout, server deleted', async () => {
      await hetzner.setFaults({ neverHealthyNext: 1 });
      await expectCleanFailure(
        (await provision(request('hetzner', 'cx23'))).body.id,
        'agent_manager_healthy',
        /timed out/,
      );
    });

    it('client_registered: the name was taken meanwhile → server deleted', async () => {
      await hetzner.setFaults({ bootMs: 800 });
      const body = request('hetzner', 'cx23');
      const jobId = (await provision(body)).body.id;
      const squatter = await api.post(
        '/api/clients',
        { name: body.name, endpoint: 'http://127.0.0.1:9', authenticationType: 'api_key' },
        { token: admin },
      );
      expect(squatter.status).toBe(201);
      await expectCleanFailure(jobId, 'client_registered', /already|taken|exists/i);
    });
  });

  it('reports a server whose delete failed as an orphan', async () => {
    await hetzner.setFaults({ neverHealthyNext: 1, deleteFailNext: 1000 });
    const job = await finished((await provision(request('hetzner', 'cx23'))).body.id, 40_000);
    expect(job).toMatchObject({ status: 'failed', serverDeleted: false });
    expect(job.error).toMatch(/could not be deleted/);
    const deadline = Date.now() + 10_000;
    let orphans: Array<{ serverId: string; jobId: string }> = [];
    while (!orphans.some((orphan) => orphan.serverId === job.server.id) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      orphans = (await api.get('/api/provisioning/orphans', { token: admin })).body;
    }
    expect(orphans).toContainEqual(
      expect.objectContaining({ serverId: job.server.id, jobId: job.id, deletedAt: null }),
    );
  }, 60_000);

  it('keeps the client when the cloud delete fails (502), and deletes both once it works', async () => {
    const job = await finished((await provision(request('digital-ocean', 's-1vcpu-1gb'))).body.id);
    await digitalOcean.setFaults({ deleteFailNext: 1000 });
    const refused = await api.delete(`/api/clients/${job.clientId}/provisioning`, { token: admin });
    expectErrorBody(refused, { status: 502, code: 'CLOUD_UNAVAILABLE' });
    expect((await api.get(`/api/clients/${job.clientId}`, { token: admin })).status).toBe(200);
    await digitalOcean.resetFaults();
    expect((await api.delete(`/api/clients/${job.clientId}/provisioning`, { token: admin })).status).toBe(204);
    expect((await api.get(`/api/clients/${job.clientId}`, { token: admin })).status).toBe(404);
    expect((await digitalOcean.servers()).map((server) => String(server.id))).not.toContain(job.server.id);
  }, 30_000);

  describe('deleting a client that runs on a cloud server', () => {
    const provisioned = async (type = 'hetzner', size = 'cx23') => {
      const job = await finished((await provision(request(type, size))).body.id);
      expect(job).toMatchObject({ status: 'succeeded', error: null });
      return job;
    };
    const liveServerIds = async (cloud: RunningCloudSimulator) =>
      (await cloud.servers()).filter((server) => server.status !== 'deleting').map((server) => String(server.id));

    it('answers 409 naming the server and both ways out, and deletes nothing', async () => {
      const job = await provisioned();
      const refused = await api.delete(`/api/clients/${job.clientId}`, { token: admin });
      expectErrorBody(refused, { status: 409, code: 'CLIENT_HAS_SERVER' });
      expect(refused.body.message).toContain(job.server.name);
      expect(refused.body.message).toMatch(/server=delete.*server=keep/);
      expect(refused.body.details).toMatchObject({
        server: { providerType: 'hetzner', serverId: job.server.id, serverName: job.server.name },
        choices: ['delete', 'keep'],
      });
      expectErrorBody(await api.delete(`/api/clients/${job.clientId}?server=maybe`, { token: admin }), {
        status: 400,
        code: 'VALIDATION_FAILED',
        field: { name: 'server', location: 'query' },
      });
      const bulk = await api.post('/api/clients/bulk', { action: 'delete', ids: [job.clientId] }, { token: admin });
      expect(bulk.body.results).toEqual([
        { id: job.clientId, result: 'CLIENT_HAS_SERVER', message: expect.stringContaining(job.server.name) },
      ]);
      expect((await api.get(`/api/clients/${job.clientId}`, { token: admin })).status).toBe(200);
      expect(await liveServerIds(hetzner)).toContain(job.server.id);
    });

    it('server=keep deletes the client and lists the running server as an orphan', async () => {
      const job = await provisioned();
      expect((await api.delete(`/api/clients/${job.clientId}?server=keep`, { token: admin })).status).toBe(204);
      expect((await api.get(`/api/clients/${job.clientId}`, { token: admin })).status).toBe(404);
      expect(await liveServerIds(hetzner)).toContain(job.server.id);
      const orphans = (await api.get('/api/provisioning/orphans', { token: admin })).body;
      expect(orphans).toContainEqual(
        expect.objectContaining({ providerType: 'hetzner', serverId: job.server.id, jobId: job.id, deletedAt: null }),
      );
      // Still listed after reconciler passes (every second here): kept servers are not dropped from the list.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const later = (await api.get('/api/provisioning/orphans', { token: admin })).body;
      expect(later).toContainEqual(expect.objectContaining({ serverId: job.server.id, deletedAt: null }));
    });

    it('server=delete deletes the server at the cloud, then the client', async () => {
      const job = await provisioned('digital-ocean', 's-1vcpu-1gb');
      expect((await api.delete(`/api/clients/${job.clientId}?server=delete`, { token: admin })).status).toBe(204);
      expect((await api.get(`/api/clients/${job.clientId}`, { token: admin })).status).toBe(404);
      expect(await liveServerIds(digitalOcean)).not.toContain(job.server.id);
      expect((await api.get(`/api/provisioning/jobs/${job.id}`, { token: admin })).body.serverDeleted).toBe(true);
      const orphans = (await api.get('/api/provisioning/orphans', { token: admin })).body;
      expect(orphans.map((orphan: { serverId: string }) => orphan.serverId)).not.toContain(job.server.id);
    });

    it('bulk delete with server=delete deletes each server at its cloud, then its client; a cloud failure keeps that client', async () => {
      const [onHetzner, onOcean] = await Promise.all([provisioned(), provisioned('digital-ocean', 's-1vcpu-1gb')]);
      const ids = [onHetzner.clientId, onOcean.clientId];
      // A dry run says what happens to each server, and changes nothing.
      const preview = await api.post(
        '/api/clients/bulk',
        { action: 'delete', ids, server: 'delete', dryRun: true },
        { token: admin },
      );
      expect(preview.body.results).toEqual([
        {
          id: onHetzner.clientId,
          result: 'ok',
          message: expect.stringContaining(`and its cloud server ${onHetzner.server.name}`),
        },
        {
          id: onOcean.clientId,
          result: 'ok',
          message: expect.stringContaining(`and its cloud server ${onOcean.server.name}`),
        },
      ]);
      expect(await liveServerIds(hetzner)).toContain(onHetzner.server.id);

      await digitalOcean.setFaults({ deleteFailNext: 1000 });
      try {
        const bulk = await api.post('/api/clients/bulk', { action: 'delete', ids, server: 'delete' }, { token: admin });
        expect(bulk.status).toBe(200);
        expect(bulk.body.results).toEqual([
          { id: onHetzner.clientId, result: 'ok' },
          { id: onOcean.clientId, result: 'CLOUD_UNAVAILABLE', message: expect.stringContaining(onOcean.server.name) },
        ]);
      } finally {
        await digitalOcean.resetFaults();
      }
      expect((await api.get(`/api/clients/${onHetzner.clientId}`, { token: admin })).status).toBe(404);
      expect(await liveServerIds(hetzner)).not.toContain(onHetzner.server.id);
      expect((await api.get(`/api/provisioning/jobs/${onHetzner.id}`, { token: admin })).body.serverDeleted).toBe(true);
      expect((await api.get(`/api/clients/${onOcean.clientId}`, { token: admin })).status).toBe(200);
      expect(await liveServerIds(digitalOcean)).toContain(onOcean.server.id);
    }, 60_000);

    it('bulk delete with server=keep deletes the clients and lists their running servers as orphans', async () => {
      const job = await provisioned();
      expectErrorBody(
        await api.post(
          '/api/clients/bulk',
          { action: 'verify', ids: [job.clientId], server: 'keep' },
          { token: admin },
        ),
        { status: 400, code: 'VALIDATION_FAILED', field: { name: 'server', location: 'body' } },
      );
      const bulk = await api.post(
        '/api/clients/bulk',
        { action: 'delete', ids: [job.clientId], server: 'keep' },
        { token: admin },
      );
      expect(bulk.body.results).toEqual([{ id: job.clientId, result: 'ok' }]);
      expect((await api.get(`/api/clients/${job.clientId}`, { token: admin })).status).toBe(404);
      expect(await liveServerIds(hetzner)).toContain(job.server.id);
      const orphans = (await api.get('/api/provisioning/orphans', { token: admin })).body;
      expect(orphans).toContainEqual(
        expect.objectContaining({ serverId: job.server.id, jobId: job.id, deletedAt: null }),
      );
    });

    it('server=delete keeps the client when the cloud delete fails (502)', async () => {
      const job = await provisioned('digital-ocean', 's-1vcpu-1gb');
      await digitalOcean.setFaults({ deleteFailNext: 1000 });
      expectErrorBody(await api.delete(`/api/clients/${job.clientId}?server=delete`, { token: admin }), {
        status: 502,
        code: 'CLOUD_UNAVAILABLE',
      });
      expect((await api.get(`/api/clients/${job.clientId}`, { token: admin })).status).toBe(200);
      await digitalOcean.resetFaults();
      expect(await liveServerIds(digitalOcean)).toContain(job.server.id);
    }, 30_000);
  });
});

describe('provisioning across a controller restart', () => {
  it('resumes an in-flight job in the next process', async () => {
    const [hetzner, digitalOcean] = await Promise.all([
      startCloudSimulator('hetzner', ['--boot-ms', '2500']),
      startCloudSimulator('digitalocean'),
    ]);
    const env = provisioningEnv(hetzner, digitalOcean, { PROVISIONING_SERVER_TIMEOUT: '30' });
    const first = await startController({ env });
    try {
      const api = new Api(first.baseUrl);
      const admin = await setUpFirstAdmin(api, first.setupToken());
      const jobId = (
        await api.post(
          '/api/clients/provisioning/provision',
          {
            providerType: 'hetzner',
            serverType: 'cx23',
            name: 'survivor',
            authenticationType: 'api_key',
            gitRepositoryUrl: 'https://git.example.com/a.git',
          },
          { token: admin },
        )
      ).body.id;
      const deadline = Date.now() + 10_000;
      while ((await api.get(`/api/provisioning/jobs/${jobId}`, { token: admin })).body.steps[1].status !== 'running') {
        if (Date.now() > deadline) throw new Error('server_running never started');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await first.stop({ keepData: true });

      const second = await startController({ env, database: first.database, dataDir: first.dataDir });
      try {
        const secondApi = new Api(second.baseUrl);
        const token = (await secondApi.post('/api/auth/login', { email: 'admin@example.com', password: PASSWORD })).body
          .accessToken;
        let job = (await secondApi.get(`/api/provisioning/jobs/${jobId}`, { token })).body;
        const until = Date.now() + 30_000;
        while (job.status === 'running' && Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 150));
          job = (await secondApi.get(`/api/provisioning/jobs/${jobId}`, { token })).body;
        }
        expect(job.status).toBe('succeeded');
        expect((await hetzner.servers()).length).toBe(1);
        expect((await secondApi.get(`/api/clients/${job.clientId}`, { token })).body.health.state).toBe('healthy');
      } finally {
        await second.stop();
      }
    } finally {
      await Promise.all([hetzner.stop(), digitalOcean.stop()]);
    }
  }, 90_000);
});
