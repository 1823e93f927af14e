import { randomUUID } from 'node:crypto';
import { RunningCloudSimulator, startCloudSimulator } from '../support/cloud-simulator-process';
import { RunningController, startController } from '../support/controller-process';
import { eventuallyValue } from '../support/eventually';
import { GatewayClient } from '../support/gateway-client';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, simulatorClient, startSimulator } from '../support/simulator-process';

/**
 * Agenstra's own web console (forepath/agenstra, apps/frontend-agent-console with its data-access library) in
 * front of this controller. Each test sends what that console sends (method, path, body, handshake), written from
 * its data-access services and effects, and checks the fields and statuses it reads. A change here that breaks
 * that console fails CI. The README's "Using Agenstra's console with this controller" lists what differs.
 */

const PASSWORD = 'correct horse battery';
const GIT_URL = 'https://git.example.com/agents.git';
const AGENSTRA_ORIGIN = 'http://agenstra-console.example.com';
/** The Agenstra console loads lists in batches of this many (its clients and agents effects). */
const BATCH = { limit: 10, offset: 0 };

/** The claims the Agenstra console decodes from the stored token after a reload (sub, email, roles, exp). */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

describe("Agenstra's web console against this controller", () => {
  let remote: RunningSimulator;
  let hetzner: RunningCloudSimulator;
  let controller: RunningController;
  let api: Api;
  let admin: string;
  let clientId: string;
  const sockets: GatewayClient[] = [];

  /** A user made by the admin, signed in the way the Agenstra console signs in; its `access_token`. */
  async function signedIn(email: string): Promise<{ id: string; token: string }> {
    const created = await api.post('/api/users', { email, password: PASSWORD }, { token: admin });
    expect(created.status).toBe(201);
    const login = await api.post('/api/auth/login', { email, password: PASSWORD });
    return { id: created.body.id, token: login.body.access_token };
  }

  /** The Agenstra console's socket: `io(websocketUrl, {transports: ['websocket'], auth: {Authorization}})`. */
  async function consoleSocket(token: string, base = controller): Promise<GatewayClient> {
    const socket = await GatewayClient.connect(base.baseUrl, `Bearer ${token}`);
    sockets.push(socket);
    return socket;
  }

  beforeAll(async () => {
    [remote, hetzner] = await Promise.all([
      startSimulator({ apiKey: 'agenstra-compat-remote-key', args: ['--git-repository-url', GIT_URL] }),
      startCloudSimulator('hetzner', ['--boot-ms', '200', '--address-prefix', '127.0.17']),
    ]);
    controller = await startController({
      env: {
        CORS_ORIGIN: AGENSTRA_ORIGIN,
        REMOTE_REQUEST_TIMEOUT: '3000',
        GATEWAY_RECONNECT_ATTEMPTS: '3',
        GATEWAY_RECONNECT_DELAY_MS: '100',
        HETZNER_API_TOKEN: hetzner.token,
        HETZNER_API_URL: hetzner.url,
        // No PUBLIC_URL: the environment goes into the user data, where the test can read it.
        PROVISIONING_ENDPOINT_TEMPLATE: 'http://{ip}:3000',
        PROVISIONING_AGENT_WS_PORT: '8080',
        PROVISIONING_POLL_INTERVAL_MS: '150',
        PROVISIONING_SERVER_TIMEOUT: '15',
        PROVISIONING_HEALTH_TIMEOUT: '15',
        CLIENT_HEALTH_INTERVAL: '86400',
      },
    });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    const created = await api.post('/api/clients', simulatorClient(remote, 'Agenstra workspace'), { token: admin });
    expect(created.status).toBe(201);
    clientId = created.body.id;
  }, 60_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await controller?.stop();
    await Promise.all([remote?.stop(), hetzner?.stop()]);
  });

  const agents = (path = '') => `/api/clients/${clientId}/agents${path}`;

  /** `createClientAgent` as the console sends it (both workspace flags always present). */
  async function createAgent(name: string, token = admin): Promise<string> {
    const created = await api.post(
      agents(),
      { name, createVirtualWorkspace: false, createSshConnection: false },
      { token },
    );
    expect(created.status).toBe(201);
    expect(created.body.password).toEqual(expect.any(String));
    return created.body.id;
  }

  describe('1. sign-in (users mode)', () => {
    it('answers POST /auth/login with access_token and user, a token the console can decode and use', async () => {
      const login = await api.post('/api/auth/login', { email: 'admin@example.com', password: PASSWORD });
      expect(login.status).toBe(200);
      expect(login.body.access_token).toEqual(expect.any(String));
      expect(login.body.access_token).toBe(login.body.accessToken);
      expect(login.body.user).toMatchObject({ id: expect.any(String), email: 'admin@example.com', role: 'admin' });
      // checkAuthentication$ after a reload: exp in the future, sub + email for the user, roles for admin menus.
      const claims = claimsOf(login.body.access_token);
      expect(claims).toMatchObject({ sub: login.body.user.id, email: 'admin@example.com', roles: ['admin'] });
      expect(Number(claims['exp']) * 1000).toBeGreaterThan(Date.now());
      // Its interceptor sends `Authorization: Bearer <access_token>`.
      expect((await api.get('/api/clients', { token: login.body.access_token })).status).toBe(200);
    });

    it('answers a preflight from the console’s own origin (CORS_ORIGIN)', async () => {
      const preflight = await fetch(`${controller.baseUrl}/api/auth/login`, {
        method: 'OPTIONS',
        headers: {
          origin: AGENSTRA_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      });
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(AGENSTRA_ORIGIN);
    });
  });

  describe('2. canManageWorkspaceConfiguration', () => {
    it('is on every client object, list and one, from the permission policy', async () => {
      const admins = await api.get(`/api/clients?limit=${BATCH.limit}&offset=${BATCH.offset}`, { token: admin });
      expect(admins.status).toBe(200);
      const mine = admins.body.find((client: { id: string }) => client.id === clientId);
      expect(mine).toMatchObject({
        id: clientId,
        name: 'Agenstra workspace',
        endpoint: remote.url,
        authenticationType: 'api_key',
        isAutoProvisioned: false,
        canManageWorkspaceConfiguration: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        config: { agentTypes: expect.any(Array) },
      });

      const member = await signedIn('agenstra.member@example.com');
      const manager = await signedIn('agenstra.manager@example.com');
      for (const [email, role] of [
        ['agenstra.member@example.com', 'user'],
        ['agenstra.manager@example.com', 'admin'],
      ]) {
        const added = await api.post(`/api/clients/${clientId}/users`, { email, role }, { token: admin });
        expect(added.status).toBe(201);
      }
      for (const [token, allowed] of [
        [member.token, false],
        [manager.token, true],
      ] as const) {
        const [listed] = (await api.get(`/api/clients?limit=10&offset=0`, { token })).body;
        expect(listed).toMatchObject({ id: clientId, canManageWorkspaceConfiguration: allowed });
        const one = await api.get(`/api/clients/${clientId}`, { token });
        expect(one.body.canManageWorkspaceConfiguration).toBe(allowed);
      }
    });
  });

  describe('3. provisioning', () => {
    it('lists server types with memory and disk as the console reads them', async () => {
      const types = await api.get('/api/clients/provisioning/providers/hetzner/server-types', { token: admin });
      expect(types.status).toBe(200);
      expect(types.body.length).toBeGreaterThan(0);
      for (const type of types.body) {
        expect(type).toMatchObject({ id: expect.any(String), name: expect.any(String), cores: expect.any(Number) });
        expect(type.memory).toBe(type.memoryGb);
        expect(type.disk).toBe(type.diskGb);
      }
    });

    it('accepts the auto-enrichment fields the console always sends and puts them in the server environment', async () => {
      const name = `agenstra-prov-${randomUUID().slice(0, 8)}`;
      const started = await api.post(
        '/api/clients/provisioning/provision',
        {
          providerType: 'hetzner',
          serverType: 'cx23',
          name,
          authenticationType: 'api_key',
          location: 'fsn1',
          gitRepositoryUrl: GIT_URL,
          autoEnrichEnabledGlobal: 'false',
          autoEnrichVectorMaxCosineDistance: 0.4,
        },
        { token: admin },
      );
      // A documented difference: a job (202), where Agenstra blocks and answers the client.
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ id: expect.any(String), status: 'running', clientName: name });
      const job = await eventuallyValue(
        async () => (await api.get(`/api/provisioning/jobs/${started.body.id}`, { token: admin })).body,
        (current) => current.status !== 'running',
        30_000,
      );
      expect(job).toMatchObject({ status: 'succeeded', clientId: expect.any(String) });
      const [server] = (await hetzner.servers()).filter((candidate) => String(candidate.id) === job.server.id);
      expect(server.userData).toMatch(/AUTO_ENRICH_ENABLED_GLOBAL='?false'?/);
      expect(server.userData).toMatch(/AUTO_ENRICH_VECTOR_MAX_COSINE_DISTANCE='?0\.4'?/);
      // Once registered the client is listed like any other, provisioned.
      const client = await api.get(`/api/clients/${job.clientId}`, { token: admin });
      expect(client.body).toMatchObject({ name, isAutoProvisioned: true, canManageWorkspaceConfiguration: true });
    });

    it('refuses values the console would never send, naming the field', async () => {
      const refused = await api.post(
        '/api/clients/provisioning/provision',
        {
          providerType: 'hetzner',
          serverType: 'cx23',
          name: 'never-made',
          authenticationType: 'api_key',
          autoEnrichVectorMaxCosineDistance: 3,
        },
        { token: admin },
      );
      expect(refused.status).toBe(400);
      expect(refused.body.details.fields[0].field).toBe('autoEnrichVectorMaxCosineDistance');
    });
  });

  describe('4. agent update with description null', () => {
    it('accepts {name, description: null, containerType} as "no description"', async () => {
      const agentId = await createAgent('agenstra-described');
      const described = await api.post(
        agents(`/${agentId}`),
        { name: 'agenstra-described', description: 'x' },
        {
          token: admin,
        },
      );
      expect(described.body.description).toBe('x');
      const updated = await api.post(
        agents(`/${agentId}`),
        { name: 'agenstra-described', description: null, containerType: 'generic' },
        { token: admin },
      );
      expect(updated.status).toBeLessThan(300);
      expect(updated.body).toMatchObject({ id: agentId, name: 'agenstra-described', containerType: 'generic' });
      expect(updated.body.description ?? null).toBeNull();
      expect((await api.get(agents(`/${agentId}`), { token: admin })).body.description ?? null).toBeNull();
    });
  });

  describe('5. deployment configuration', () => {
    it('keeps the stored token when an update leaves it blank; a create still needs one', async () => {
      const agentId = await createAgent('agenstra-deployer');
      const configuration = agents(`/${agentId}/deployments/configuration`);
      // getConfiguration: nothing yet is an empty 200 (the console reads it as null) or 404.
      const none = await api.get(configuration, { token: admin });
      expect(none.status === 404 || (none.status === 200 && none.text === '')).toBe(true);
      const withoutToken = await api.post(
        configuration,
        { providerType: 'github', repositoryId: 'acme/app' },
        {
          token: admin,
        },
      );
      expect(withoutToken.status).toBe(400);
      expect(withoutToken.body.details.fields[0].field).toBe('providerToken');

      const created = await api.post(
        configuration,
        { providerType: 'github', repositoryId: 'acme/app', providerToken: 'ghp_agenstra_token' },
        { token: admin },
      );
      expect(created.status).toBeLessThan(300);
      expect(created.body).toMatchObject({ agentId, providerType: 'github', repositoryId: 'acme/app' });
      // updateConfiguration: `providerToken: this.providerToken() || undefined` leaves it out when blank.
      const updated = await api.post(
        configuration,
        { repositoryId: 'acme/site', defaultBranch: 'main' },
        {
          token: admin,
        },
      );
      expect(updated.status).toBeLessThan(300);
      expect(updated.body).toMatchObject({ providerType: 'github', repositoryId: 'acme/site', defaultBranch: 'main' });
      // A blank string is read the same way (scripts send it).
      const blank = await api.post(configuration, { repositoryId: 'acme/app', providerToken: '' }, { token: admin });
      expect(blank.status).toBeLessThan(300);
      expect(JSON.stringify(blank.body)).not.toContain('ghp_agenstra_token');
      expect((await api.get(configuration, { token: admin })).body).toMatchObject({ repositoryId: 'acme/app' });
    });

    it('lists runs 50 to a page by default, as Agenstra does', async () => {
      const agentId = await createAgent('agenstra-runner');
      const base = agents(`/${agentId}/deployments`);
      await api.post(
        `${base}/configuration`,
        { providerType: 'github', repositoryId: 'acme/app', providerToken: 'ghp_runs' },
        { token: admin },
      );
      const workflows = await api.get(`${base}/repositories/${encodeURIComponent('acme/app')}/workflows`, {
        token: admin,
      });
      expect(workflows.status).toBe(200);
      const workflowId = workflows.body[0].id;
      for (let run = 0; run < 12; run += 1) {
        const triggered = await api.post(`${base}/workflows/trigger`, { workflowId, ref: 'main' }, { token: admin });
        expect(triggered.status).toBeLessThan(300);
      }
      const runs = await api.get(`${base}/runs`, { token: admin });
      expect(runs.status).toBe(200);
      expect(runs.body).toHaveLength(12);
    });
  });

  describe('6. the Socket.IO namespace `clients`', () => {
    it('runs the console’s sequence: setClient, forward login and chat, errors with a top-level message', async () => {
      const agentId = await createAgent('agenstra-chatter');
      const socket = await consoleSocket(admin);
      // "no client selected": the console's banner shows `message`.
      socket.emit('forward', { event: 'chat', payload: { message: 'too early' } });
      const early = await socket.next('error');
      expect(early.message).toEqual(expect.stringContaining('setClient'));
      expect(early.error).toMatchObject({ code: 'NO_CLIENT_SELECTED', message: early.message });

      socket.emit('setClient', { clientId });
      expect(await socket.next('setClientSuccess')).toEqual({ clientId, message: expect.any(String) });
      socket.emit('forward', { event: 'login', agentId });
      expect(await socket.next('forwardAck', (ack) => ack.event === 'login')).toMatchObject({
        received: true,
        event: 'login',
      });
      expect((await socket.next('loginSuccess')).data.agentId).toBe(agentId);
      const beforeChat = socket.received.length;
      socket.emit('forward', { event: 'chat', payload: { message: 'hello from Agenstra' }, agentId });
      await socket.next('forwardAck', (ack) => ack.event === 'chat', beforeChat);
      await socket.next('chatMessage', () => true, beforeChat);
    });

    it('says "credentials missing" with a top-level message for an agent made outside the controller', async () => {
      // An existing Agenstra agent: made on the remote directly, its password not registered here yet.
      const direct = await fetch(`${remote.url}/api/agents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${remote.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'agenstra-existing' }),
      });
      const existing = (await direct.json()) as { id: string; password: string };
      const socket = await consoleSocket(admin);
      socket.emit('setClient', { clientId });
      await socket.next('setClientSuccess');
      socket.emit('forward', { event: 'login', agentId: existing.id });
      const missing = await socket.next('error', (payload) => payload.forwardedEvent === 'login');
      expect(missing.message).toContain(`PUT …/agents/${existing.id}/credentials`);
      expect(missing.error.code).toBe('AGENT_CREDENTIALS_MISSING');

      // The migration step the README describes: register the password, then log in.
      const stored = await api.request('PUT', agents(`/${existing.id}/credentials`), {
        token: admin,
        body: { password: existing.password },
      });
      expect(stored.status).toBe(204);
      const from = socket.received.length;
      socket.emit('forward', { event: 'login', agentId: existing.id });
      expect((await socket.next('loginSuccess', () => true, from)).data.agentId).toBe(existing.id);
    });

    it('reports a dropped remote with the link events the console handles', async () => {
      const agentId = await createAgent('agenstra-reconnect');
      const socket = await consoleSocket(admin);
      socket.emit('setClient', { clientId });
      await socket.next('setClientSuccess');
      socket.emit('forward', { event: 'login', agentId });
      await socket.next('loginSuccess');
      const from = socket.received.length;
      await remote.dropSockets();
      expect((await socket.next('remoteDisconnected', () => true, from)).clientId).toBe(clientId);
      expect(await socket.next('remoteReconnecting', () => true, from)).toMatchObject({ clientId, attempt: 1 });
      expect((await socket.next('remoteReconnected', () => true, from)).clientId).toBe(clientId);
    });
  });

  describe('7. client users', () => {
    it('lists members with userEmail and a relationship id, never the creator as a pseudo-member', async () => {
      const owner = await signedIn('agenstra.owner@example.com');
      const created = await api.post('/api/clients', simulatorClient(remote, 'Owned workspace'), {
        token: owner.token,
      });
      const ownedId = created.body.id;
      expect(created.body.createdBy).toBe(owner.id);
      await signedIn('agenstra.colleague@example.com');
      const added = await api.post(
        `/api/clients/${ownedId}/users`,
        { email: 'agenstra.colleague@example.com', role: 'user' },
        { token: owner.token },
      );
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ id: expect.any(String), userEmail: 'agenstra.colleague@example.com' });

      const listed = await api.get(`/api/clients/${ownedId}/users`, { token: owner.token });
      expect(listed.status).toBe(200);
      // The console infers its own rights from this list: the creator must not be in it (not in list = full rights).
      expect(listed.body).toEqual([
        expect.objectContaining({
          id: added.body.id,
          userId: expect.any(String),
          userEmail: 'agenstra.colleague@example.com',
          role: 'user',
          createdAt: expect.any(String),
        }),
      ]);
      const removed = await api.delete(`/api/clients/${ownedId}/users/${added.body.id}`, { token: owner.token });
      expect(removed.status).toBe(204);
      expect((await api.get(`/api/clients/${ownedId}/users`, { token: owner.token })).body).toEqual([]);
    });
  });

  describe('8. agent autonomy', () => {
    it('answers the three routes in the shapes the console handles when autonomy is not set', async () => {
      const agentId = await createAgent('agenstra-autonomous');
      const enabled = await api.get(`/api/clients/${clientId}/agent-autonomy/enabled-agent-ids`, { token: admin });
      expect(enabled.status).toBe(200);
      expect(enabled.body).toEqual({ agentIds: [] });
      // 404 is what loadClientAgentAutonomy$ turns into its defaults.
      const settings = await api.get(agents(`/${agentId}/autonomy`), { token: admin });
      expect(settings.status).toBe(404);
      expect(settings.body.message).toEqual(expect.any(String));
      const saved = await api.request('PUT', agents(`/${agentId}/autonomy`), {
        token: admin,
        body: { enabled: true, preImproveTicket: false, maxRuntimeMs: 3_600_000, maxIterations: 25 },
      });
      expect(saved.status).toBe(501);
      expect(saved.body).toMatchObject({ code: 'NOT_SUPPORTED', message: expect.stringContaining('not supported') });
      const invisible = await api.get(`/api/clients/${randomUUID()}/agent-autonomy/enabled-agent-ids`, {
        token: admin,
      });
      expect(invisible.status).toBe(404);
    });
  });

  describe('harmless alignments', () => {
    it('takes environment variable names the remote accepts, and deleting one is 204', async () => {
      const agentId = await createAgent('agenstra-env');
      const env = agents(`/${agentId}/environment`);
      const created = await api.post(env, { variable: 'my-var', content: 'value' }, { token: admin });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ agentId, variable: 'my-var', content: 'value' });
      const listed = await api.get(`${env}?limit=50&offset=0`, { token: admin });
      expect(listed.body.map((variable: { variable: string }) => variable.variable)).toEqual(['my-var']);
      expect((await api.delete(`${env}/${created.body.id}`, { token: admin })).status).toBe(204);
      const document = await api.get('/api/docs/openapi.json');
      const responses =
        document.body.paths['/api/clients/{id}/agents/{agentId}/environment/{envVarId}'].delete.responses;
      expect(Object.keys(responses)).toContain('204');
      expect(Object.keys(responses)).not.toContain('200');
    });
  });
});

describe("Agenstra's web console against this controller in api-key mode", () => {
  const KEY = 'agenstra-compat-static-key-0123456789abcdef';
  let remote: RunningSimulator;
  let controller: RunningController;
  let api: Api;
  let clientId: string;

  beforeAll(async () => {
    remote = await startSimulator({ apiKey: 'agenstra-api-key-mode-remote', args: ['--git-repository-url', GIT_URL] });
    controller = await startController({ env: { AUTHENTICATION_METHOD: 'api-key', STATIC_API_KEY: KEY } });
    api = new Api(controller.baseUrl);
    clientId = (await api.post('/api/clients', simulatorClient(remote, 'Key workspace'), { token: KEY })).body.id;
  }, 60_000);

  afterAll(async () => {
    await controller?.stop();
    await remote?.stop();
  });

  it('gives the key holder every right, lists no client users, and refuses adding one as not applicable', async () => {
    const [listed] = (await api.get('/api/clients?limit=10&offset=0', { token: KEY })).body;
    expect(listed).toMatchObject({ id: clientId, canManageWorkspaceConfiguration: true, createdBy: null });
    const users = await api.get(`/api/clients/${clientId}/users`, { token: KEY });
    expect(users.status).toBe(200);
    expect(users.body).toEqual([]);
    const added = await api.post(
      `/api/clients/${clientId}/users`,
      { email: 'a@example.com', role: 'user' },
      {
        token: KEY,
      },
    );
    expect(added.status).toBe(400);
    expect(added.body.code).toBe('NOT_APPLICABLE_IN_API_KEY_MODE');
  });

  it('links a socket authenticated with the key the way the console sends it', async () => {
    const socket = await GatewayClient.connect(controller.baseUrl, `Bearer ${KEY}`);
    try {
      socket.emit('setClient', { clientId });
      expect((await socket.next('setClientSuccess')).clientId).toBe(clientId);
    } finally {
      socket.close();
    }
  });
});
