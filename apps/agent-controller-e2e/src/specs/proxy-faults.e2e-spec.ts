import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorCode } from '@agent-controller/shared-contracts';
import { Api, ApiResponse, setUpFirstAdmin } from '../support/http';
import { RunningController, startController, WORKSPACE_ROOT } from '../support/controller-process';
import { expectErrorBody } from '../support/error-body';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

/** Short, so "slower than the limit" is quick to test; the margin absorbs a loaded CI machine. */
const REMOTE_TIMEOUT_MS = 1500;
const TIMEOUT_MARGIN_MS = 1000;
const REMOTE_KEY = 'faults-remote-key-0123456789';
const SIMULATOR = { apiKey: REMOTE_KEY, args: ['--git-repository-url', 'https://git.example.com/r.git'] };

/** Every relayed agent route, from the committed OpenAPI document: a route added later is covered here too. */
const PROXIED_ROUTES: Array<{ method: string; path: string }> = Object.entries(
  JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'apps/agent-controller/openapi.json'), 'utf8')).paths as Record<
    string,
    Record<string, unknown>
  >,
)
  // The autonomy routes are the controller's own (answered as Agenstra's when unset), not relayed.
  .filter(([path]) => path.startsWith('/api/clients/{id}/agents') && !path.includes('autonomy'))
  .flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map((method) => ({ method: method.toUpperCase(), path })),
  );

/** A valid body for each route that takes one (bodies are validated before anything is forwarded). */
const VALID_BODIES: Record<string, unknown> = {
  'POST /api/clients/{id}/agents': { name: 'any' },
  'POST /api/clients/{id}/agents/{agentId}': { description: 'any' },
  'PUT /api/clients/{id}/agents/{agentId}/credentials': { password: 'any password' },
  'POST /api/clients/{id}/agents/{agentId}/environment': { variable: 'A', content: 'b' },
  'PUT /api/clients/{id}/agents/{agentId}/environment/{envVarId}': { variable: 'A', content: 'b' },
  'PUT /api/clients/{id}/agents/{agentId}/files/{path}': { content: 'x' },
  'POST /api/clients/{id}/agents/{agentId}/files/{path}': { type: 'file' },
  'PATCH /api/clients/{id}/agents/{agentId}/files/{path}': { destination: 'moved.md' },
  'POST /api/clients/{id}/agents/{agentId}/vcs/branches': { name: 'feature-x' },
  'POST /api/clients/{id}/agents/{agentId}/vcs/stage': { files: ['notes.md'] },
  'POST /api/clients/{id}/agents/{agentId}/vcs/unstage': { files: ['notes.md'] },
  'POST /api/clients/{id}/agents/{agentId}/vcs/commit': { message: 'any' },
  'POST /api/clients/{id}/agents/{agentId}/vcs/push': {},
  'POST /api/clients/{id}/agents/{agentId}/vcs/rebase': { branch: 'main' },
  'POST /api/clients/{id}/agents/{agentId}/vcs/workspace/prepare-clean': { baseBranch: 'main' },
  'POST /api/clients/{id}/agents/{agentId}/vcs/conflicts/resolve': { path: 'notes.md', strategy: 'yours' },
  'POST /api/clients/{id}/agents/{agentId}/automation/verify-commands': { commands: [{ cmd: 'npm test' }] },
  'POST /api/clients/{id}/agents/{agentId}/deployments/configuration': { repositoryId: 'team/app', providerToken: 't' },
  'POST /api/clients/{id}/agents/{agentId}/deployments/workflows/trigger': { workflowId: 'ci.yml', ref: 'main' },
};

/** Required query parameters. */
const VALID_QUERIES: Record<string, string> = {
  'GET /api/clients/{id}/agents/{agentId}/vcs/diff': '?path=notes.md',
};

/**
 * The proxy's fault handling against a real simulator process: every way a remote can fail maps to one
 * status and code, the answer names the client, and the controller itself stays healthy.
 */
