import { randomBytes } from 'node:crypto';
import { expectErrorBody } from '../support/error-body';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningController, startController } from '../support/controller-process';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

const PASSWORD = 'correct horse battery';

async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((wait) => setTimeout(wait, 200));
    value = await read();
  }
  return value;
}

describe('client registry against simulated agent-managers', () => {
  let controller: RunningController;
  let api: Api;
  let admin: string;
  let simulator: RunningSimulator;
  const remoteKey = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    simulator = await startSimulator({
      apiKey: remoteKey,
      args: ['--git-repository-url', 'https://git.example.com/team/repo.git'],
    });
    controller = await startController({
      env: { CLIENT_HEALTH_INTERVAL: '1', CLIENT_HEALTH_TIMEOUT_MS: '1000', CLIENT_HEALTH_DEGRADED_LATENCY_MS: '800' },
    });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
  });

  afterAll(async () => {
    await simulator?.stop();
    await controller?.stop();
  });

  const create = (body: Record<string, unknown>, token = admin) => api.post('/api/clients', body, { token });

  describe('create', () => {
    it('verifies a reachable remote and stores its configuration', async () => {
      const response = await create({
        name: 'Reachable',
        endpoint: `${simulator.url}/`,
        authenticationType: 'api_key',
        apiKey: remoteKey,
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        name: 'Reachable',
        endpoint: simulator.url,
        status: 'active',
        agentWsPort: 8080,
        health: { state: 'healthy', reason: null },
        config: {
          gitRepositoryUrl: 'https://git.example.com/team/repo.git',
          agentTypes: expect.arrayContaining([{ type: 'cursor', displayName: 'Cursor' }]),
        },
      });
      expect(response.body.health.latencyMs).toEqual(expect.any(Number));
      expect(response.body.apiKey).toBe(remoteKey);
    });

    it('stores a remote that is down as unreachable, with the reason', async () => {
      const down = await startSimulator();
      const endpoint = down.url;
      await down.stop();
      const response = await create({
        name: 'Down',
        endpoint,
        authenticationType: 'api_key',
        apiKey: 'whatever-key-123456',
      });
      expect(response.status).toBe(201);
      expect(response.body.health).toMatchObject({
        state: 'unreachable',
        reason: expect.stringContaining('Connection refused'),
      });
      expect(response.body.config).toBeNull();
    });

    it('stores a remote that refuses the key as auth_failed, with the reason', async () => {
      const response = await create({
        name: 'Wrong key',
        endpoint: simulator.url,
        authenticationType: 'api_key',
        apiKey: 'not-the-remote-key-1',
      });
      expect(response.status).toBe(201);
      expect(response.body.health).toMatchObject({
        state: 'auth_failed',
        reason: expect.stringContaining('Invalid API key'),
      });
    });

    it('generates a strong key when none is given and shows it only once', async () => {
      const response = await create({ name: 'Generated', endpoint: simulator.url, authenticationType: 'api_key' });
      expect(response.body.apiKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const read = await api.get(`/api/clients/${response.body.id}`, { token: admin });
      expect(read.body.apiKey).toBeUndefined();
      expect(JSON.stringify(read.body)).not.toContain(response.body.apiKey);
    });

    it("registers a remote's own short key (the README's demo-remote-key) and flags it weak, never showing it", async () => {
      const demo = await startSimulator({ apiKey: 'demo-remote-key' });
      try {
        const response = await create({
          name: 'Short key',
          endpoint: demo.url,
          authenticationType: 'api_key',
          apiKey: 'demo-remote-key',
        });
        expect(response.status).toBe(201);
        expect(response.body).toMatchObject({ weakApiKey: true, health: { state: 'healthy' } });
        const read = await api.get(`/api/clients/${response.body.id}`, { token: admin });
        expect(read.body.weakApiKey).toBe(true);
        expect(JSON.stringify(read.body)).not.toContain('demo-remote-key');
        const listed = await api.get('/api/clients?search=Short%20key', { token: admin });
        expect(listed.body.map((client: { weakApiKey: boolean }) => client.weakApiKey)).toEqual([true]);
        expect(JSON.stringify(listed.body)).not.toContain('demo-remote-key');

        const strong = await api.post(`/api/clients/${response.body.id}`, { apiKey: remoteKey }, { token: admin });
        expect(strong.body.weakApiKey).toBe(false);
      } finally {
        await demo.stop();
      }
      const generated = await create({
        name: 'Strong generated',
        endpoint: simulator.url,
        authenticationType: 'api_key',
      });
      expect(generated.body.weakApiKey).toBe(false);
    });

    it.each([
      ['513 characters', 'k'.repeat(513)],
      ['a space', 'demo remote key'],
      ['a non-ASCII letter', 'schlüssel-der-gegenseite'],
      ['an emoji', 'remote-key-\u{1F511}-0123'],
      ['a control character', 'remote-key-\u0007-0123456'],
      ['nothing', ''],
    ])('refuses an apiKey with %s at create, update and rotate (400 naming apiKey)', async (_what, apiKey) => {
      const namesApiKey = (response: { status: number; body: { details: { fields: { field: string }[] } } }) => {
        expect(response.status).toBe(400);
        expect(response.body.details.fields.map((entry) => entry.field)).toEqual(['apiKey']);
      };
      namesApiKey(await create({ name: 'Bad key', endpoint: simulator.url, authenticationType: 'api_key', apiKey }));
      const existing = (await api.get('/api/clients?search=Reachable', { token: admin })).body[0];
      namesApiKey(await api.post(`/api/clients/${existing.id}`, { apiKey }, { token: admin }));
      namesApiKey(await api.post(`/api/clients/${existing.id}/rotate-key`, { apiKey }, { token: admin }));
      expect((await api.get('/api/clients?search=Bad%20key', { token: admin })).body).toEqual([]);
    });

    it.each([
      ['keycloakClientId', 'agent-\u{1F511}'],
      ['keycloakClientId', 'контроллер'],
      ['keycloakClientSecret', 'secret\r\nX-Injected: 1'],
      ['keycloakClientSecret', 'geheimnis-\u00e4'],
    ])('refuses a Keycloak credential a request cannot carry (%s %p), naming the field', async (field, value) => {
      const response = await create({
        name: 'Bad Keycloak credential',
        endpoint: simulator.url,
        authenticationType: 'keycloak',
        keycloakClientId: 'agent-controller',
        keycloakClientSecret: 'secret',
        keycloakRealm: 'agents',
        [field]: value,
      });
      expect(response.status).toBe(400);
      expect(response.body.details.fields.map((entry: { field: string }) => entry.field)).toEqual([field]);
    });

    it('refuses a duplicate name in any case, also under a race', async () => {
      const again = await create({ name: 'REACHABLE', endpoint: simulator.url, authenticationType: 'api_key' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('NAME_TAKEN');
      const racing = await Promise.all(
        [1, 2, 3].map(() =>
          create({ name: 'Racer', endpoint: simulator.url, authenticationType: 'api_key', apiKey: remoteKey }),
        ),
      );
      expect(racing.map((response) => response.status).sort()).toEqual([201, 409, 409]);
    });

    it.each([
      ['ftp scheme', { endpoint: 'ftp://example.com' }, 'endpoint'],
      ['credentials in the URL', { endpoint: 'http://user:pw@example.com' }, 'endpoint'],
      ['a query string', { endpoint: 'http://example.com/?x=1' }, 'endpoint'],
      ['a null name', { name: null }, 'name'],
      ['an over-long name', { name: 'n'.repeat(256) }, 'name'],
      ['a port out of range', { agentWsPort: 70000 }, 'agentWsPort'],
      ['keycloak without its fields', { authenticationType: 'keycloak' }, 'keycloakClientId'],
      ['an unknown field', { secretSauce: true }, 'secretSauce'],
    ])('refuses %s with a 400 naming the field', async (_case, override, field) => {
      const response = await create({
        name: `Bad ${field}`,
        endpoint: simulator.url,
        authenticationType: 'api_key',
        ...override,
      });
      expect(response.status).toBe(400);
      expect(response.body.details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    });
  });

  describe('read, list, update, delete', () => {
    it('lists newest first with paging, a total, search and filters, without calling any remote', async () => {
      const page = await api.get('/api/clients?limit=2&offset=0', { token: admin });
      expect(page.status).toBe(200);
      expect(page.body).toHaveLength(2);
      const total = Number(page.headers.get('x-total-count'));
      expect(total).toBeGreaterThanOrEqual(5);
      const all = (await api.get('/api/clients?limit=100', { token: admin })).body as { createdAt: string }[];
      const times = all.map((client) => client.createdAt);
      expect([...times].sort().reverse()).toEqual(times);

      const search = await api.get('/api/clients?search=reach', { token: admin });
      expect(search.body.map((client: { name: string }) => client.name)).toEqual(['Reachable']);
      const unreachable = await api.get('/api/clients?health=unreachable', { token: admin });
      expect(
        unreachable.body.every((client: { health: { state: string } }) => client.health.state === 'unreachable'),
      ).toBe(true);
      const percent = await api.get(`/api/clients?search=${encodeURIComponent('%')}`, { token: admin });
      expect(percent.body).toEqual([]);
    });

    it('updates with POST and PATCH, re-verifying when the connection changed', async () => {
      const created = await create({
        name: 'To update',
        endpoint: simulator.url,
        authenticationType: 'api_key',
        apiKey: 'wrong-key-for-now-1',
      });
      expect(created.body.health.state).toBe('auth_failed');
      const fixed = await api.post(
        `/api/clients/${created.body.id}`,
        { apiKey: remoteKey, description: 'now right' },
        { token: admin },
      );
      expect(fixed.status).toBe(200);
      expect(fixed.body).toMatchObject({ description: 'now right', health: { state: 'healthy' } });
      expect(fixed.body.keyRotatedAt).not.toBeNull();
      const patched = await api.patch(`/api/clients/${created.body.id}`, { agentWsPort: 9090 }, { token: admin });
      expect(patched.body.agentWsPort).toBe(9090);
    });

    it('requires the new credentials when switching authentication type', async () => {
      const created = await create({
        name: 'Switcher',
        endpoint: simulator.url,
        authenticationType: 'api_key',
        apiKey: remoteKey,
      });
      const response = await api.post(
        `/api/clients/${created.body.id}`,
        { authenticationType: 'keycloak', keycloakClientId: 'x' },
        { token: admin },
      );
      expect(response.status).toBe(400);
      expect(response.body.details.fields[0].field).toBe('keycloakClientSecret');
    });

    it('deletes a client and then answers 404', async () => {
      const created = await create({
        name: 'Doomed',
        endpoint: simulator.url,
        authenticationType: 'api_key',
        apiKey: remoteKey,
      });
      expect((await api.delete(`/api/clients/${created.body.id}`, { token: admin })).status).toBe(204);
      expect((await api.get(`/api/clients/${created.body.id}`, { token: admin })).status).toBe(404);
    });

    it("hides other users' clients behind 404 and lets users manage their own", async () => {
      await api.post('/api/users', { email: 'operator@example.com', password: PASSWORD }, { token: admin });
      const user = (await api.post('/api/auth/login', { email: 'operator@example.com', password: PASSWORD })).body
        .accessToken;
      const adminClient = (await api.get('/api/clients?search=Reachable', { token: admin })).body[0];
      expect((await api.get(`/api/clients/${adminClient.id}`, { token: user })).status).toBe(404);
      expect((await api.delete(`/api/clients/${adminClient.id}`, { token: user })).status).toBe(404);
      expect(Number((await api.get('/api/clients', { token: user })).headers.get('x-total-count'))).toBe(0);

      const own = await create(
        { name: 'Operator owned', endpoint: simulator.url, authenticationType: 'api_key', apiKey: remoteKey },
        user,
      );
      expect(own.status).toBe(201);
      const listed = await api.get('/api/clients', { token: user });
      expect(listed.body.map((client: { id: string }) => client.id)).toEqual([own.body.id]);
      expect(
        (await api.post(`/api/clients/${own.body.id}/status`, { status: 'inactive' }, { token: user })).status,
      ).toBe(200);
    });
  });

  describe('verify, rotate, status', () => {
    let clientId: string;

    beforeAll(async () => {
      clientId = (
        await create({ name: 'Lifecycle', endpoint: simulator.url, authenticationType: 'api_key', apiKey: remoteKey })
      ).body.id;
    });

    it('verifies on demand and records the last use', async () => {
      const response = await api.post(`/api/clients/${clientId}/verify`, undefined, { token: admin });
      expect(response.status).toBe(200);
      expect(response.body.health.state).toBe('healthy');
      expect(response.body.config.agentTypes.length).toBeGreaterThan(0);
      expect((await api.get(`/api/clients/${clientId}`, { token: admin })).body.lastUsedAt).not.toBeNull();
    });

    describe('rotate: the key is the remote’s, so it is checked with the remote before it is stored', () => {
      const rotate = (body: Record<string, unknown>) =>
        api.post(`/api/clients/${clientId}/rotate-key`, body, { token: admin });
      const oldKeyStillWorks = async () => {
        expect((await api.post(`/api/clients/${clientId}/verify`, undefined, { token: admin })).body.health.state).toBe(
          'healthy',
        );
        expect((await api.get(`/api/clients/${clientId}/agents`, { token: admin })).status).toBe(200);
      };

      it('requires the new key: 400 naming apiKey, nothing generated', async () => {
        const response = await rotate({});
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
        expect(response.body.details.fields).toEqual([expect.objectContaining({ field: 'apiKey', location: 'body' })]);
        await oldKeyStillWorks();
      });

      it('keeps the old key and answers 409 naming the remote’s answer when the remote refuses the new one', async () => {
        const response = await rotate({ apiKey: 'a-key-the-remote-does-not-know' });
        expect(response.status).toBe(409);
        expect(response.body.code).toBe('KEY_NOT_ACCEPTED');
        expect(response.body.message).toContain('auth_failed');
        expect(response.body.details.remote).toMatchObject({
          state: 'auth_failed',
          status: 401,
          reason: expect.stringContaining('Invalid API key'),
        });
        expect((await api.get(`/api/clients/${clientId}`, { token: admin })).body.keyRotatedAt).toBeNull();
        await oldKeyStillWorks();
      });

      it('stores a refused key when forced; the health then shows auth_failed', async () => {
        const response = await rotate({ apiKey: 'a-key-the-remote-does-not-know', force: true });
        expect(response.status).toBe(200);
        expect(response.body.keyRotatedAt).not.toBeNull();
        expect(response.body.health).toMatchObject({
          state: 'auth_failed',
          reason: expect.stringContaining('Invalid API key'),
        });
        expect((await api.get(`/api/clients/${clientId}/agents`, { token: admin })).status).toBe(502);
      });

      it('stores the key the remote accepts: 200 and healthy', async () => {
        const response = await rotate({ apiKey: remoteKey });
        expect(response.status).toBe(200);
        expect(response.body.apiKey).toBe(remoteKey);
        expect(response.body.health).toMatchObject({ state: 'healthy', reason: null });
        expect((await api.get(`/api/clients/${clientId}`, { token: admin })).body.health.state).toBe('healthy');
        await oldKeyStillWorks();
      });

      it('answers 409 naming unreachable when the remote cannot be asked, and keeps the old key', async () => {
        const down = await startSimulator({ apiKey: remoteKey });
        const created = await create({
          name: 'Rotate while down',
          endpoint: down.url,
          authenticationType: 'api_key',
          apiKey: remoteKey,
        });
        await down.stop();
        const response = await api.post(
          `/api/clients/${created.body.id}/rotate-key`,
          { apiKey: 'the-next-remote-key' },
          { token: admin },
        );
        expect(response.status).toBe(409);
        expect(response.body.code).toBe('KEY_NOT_ACCEPTED');
        expect(response.body.details.remote.state).toBe('unreachable');
        expect((await api.get(`/api/clients/${created.body.id}`, { token: admin })).body.keyRotatedAt).toBeNull();
      });
    });

    it('deactivates: kept and listed, but never called (verify answers 409 CLIENT_INACTIVE)', async () => {
      const response = await api.post(`/api/clients/${clientId}/status`, { status: 'inactive' }, { token: admin });
      expect(response.body.status).toBe('inactive');
      const listed = await api.get('/api/clients?status=inactive', { token: admin });
      expect(listed.body.map((client: { id: string }) => client.id)).toContain(clientId);
      const verify = await api.post(`/api/clients/${clientId}/verify`, undefined, { token: admin });
      expect(verify.status).toBe(409);
      expect(verify.body.code).toBe('CLIENT_INACTIVE');
      await api.post(`/api/clients/${clientId}/status`, { status: 'active' }, { token: admin });
    });
  });

  describe('bulk actions', () => {
    it('previews with dryRun without changing anything, then applies per item', async () => {
      const ids = [
        (await create({ name: 'Bulk A', endpoint: simulator.url, authenticationType: 'api_key', apiKey: remoteKey }))
          .body.id,
        (await create({ name: 'Bulk B', endpoint: simulator.url, authenticationType: 'api_key', apiKey: remoteKey }))
          .body.id,
      ];
      const missing = '00000000-0000-4000-8000-000000000000';
      const preview = await api.post(
        '/api/clients/bulk',
        { action: 'deactivate', ids: [...ids, missing], dryRun: true },
        { token: admin },
      );
      expect(preview.status).toBe(200);
      expect(preview.body.results).toEqual([
        { id: ids[0], result: 'ok', message: 'would deactivate' },
        { id: ids[1], result: 'ok', message: 'would deactivate' },
        { id: missing, result: 'not_found' },
      ]);
      expect((await api.get(`/api/clients/${ids[0]}`, { token: admin })).body.status).toBe('active');

      const applied = await api.post('/api/clients/bulk', { action: 'deactivate', ids }, { token: admin });
      expect(applied.body.results.map((result: { result: string }) => result.result)).toEqual(['ok', 'ok']);
      expect((await api.get(`/api/clients/${ids[1]}`, { token: admin })).body.status).toBe('inactive');

      const verify = await api.post('/api/clients/bulk', { action: 'verify', ids }, { token: admin });
      expect(verify.body.results.map((result: { result: string }) => result.result)).toEqual([
        'CLIENT_INACTIVE',
        'CLIENT_INACTIVE',
      ]);

      const removed = await api.post('/api/clients/bulk', { action: 'delete', ids }, { token: admin });
      expect(removed.body.results.map((result: { result: string }) => result.result)).toEqual(['ok', 'ok']);
      expect((await api.get(`/api/clients/${ids[0]}`, { token: admin })).status).toBe(404);
    });

    it('refuses more than 500 ids and duplicates', async () => {
      const tooMany = Array.from({ length: 501 }, () => crypto.randomUUID());
      expect((await api.post('/api/clients/bulk', { action: 'verify', ids: tooMany }, { token: admin })).status).toBe(
        400,
      );
      const id = crypto.randomUUID();
      expect((await api.post('/api/clients/bulk', { action: 'verify', ids: [id, id] }, { token: admin })).status).toBe(
        400,
      );
    });
  });

  describe('audit trail', () => {
    it('records changes with actor, request id and redacted secrets, for global admins only', async () => {
      const created = await api.request('POST', '/api/clients', {
        token: admin,
        body: {
          name: 'Audited',
          endpoint: simulator.url,
          authenticationType: 'api_key',
          apiKey: 'audit-secret-key-value',
        },
        headers: { 'x-request-id': 'audit-trace-1' },
      });
      await api.post(
        `/api/clients/${created.body.id}/rotate-key`,
        { apiKey: 'audit-rotated-secret-value', force: true },
        { token: admin },
      );
      const events = await api.get(`/api/audit?targetId=${created.body.id}`, { token: admin });
      expect(events.status).toBe(200);
      expect(events.body.map((event: { action: string }) => event.action)).toEqual([
        'client.rotate_key',
        'client.create',
      ]);
      const creation = events.body[1];
      expect(creation).toMatchObject({
        actorType: 'user',
        actorEmail: 'admin@example.com',
        outcome: 'success',
        requestId: 'audit-trace-1',
      });
      expect(creation.changes.apiKey).toEqual({ to: '[redacted]' });
      expect(creation.changes.name).toEqual({ to: 'Audited' });
      // Every row names its target as it is called now.
      expect(events.body.map((event: { targetName: string }) => event.targetName)).toEqual(['Audited', 'Audited']);
      await api.post(`/api/clients/${created.body.id}`, { name: 'Audited renamed' }, { token: admin });
      const renamed = await api.get(`/api/audit?targetId=${created.body.id}`, { token: admin });
      expect(new Set(renamed.body.map((event: { targetName: string }) => event.targetName))).toEqual(
        new Set(['Audited renamed']),
      );
      // Users are named by their e-mail; a deleted client by the name its deletion recorded.
      const setup = (await api.get('/api/audit?action=auth.setup', { token: admin })).body[0];
      expect(setup).toMatchObject({ targetType: 'user', targetName: 'admin@example.com' });
      expect((await api.delete(`/api/clients/${created.body.id}`, { token: admin })).status).toBe(204);
      const afterDelete = await api.get(`/api/audit?targetId=${created.body.id}`, { token: admin });
      expect(afterDelete.body[0]).toMatchObject({ action: 'client.delete', targetName: 'Audited renamed' });

      const everything = JSON.stringify((await api.get('/api/audit?limit=100', { token: admin })).body);
      expect(everything).not.toContain('audit-secret-key-value');
      expect(everything).not.toContain('audit-rotated-secret-value');
      expect(everything).not.toContain(remoteKey);
      expect(controller.output()).not.toContain('audit-secret-key-value');
      expect(controller.output()).not.toContain(remoteKey);

      const logins = await api.get('/api/audit?action=auth.', { token: admin });
      expect(logins.body.some((event: { action: string }) => event.action === 'auth.setup')).toBe(true);
      const user = (await api.post('/api/auth/login', { email: 'operator@example.com', password: PASSWORD })).body
        .accessToken;
      expect((await api.get('/api/audit', { token: user })).status).toBe(403);
    });
  });

  describe('health prober', () => {
    it('notices a remote going down and coming back, and keeps the history', async () => {
      const flaky = await startSimulator({ apiKey: remoteKey });
      const port = flaky.port;
      const id = (
        await create({ name: 'Flaky', endpoint: flaky.url, authenticationType: 'api_key', apiKey: remoteKey })
      ).body.id;
      const read = async () => (await api.get(`/api/clients/${id}`, { token: admin })).body.health.state as string;
      expect(await read()).toBe('healthy');

      await flaky.stop();
      await waitFor(read, (state) => state === 'unreachable');

      const back = await startSimulator({ apiKey: remoteKey, port });
      try {
        await waitFor(read, (state) => state === 'healthy');
        const history = await api.get(`/api/clients/${id}/health/history`, { token: admin });
        expect(history.body.map((event: { from: string; to: string }) => `${event.from}->${event.to}`)).toEqual([
          'unreachable->healthy',
          'healthy->unreachable',
          'unknown->healthy',
        ]);
        expect(history.body[1].reason).toContain('Connection refused');
        expect(history.headers.get('x-total-count')).toBe('3');
      } finally {
        await back.stop();
      }
    });

    it('marks a slow remote degraded and refreshes a changed configuration', async () => {
      const slow = await startSimulator({ apiKey: remoteKey });
      try {
        const id = (
          await create({ name: 'Slowpoke', endpoint: slow.url, authenticationType: 'api_key', apiKey: remoteKey })
        ).body.id;
        const read = async () => (await api.get(`/api/clients/${id}`, { token: admin })).body;
        await slow.setConfig({
          gitRepositoryUrl: 'https://git.example.com/changed.git',
          agentTypes: [{ type: 'opencode', displayName: 'OpenCode' }],
        });
        const refreshed = await waitFor(
          read,
          (client) => client.config?.gitRepositoryUrl === 'https://git.example.com/changed.git',
        );
        expect(refreshed.config.agentTypes).toEqual([{ type: 'opencode', displayName: 'OpenCode' }]);

        await slow.setFaults({ latencyMs: 900 });
        const degraded = await waitFor(read, (client) => client.health.state === 'degraded');
        expect(degraded.health.reason).toMatch(/Slow: answered in \d+ ms \(limit 800 ms\)/);

        await slow.setFaults({ latencyMs: 0, garbage: 'wrong-shape' });
        const incompatible = await waitFor(read, (client) => client.health.state === 'incompatible');
        expect(incompatible.health.reason).toContain('unexpected shape');
      } finally {
        await slow.stop();
      }
    });
  });

  describe('fleet summary and sorting', () => {
    interface Summary {
      total: number;
      byHealth: Record<string, number>;
      byStatus: Record<string, number>;
      healthChanged: { count: number; clients: { id: string; name: string; health: string; changedAt: string }[] };
      provisioningJobsInFlight: { count: number; jobs: unknown[] };
    }
    const summary = async (token: string) => {
      const response = await api.get('/api/clients/summary', { token });
      expect(response.status).toBe(200);
      return response.body as Summary;
    };
    const totalOf = async (query: string, token: string) =>
      Number((await api.get(`/api/clients?limit=1&${query}`, { token })).headers.get('x-total-count'));

    it('counts for a global admin everything the list shows, by health and by status', async () => {
      const all = await summary(admin);
      expect(all.total).toBe(await totalOf('', admin));
      expect(all.byStatus).toEqual({
        active: await totalOf('status=active', admin),
        inactive: await totalOf('status=inactive', admin),
      });
      // Health states move with the prober, so only their sum is compared (it comes from the same query).
      expect(Object.values(all.byHealth).reduce((sum, n) => sum + n, 0)).toBe(all.total);
      expect(all.provisioningJobsInFlight).toEqual({ count: 0, jobs: [] });
    });

    it('shows a member only their clients, and counts a health change at once', async () => {
      await api.post('/api/users', { email: 'summary-member@example.com', password: PASSWORD }, { token: admin });
      const member = (await api.post('/api/auth/login', { email: 'summary-member@example.com', password: PASSWORD }))
        .body.accessToken;
      expect((await summary(member)).total).toBe(0);

      const remote = await startSimulator({ apiKey: remoteKey });
      const id = (
        await create({
          name: 'Summary watched',
          endpoint: remote.url,
          authenticationType: 'api_key',
          apiKey: remoteKey,
        })
      ).body.id;
      const added = await api.post(
        `/api/clients/${id}/users`,
        { email: 'summary-member@example.com', role: 'user' },
        { token: admin },
      );
      expect(added.status).toBe(201);
      const mine = await summary(member);
      expect(mine).toMatchObject({ total: 1, byStatus: { active: 1, inactive: 0 }, byHealth: { healthy: 1 } });
      expect(mine.healthChanged.clients.map((client) => client.id)).toEqual([id]);
      expect(await totalOf('', member)).toBe(1);

      await remote.stop();
      const after = await waitFor(
        () => summary(member),
        (seen) => seen.byHealth.unreachable === 1,
      );
      expect(after.byHealth.healthy).toBe(0);
      expect(after.healthChanged).toMatchObject({
        count: 1,
        clients: [{ id, name: 'Summary watched', health: 'unreachable' }],
      });
      const everyone = await summary(admin);
      expect(everyone.total).toBeGreaterThan(1);
      expect(everyone.healthChanged.clients.find((client) => client.id === id)?.health).toBe('unreachable');
    });

    it('sorts the list on the server, stable across pages, and names a bad sort', async () => {
      const names = async (query: string) =>
        ((await api.get(`/api/clients?${query}`, { token: admin })).body as { name: string }[]).map(
          (client) => client.name,
        );
      const byName = await names('sort=name&limit=100');
      expect(byName).toEqual([...byName].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
      expect(await names('sort=-name&limit=100')).toEqual([...byName].reverse());
      const paged = [...(await names('sort=-name&limit=3')), ...(await names('sort=-name&limit=100&offset=3'))];
      expect(paged).toEqual([...byName].reverse());
      const healthy = (await api.get('/api/clients?health=healthy&sort=-latency&limit=100', { token: admin })).body as {
        health: { state: string; latencyMs: number | null };
      }[];
      const latencies = healthy.map((client) => client.health.latencyMs ?? -1);
      expect(latencies).toEqual([...latencies].sort((a, b) => b - a));
      expectErrorBody(await api.get('/api/clients?sort=size', { token: admin }), {
        status: 400,
        code: 'VALIDATION_FAILED',
        field: { name: 'sort', location: 'query' },
      });
    });
  });
});
