import { randomUUID } from 'node:crypto';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningController, startController } from '../support/controller-process';
import { RunningSimulator, startSimulator } from '../support/simulator-process';
import { expectErrorBody } from '../support/error-body';

interface AuditRow {
  action: string;
  outcome: string;
  actorEmail: string | null;
  targetType: string | null;
  details: Record<string, unknown> | null;
}

describe('agent operations proxied to a remote agent-manager', () => {
  let remote: RunningSimulator;
  let controller: RunningController;
  let api: Api;
  let admin: string;
  let clientId: string;

  beforeAll(async () => {
    remote = await startSimulator({
      apiKey: 'proxy-remote-key',
      args: ['--git-repository-url', 'https://git.example.com/r.git'],
    });
    controller = await startController({ env: { REMOTE_REQUEST_TIMEOUT: '1500' } });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    clientId = (
      await api.post(
        '/api/clients',
        { name: 'Proxy target', endpoint: remote.url, authenticationType: 'api_key', apiKey: 'proxy-remote-key' },
        { token: admin },
      )
    ).body.id;
  });

  afterAll(async () => {
    await controller?.stop();
    await remote?.stop();
  });

  const agents = (path = '') => `/api/clients/${clientId}/agents${path}`;

  it('creates an agent on the remote, returns its one-time password once and never shows it again', async () => {
    const created = await api.post(agents(), { name: 'builder', description: 'builds things' }, { token: admin });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'builder',
      agentType: 'cursor',
      password: expect.stringMatching(/^[A-Za-z0-9]{16}$/),
    });
    const read = await api.get(agents(`/${created.body.id}`), { token: admin });
    expect(read.status).toBe(200);
    expect(read.body.password).toBeUndefined();
    expect(controller.output()).not.toContain(created.body.password);
  });

  it('lists, reads, updates, starts/stops/restarts and lists models, passing the remote status on', async () => {
    const id = (await api.post(agents(), { name: 'runner' }, { token: admin })).body.id;
    const list = await api.get(agents('?limit=5'), { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.map((agent: { id: string }) => agent.id)).toContain(id);
    const updated = await api.post(agents(`/${id}`), { description: 'updated' }, { token: admin });
    expect(updated.status).toBe(201);
    expect(updated.body.description).toBe('updated');
    for (const action of ['start', 'stop', 'restart']) {
      expect((await api.post(agents(`/${id}/${action}`), undefined, { token: admin })).status).toBe(201);
    }
    expect((await api.get(agents(`/${id}/models`), { token: admin })).status).toBe(200);
  });

  it("passes the remote's 4xx on with its status and message", async () => {
    await api.post(agents(), { name: 'twin' }, { token: admin });
    const duplicate = await api.post(agents(), { name: 'twin' }, { token: admin });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toMatchObject({ code: 'REMOTE_REJECTED', message: "Agent with name 'twin' already exists" });
    const missing = await api.get(agents(`/${randomUUID()}`), { token: admin });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('REMOTE_REJECTED');
  });

  it('manages environment variables: list, count, create, update, delete one and all', async () => {
    const id = (await api.post(agents(), { name: 'env-holder' }, { token: admin })).body.id;
    const env = (path = '') => agents(`/${id}/environment${path}`);
    const created = await api.post(env(), { variable: 'API_URL', content: 'https://x' }, { token: admin });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ variable: 'API_URL', content: 'https://x', agentId: id });
    await api.post(env(), { variable: 'MODE', content: 'fast' }, { token: admin });
    expect((await api.get(env('/count'), { token: admin })).body).toEqual({ count: 2 });
    const updated = await api.request('PUT', env(`/${created.body.id}`), {
      token: admin,
      body: { variable: 'API_URL', content: 'https://y' },
    });
    expect(updated.status).toBe(200);
    expect((await api.delete(env(`/${created.body.id}`), { token: admin })).status).toBe(204);
    expect(
      (await api.get(env(), { token: admin })).body.map((variable: { variable: string }) => variable.variable),
    ).toEqual(['MODE']);
    const cleared = await api.delete(env(), { token: admin });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ deletedCount: 1 });
    const invalid = await api.post(env(), { variable: 'HAS SPACE', content: '' }, { token: admin });
    expect(invalid.status).toBe(400);
    expect(invalid.body.details.fields[0].field).toBe('variable');
  });

  it('reads, writes, creates, moves and deletes files; config files need management rights', async () => {
    const id = (await api.post(agents(), { name: 'file-holder' }, { token: admin })).body.id;
    const files = (path = '') => agents(`/${id}/files${path}`);
    const tree = await api.get(files(), { token: admin });
    expect(tree.status).toBe(200);
    expect(tree.body.map((node: { name: string }) => node.name)).toContain('README.md');
    const readme = await api.get(files('/README.md'), { token: admin });
    expect(readme.body).toMatchObject({ encoding: expect.any(String), content: expect.any(String) });
    const content = Buffer.from('export const answer = 42;\n').toString('base64');
    expect(
      (await api.request('PUT', files('/src/answer.ts'), { token: admin, body: { content, encoding: 'base64' } }))
        .status,
    ).toBe(204);
    const written = await api.get(files('/src/answer.ts'), { token: admin });
    const text =
      written.body.encoding === 'base64'
        ? Buffer.from(written.body.content, 'base64').toString()
        : written.body.content;
    expect(text).toBe('export const answer = 42;\n');
    expect((await api.post(files('/docs'), { type: 'directory' }, { token: admin })).status).toBe(201);
    expect((await api.patch(files('/src/answer.ts'), { destination: 'docs/answer.ts' }, { token: admin })).status).toBe(
      204,
    );
    expect((await api.delete(files('/docs/answer.ts'), { token: admin })).status).toBe(204);
    expect((await api.get(files('/docs/answer.ts'), { token: admin })).status).toBe(404);

    const traversal = await api.get(files('/..%2F..%2Fetc/passwd'), { token: admin });
    expect(traversal.status).toBeGreaterThanOrEqual(400);
    expect(traversal.status).toBeLessThan(500);

    await api.post(
      '/api/users',
      { email: 'files.member@example.com', password: 'correct horse battery' },
      { token: admin },
    );
    await api.post(
      `/api/clients/${clientId}/users`,
      { email: 'files.member@example.com', role: 'user' },
      { token: admin },
    );
    const member = (
      await api.post('/api/auth/login', { email: 'files.member@example.com', password: 'correct horse battery' })
    ).body.accessToken;
    expect((await api.get(files('/README.md'), { token: member })).status).toBe(200);
    expect(
      (await api.request('PUT', files('/notes.md?context=app'), { token: member, body: { content } })).status,
    ).toBe(204);
    expect((await api.get(files('?context=config'), { token: member })).status).toBe(403);
  });

  it('runs git operations and verify-commands in the agent workspace', async () => {
    const id = (await api.post(agents(), { name: 'git-user' }, { token: admin })).body.id;
    const vcs = (path: string) => agents(`/${id}/vcs${path}`);
    const status = await api.get(vcs('/status'), { token: admin });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ currentBranch: expect.any(String), isClean: expect.any(Boolean) });
    const content = Buffer.from('changed\n').toString('base64');
    await api.request('PUT', agents(`/${id}/files/README.md`), { token: admin, body: { content, encoding: 'base64' } });
    expect((await api.get(vcs('/diff?path=README.md'), { token: admin })).body.path).toBe('README.md');
    expect((await api.post(vcs('/stage'), { files: ['README.md'] }, { token: admin })).status).toBe(204);
    expect((await api.post(vcs('/commit'), { message: 'Update README' }, { token: admin })).status).toBe(204);
    expect((await api.post(vcs('/branches'), { name: 'feature/x' }, { token: admin })).status).toBe(201);
    expect((await api.post(vcs('/branches/main/switch'), undefined, { token: admin })).status).toBe(204);
    const branches = await api.get(vcs('/branches'), { token: admin });
    expect(branches.body.map((branch: { name: string }) => branch.name)).toEqual(
      expect.arrayContaining(['main', 'feature/x']),
    );
    expect((await api.post(vcs('/push'), {}, { token: admin })).status).toBe(204);
    const bad = await api.post(vcs('/branches'), { name: '--upload-pack=evil' }, { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields[0].field).toBe('name');
    const verify = await api.post(
      agents(`/${id}/automation/verify-commands`),
      { commands: [{ cmd: 'npm test' }] },
      { token: admin },
    );
    expect(verify.status).toBeGreaterThanOrEqual(200);
    expect(verify.status).toBeLessThan(300);
    expect(verify.body.results[0]).toMatchObject({ cmd: 'npm test', exitCode: 0 });
  });

  it('configures deployments and follows a triggered run', async () => {
    const id = (await api.post(agents(), { name: 'deployer' }, { token: admin })).body.id;
    const deployments = (path: string) => agents(`/${id}/deployments${path}`);
    const none = await api.get(deployments('/runs'), { token: admin });
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('REMOTE_REJECTED');
    const configured = await api.post(
      deployments('/configuration'),
      { providerType: 'github', repositoryId: 'team/app', defaultBranch: 'main', providerToken: 'ghp_secret_token' },
      { token: admin },
    );
    expect(configured.status).toBeGreaterThanOrEqual(200);
    expect(configured.status).toBeLessThan(300);
    expect(JSON.stringify(configured.body)).not.toContain('ghp_secret_token');
    const repositories = await api.get(deployments('/repositories'), { token: admin });
    expect(repositories.status).toBe(200);
    const repositoryId = repositories.body[0].id;
    const workflows = await api.get(
      deployments(`/repositories/${encodeURIComponent(repositoryId)}/workflows?branch=main`),
      { token: admin },
    );
    expect(workflows.status).toBe(200);
    const run = await api.post(
      deployments('/workflows/trigger'),
      { workflowId: String(workflows.body[0].id), ref: 'main' },
      { token: admin },
    );
    expect(run.status).toBeGreaterThanOrEqual(200);
    expect(run.status).toBeLessThan(300);
    const runId = encodeURIComponent(String(run.body.id));
    expect((await api.get(deployments(`/runs/${runId}`), { token: admin })).status).toBe(200);
    expect((await api.get(deployments(`/runs/${runId}/logs`), { token: admin })).body).toHaveProperty('logs');
    expect((await api.get(deployments(`/runs/${runId}/jobs`), { token: admin })).status).toBe(200);
    expect((await api.post(deployments(`/runs/${runId}/cancel`), undefined, { token: admin })).status).toBe(204);
    const badTrigger = await api.post(
      deployments('/workflows/trigger'),
      { workflowId: 'a b', ref: 'main' },
      { token: admin },
    );
    expect(badTrigger.status).toBe(400);
  });

  it('validates bodies before forwarding them', async () => {
    const response = await api.post(agents(), { name: '', surprise: 1 }, { token: admin });
    expect(response.status).toBe(400);
    expect(response.body.details.fields.map((field: { field: string }) => field.field).sort()).toEqual([
      'name',
      'surprise',
    ]);
  });

  it('deletes an agent and its stored credential', async () => {
    const id = (await api.post(agents(), { name: 'short-lived' }, { token: admin })).body.id;
    expect((await api.delete(agents(`/${id}`), { token: admin })).status).toBe(204);
    expect((await api.get(agents(`/${id}`), { token: admin })).status).toBe(404);
  });

  it('stores credentials for an agent made elsewhere, and refuses them (404 naming it) for one the remote lacks', async () => {
    const direct = await fetch(`${remote.url}/api/agents`, {
      method: 'POST',
      headers: { authorization: 'Bearer proxy-remote-key', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'made-elsewhere' }),
    });
    const elsewhere = ((await direct.json()) as { id: string }).id;
    const store = (agentId: string) =>
      api.request('PUT', agents(`/${agentId}/credentials`), { token: admin, body: { password: 'from-elsewhere' } });

    expect((await store(elsewhere)).status).toBe(204);

    const missing = randomUUID();
    const refused = await store(missing);
    expectErrorBody(refused, { status: 404, code: 'NOT_FOUND' });
    expect(refused.body.message).toContain(missing);
    expect(refused.body.details).toMatchObject({ clientId, agentId: missing });
  });

  it('audits every change to an agent, with its outcome, and never a password, value or content', async () => {
    const since = new Date().toISOString();
    const created = await api.post(agents(), { name: 'audited' }, { token: admin });
    const id: string = created.body.id;
    const secrets = [
      created.body.password,
      'env-value-kept-out-of-the-trail',
      'file content kept out of the trail',
      Buffer.from('file content kept out of the trail').toString('base64'),
      'ghp_token_kept_out_of_the_trail',
      'stored password kept out of the trail',
    ];
    const ok = (status: number) => expect(status).toBeLessThan(300);
    ok((await api.post(agents(`/${id}/start`), undefined, { token: admin })).status);
    ok(
      (await api.post(agents(`/${id}/environment`), { variable: 'TOKEN', content: secrets[1] }, { token: admin }))
        .status,
    );
    ok(
      (
        await api.request('PUT', agents(`/${id}/files/notes/secret.md`), {
          token: admin,
          body: { content: secrets[3], encoding: 'base64' },
        })
      ).status,
    );
    ok((await api.post(agents(`/${id}/vcs/stage`), { files: ['notes/secret.md'] }, { token: admin })).status);
    ok((await api.post(agents(`/${id}/vcs/commit`), { message: 'Add notes' }, { token: admin })).status);
    ok(
      (
        await api.post(
          agents(`/${id}/deployments/configuration`),
          { providerType: 'github', repositoryId: 'team/app', defaultBranch: 'main', providerToken: secrets[4] },
          { token: admin },
        )
      ).status,
    );
    ok(
      (await api.request('PUT', agents(`/${id}/credentials`), { token: admin, body: { password: secrets[5] } })).status,
    );
    const unknown = randomUUID();
    expect((await api.post(agents(`/${unknown}/stop`), undefined, { token: admin })).status).toBe(404);
    // Refused by validation: nothing was attempted, nothing to audit.
    expect((await api.post(agents(`/${id}/environment`), { variable: 'HAS SPACE' }, { token: admin })).status).toBe(
      400,
    );

    const trail = await api.get<AuditRow[]>(
      `/api/audit?targetId=${clientId}&action=agent.&from=${encodeURIComponent(since)}&limit=100`,
      { token: admin },
    );
    expect(trail.status).toBe(200);
    const rows = [...trail.body].reverse().map((row: AuditRow) => ({
      action: row.action,
      outcome: row.outcome,
      agentId: row.details?.agentId,
      actor: row.actorEmail,
      targetType: row.targetType,
    }));
    const row = (action: string, outcome = 'success', agentId = id) => ({
      action,
      outcome,
      agentId,
      actor: 'admin@example.com',
      targetType: 'client',
    });
    expect(rows).toEqual([
      row('agent.create'),
      row('agent.start'),
      row('agent.environment.create'),
      row('agent.file.write'),
      row('agent.vcs.stage'),
      row('agent.vcs.commit'),
      row('agent.deployment.configure'),
      row('agent.credentials.store'),
      row('agent.stop', 'failure', unknown),
    ]);
    const failed = trail.body.find((event: AuditRow) => event.outcome === 'failure');
    expect(failed?.details).toMatchObject({ status: 404, errorCode: 'REMOTE_REJECTED' });
    const fileRow = trail.body.find((event: AuditRow) => event.action === 'agent.file.write');
    expect(fileRow?.details?.['path']).toBe('notes/secret.md');
    for (const secret of secrets) expect(trail.text).not.toContain(secret);
  });

  it('maps a remote failure to 502 and a slow remote to 504, and refuses inactive clients with 409', async () => {
    await remote.setFaults({ status5xx: 503, pathPattern: '^/api/agents' });
    const failing = await api.get(agents(), { token: admin });
    expect(failing.status).toBe(502);
    expect(failing.body.code).toBe('REMOTE_ERROR');
    await remote.setFaults({ status5xx: null, latencyMs: 2500 });
    const started = Date.now();
    const slow = await api.get(agents(), { token: admin });
    expect(slow.status).toBe(504);
    expect(slow.body.code).toBe('REMOTE_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2500);
    await remote.setFaults({ latencyMs: 0, pathPattern: null });
    expect((await api.get('/api/health/ready')).status).toBe(200);

    await api.post(`/api/clients/${clientId}/status`, { status: 'inactive' }, { token: admin });
    const inactive = await api.get(agents(), { token: admin });
    expect(inactive.status).toBe(409);
    expect(inactive.body.code).toBe('CLIENT_INACTIVE');
    await api.post(`/api/clients/${clientId}/status`, { status: 'active' }, { token: admin });
  });

  it('applies the permission policy: a client user may read and operate but not create', async () => {
    await api.post('/api/users', { email: 'member@example.com', password: 'correct horse battery' }, { token: admin });
    await api.post(`/api/clients/${clientId}/users`, { email: 'member@example.com', role: 'user' }, { token: admin });
    const member = (
      await api.post('/api/auth/login', { email: 'member@example.com', password: 'correct horse battery' })
    ).body.accessToken;
    expect((await api.get(agents(), { token: member })).status).toBe(200);
    expect((await api.post(agents(), { name: 'not allowed' }, { token: member })).status).toBe(403);
    await api.post(
      '/api/users',
      { email: 'outsider@example.com', password: 'correct horse battery' },
      { token: admin },
    );
    const outsider = (
      await api.post('/api/auth/login', { email: 'outsider@example.com', password: 'correct horse battery' })
    ).body.accessToken;
    expect((await api.get(agents(), { token: outsider })).status).toBe(404);
  });

  it('records the last use of the client (batched)', async () => {
    await api.get(agents(), { token: admin });
    const deadline = Date.now() + 10_000;
    let lastUsedAt = null;
    while (!lastUsedAt && Date.now() < deadline) {
      lastUsedAt = (await api.get(`/api/clients/${clientId}`, { token: admin })).body.lastUsedAt;
      if (!lastUsedAt) await new Promise((wait) => setTimeout(wait, 500));
    }
    expect(lastUsedAt).not.toBeNull();
  });
});

describe('per-client rate limit on proxied calls', () => {
  let remote: RunningSimulator;
  let controller: RunningController;

  beforeAll(async () => {
    remote = await startSimulator({ apiKey: 'limited-remote-key' });
    controller = await startController({ env: { CLIENT_RATE_LIMIT: '3' } });
  });

  afterAll(async () => {
    await controller?.stop();
    await remote?.stop();
  });

  it('answers 429 CLIENT_RATE_LIMITED with Retry-After past the budget, per client', async () => {
    const api = new Api(controller.baseUrl);
    const admin = await setUpFirstAdmin(api, controller.setupToken());
    const create = async (name: string) =>
      (
        await api.post(
          '/api/clients',
          { name, endpoint: remote.url, authenticationType: 'api_key', apiKey: 'limited-remote-key' },
          { token: admin },
        )
      ).body.id as string;
    const [first, second] = [await create('limited-1'), await create('limited-2')];
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.get(`/api/clients/${first}/agents`, { token: admin })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await api.get(`/api/clients/${first}/agents`, { token: admin });
    expect(limited.body.code).toBe('CLIENT_RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api.get(`/api/clients/${second}/agents`, { token: admin })).status).toBe(200);
  });
});