describe('proxied calls when the remote fails', () => {
  let remote: RunningSimulator;
  let controller: RunningController;
  let api: Api;
  let admin: string;
  let clientId: string;
  let agentId: string;

  /** The simulator's control API beyond what the shared helper offers (clear faults, request counters). */
  const control = async (method: string, path: string) => {
    const response = await fetch(`${remote.url}/_simulator/${path}`, {
      method,
      headers: { authorization: `Bearer ${remote.controlToken}` },
    });
    if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const clearFaults = () => control('DELETE', 'faults');
  /** Requests the simulator answered (control calls included: each read counts itself once it is sent). */
  const answeredRequests = async (): Promise<number> => (await control('GET', 'state')).requests.total;

  beforeAll(async () => {
    remote = await startSimulator(SIMULATOR);
    controller = await startController({
      env: { REMOTE_REQUEST_TIMEOUT: String(REMOTE_TIMEOUT_MS), CLIENT_HEALTH_INTERVAL: '86400' },
    });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    const created = await api.post(
      '/api/clients',
      { name: 'Faulty remote', endpoint: remote.url, authenticationType: 'api_key', apiKey: REMOTE_KEY },
      { token: admin },
    );
    if (created.status !== 201 || created.body.health?.state !== 'healthy') {
      throw new Error(`client create: ${created.status} ${created.text}`);
    }
    clientId = created.body.id;
    agentId = await createAgent('worker');
  });

  afterAll(async () => {
    await controller?.stop();
    await remote?.stop();
  });

  afterEach(async () => {
    if (remote.process.exitCode === null && remote.process.signalCode === null) await clearFaults();
  });

  const agents = (path = '') => `/api/clients/${clientId}/agents${path}`;
  const createAgent = async (name: string): Promise<string> => {
    const created = await api.post(agents(), { name }, { token: admin });
    if (created.status !== 201) throw new Error(`agent create: ${created.status} ${created.text}`);
    return created.body.id;
  };

  /** The two proxied routes the matrix runs on: a read and a write. */
  const ROUTES: Array<{ route: string; call: () => Promise<ApiResponse>; remotePath: () => string }> = [
    {
      route: 'GET agents',
      call: () => api.get(agents(), { token: admin }),
      remotePath: () => '/api/agents',
    },
    {
      route: 'POST agents/:agentId/start',
      call: () => api.post(agents(`/${agentId}/start`), undefined, { token: admin }),
      remotePath: () => `/api/agents/${agentId}/start`,
    },
  ];

  /** Standard error body with the expected status and code, naming the client in `details.clientId`. */
  function expectRemoteFailure(
    response: ApiResponse,
    status: number,
    code: ErrorCode,
    options: { message?: RegExp } = {},
  ) {
    expectErrorBody(response, { status, code });
    expect(response.body.details?.clientId).toBe(clientId);
    if (options.message) expect(response.body.message).toMatch(options.message);
  }

  const FAULTS: Array<{
    fault: string;
    faults: Record<string, unknown>;
    status: number;
    code: ErrorCode;
    message: RegExp;
  }> = [
    { fault: '5xx (500)', faults: { status5xx: 500 }, status: 502, code: 'REMOTE_ERROR', message: /HTTP 500/ },
    { fault: '5xx (503)', faults: { status5xx: 503 }, status: 502, code: 'REMOTE_ERROR', message: /HTTP 503/ },
    {
      fault: 'connection reset',
      faults: { dropConnections: true },
      status: 502,
      code: 'REMOTE_UNREACHABLE',
      message: /reset/i,
    },
    {
      fault: 'invalid JSON',
      faults: { garbage: 'invalid-json' },
      status: 502,
      code: 'REMOTE_INCOMPATIBLE',
      message: /not JSON/,
    },
    {
      fault: 'an HTML page',
      faults: { garbage: 'html' },
      status: 502,
      code: 'REMOTE_INCOMPATIBLE',
      message: /not JSON/,
    },
  ];

  describe.each(ROUTES)('$route', ({ call, remotePath }) => {
    it.each(FAULTS)('$fault → $status $code', async ({ faults, status, code, message }) => {
      await remote.setFaults({ ...faults, pathPattern: `^${remotePath()}$` });
      expectRemoteFailure(await call(), status, code, { message });
    });

    it(`slower than REMOTE_REQUEST_TIMEOUT → 504 REMOTE_TIMEOUT, answered at the limit`, async () => {
      await remote.setFaults({ latencyMs: REMOTE_TIMEOUT_MS * 3, pathPattern: `^${remotePath()}$` });
      const started = performance.now();
      const response = await call();
      const elapsed = performance.now() - started;
      expectRemoteFailure(response, 504, 'REMOTE_TIMEOUT', { message: new RegExp(`${REMOTE_TIMEOUT_MS} ms`) });
      expect(elapsed).toBeGreaterThanOrEqual(REMOTE_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(REMOTE_TIMEOUT_MS + TIMEOUT_MARGIN_MS);
    });
  });

  it(`every proxied route (${PROXIED_ROUTES.length}) maps a remote 500 to 502 REMOTE_ERROR naming the client`, async () => {
    await remote.setFaults({ status5xx: 500 });
    const fill = (path: string) =>
      path
        .replace('{id}', clientId)
        .replace('{agentId}', agentId)
        .replace('{envVarId}', randomUUID())
        .replace('{path}', 'notes.md')
        .replace('{branch}', 'feature-x')
        .replace('{repositoryId}', 'team%2Fapp')
        .replace('{runId}', '1')
        .replace('{jobId}', '1');
    const checked: string[] = [];
    for (const { method, path } of PROXIED_ROUTES) {
      const route = `${method} ${path}`;
      const response = await api.request(method, fill(path) + (VALID_QUERIES[route] ?? ''), {
        token: admin,
        body: VALID_BODIES[route],
      });
      expect({ route, status: response.status, code: response.body?.code }).toEqual({
        route,
        status: 502,
        code: 'REMOTE_ERROR',
      });
      expect(response.body.details?.clientId).toBe(clientId);
      checked.push(route);
    }
    expect(checked.length).toBe(PROXIED_ROUTES.length);
  });

  it('a wrong-shape agents list → 502 REMOTE_INCOMPATIBLE', async () => {
    await remote.setFaults({ garbage: 'wrong-shape', pathPattern: '^/api/agents$' });
    expectRemoteFailure(await api.get(agents(), { token: admin }), 502, 'REMOTE_INCOMPATIBLE', {
      message: /does not match/,
    });
  });

  it.each([
    ['GET agents/:unknownId', (id: string) => api.get(agents(`/${id}`), { token: admin }), 'GET', ''],
    [
      'POST agents/:unknownId/start',
      (id: string) => api.post(agents(`/${id}/start`), undefined, { token: admin }),
      'POST',
      '/start',
    ],
  ])(
    "%s: the remote's 404 passes with its status and message as REMOTE_REJECTED",
    async (_route, call, method, suffix) => {
      const unknown = randomUUID();
      const direct = await fetch(`${remote.url}/api/agents/${unknown}${suffix}`, {
        method,
        headers: { authorization: `Bearer ${REMOTE_KEY}` },
      });
      expect(direct.status).toBe(404);
      const remoteMessage = ((await direct.json()) as { message: string }).message;
      const response = await call(unknown);
      expectRemoteFailure(response, 404, 'REMOTE_REJECTED');
      expect(response.body.message).toBe(remoteMessage);
    },
  );

  it('an inactive client → 409 CLIENT_INACTIVE, and the remote sees no request', async () => {
    expect((await api.post(`/api/clients/${clientId}/status`, { status: 'inactive' }, { token: admin })).status).toBe(
      200,
    );
    try {
      const before = await answeredRequests();
      for (const { call } of ROUTES) expectRemoteFailure(await call(), 409, 'CLIENT_INACTIVE');
      // Only the first counter read itself was answered in between.
      expect(await answeredRequests()).toBe(before + 1);
    } finally {
      await api.post(`/api/clients/${clientId}/status`, { status: 'active' }, { token: admin });
    }
  });

  it('a remote that is down → 502 REMOTE_UNREACHABLE; the remote back on its port answers again', async () => {
    await remote.stop();
    for (const { call } of ROUTES)
      expectRemoteFailure(await call(), 502, 'REMOTE_UNREACHABLE', { message: /refused/i });
    // Back on the same port (its agents are gone: the simulator keeps them in memory).
    remote = await startSimulator({ ...SIMULATOR, port: remote.port });
    agentId = await createAgent('worker-again');
  });

  it('after the matrix the controller is ready and proxied calls succeed again', async () => {
    expect((await api.get('/api/health/ready')).status).toBe(200);
    const list = await api.get(agents(), { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.map((agent: { id: string }) => agent.id)).toEqual([agentId]);
    expect((await api.post(agents(`/${agentId}/start`), undefined, { token: admin })).status).toBe(201);
    const client = await api.get(`/api/clients/${clientId}`, { token: admin });
    expect(client.body.status).toBe('active');
  });
});
