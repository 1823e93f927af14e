import { loadOpenApiContract, type OpenApiContract } from '@agent-controller/shared-cloud-contracts/testing';

import type { ProviderSimulatorHandle } from '../core/provider-simulator';
import { startHetznerSimulator } from '../hetzner';
import {
  cloudConfig,
  type ContractApi,
  contractApi,
  CONTROL_TOKEN,
  control,
  type Json,
  READ_ONLY_TOKEN,
  send,
  TOKEN,
  waitFor,
} from '../testing/helpers';

/**
 * Drives the Hetzner simulator over HTTP and checks every answer against the kept OpenAPI file (with the
 * documented adjustments of `@agent-controller/shared-cloud-contracts/testing`: `4xx`/`5xx` keys upper-cased,
 * `datacenter` no longer required), plus the headers every answer must carry.
 */
describe('Hetzner simulator against the Hetzner Cloud OpenAPI contract', () => {
  let sim: ProviderSimulatorHandle;
  let contract: OpenApiContract;
  let api: ContractApi;

  beforeAll(async () => {
    [sim, contract] = await Promise.all([
      startHetznerSimulator({
        token: TOKEN,
        readOnlyToken: READ_ONLY_TOKEN,
        controlToken: CONTROL_TOKEN,
        // Servers stay initializing unless a test shortens the boot (faults `bootMs`), so nothing races.
        bootMs: 60_000,
        deleteMs: 400,
        agentManager: { enabled: false, addressPrefix: '127.0.2' },
      }),
      loadOpenApiContract('hetzner'),
    ]);
    api = contractApi(sim.url, contract, (reply) => {
      expect(reply.headers.get('x-correlation-id')).toMatch(/^[0-9a-f]{16}$/);
      for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']) {
        expect(reply.headers.get(name)).toMatch(/^\d+$/);
      }
    });
  });

  afterAll(() => sim.close());

  afterEach(async () => {
    expect((await control(sim.controlUrl, 'POST', '/reset')).status).toBe(200);
  });

  const create = async (body: Record<string, unknown>): Promise<Json> => {
    const request = { server_type: 'cx23', image: 'ubuntu-24.04', ssh_keys: ['ops'], ...body };
    expect(contract.checkRequestBody('post', '/servers', request).errors).toEqual([]);
    const reply = await api('post', '/servers', '/servers', { body: request });
    expect(reply.status).toBe(201);
    return reply.body;
  };

  const getServer = async (id: number): Promise<Json> =>
    (await api('get', `/servers/${id}`, '/servers/{id}')).body.server;

  it('creates a server: 201, initializing, IPv4 set, create_server running, start_server next', async () => {
    const userData = cloudConfig({ env: { STATIC_API_KEY: 'never-echoed' } });
    const body = await create({
      name: 'agent-1',
      location: 'nbg1',
      labels: { 'managed-by': 'tests' },
      user_data: userData,
    });
    expect(body.server).toMatchObject({
      name: 'agent-1',
      status: 'initializing',
      location: { name: 'nbg1' },
      server_type: { name: 'cx23' },
      image: { name: 'ubuntu-24.04' },
      labels: { 'managed-by': 'tests' },
    });
    expect(body.server).not.toHaveProperty('datacenter');
    expect(body.server.public_net.ipv4.ip).toMatch(/^127\.0\.2\.\d+$/);
    expect(body.action).toMatchObject({
      command: 'create_server',
      status: 'running',
      progress: 0,
      finished: null,
      error: null,
      resources: [{ id: body.server.id, type: 'server' }],
    });
    expect(body.next_actions).toEqual([expect.objectContaining({ command: 'start_server', status: 'running' })]);
    expect(body.root_password).toBeNull();
    expect(JSON.stringify(body)).not.toContain('never-echoed');
    expect(JSON.stringify(body)).not.toContain('user_data');

    const state = (await control(sim.controlUrl, 'GET', `/servers/${body.server.id}`)).body;
    expect(state).toMatchObject({ status: 'initializing', userData, labels: { 'managed-by': 'tests' } });
    expect(state.agentManager.status).toBe('waiting');
  });

  it('generates a root password when no SSH key is given, and can leave the server off', async () => {
    await control(sim.controlUrl, 'POST', '/faults', { bootMs: 200 });
    const body = await create({ name: 'no-keys', ssh_keys: [], start_after_create: false });
    expect(body.root_password).toEqual(expect.any(String));
    expect(body.next_actions).toEqual([]);
    await waitFor(async () => (await getServer(body.server.id)).status === 'off', 'off');
  });

  it('boots initializing → starting → running while the actions progress to success', async () => {
    await control(sim.controlUrl, 'POST', '/faults', { bootMs: 300 });
    const body = await create({ name: 'booting' });
    const id = body.server.id;
    const seen = new Set<string>();
    await waitFor(async () => {
      const status = (await getServer(id)).status as string;
      seen.add(status);
      return status === 'running';
    }, 'running');
    expect([...seen].every((status) => ['initializing', 'starting', 'running'].includes(status))).toBe(true);
    for (const action of [body.action, ...body.next_actions]) {
      const reply = await api('get', `/actions/${action.id}`, '/actions/{id}');
      expect(reply.body.action).toMatchObject({ id: action.id, status: 'success', progress: 100, error: null });
      expect(reply.body.action.finished).toEqual(expect.any(String));
    }
    expect((await getServer(id)).public_net.ipv4.ip).toBe(body.server.public_net.ipv4.ip);
  });

  it('lists servers with pagination, a Link header and filters by label selector, name and status', async () => {
    await create({ name: 'a-1', labels: { 'managed-by': 'agent-provisioner', controller: 'c1' } });
    await create({ name: 'a-2', labels: { 'managed-by': 'agent-provisioner', controller: 'c2' } });
    await create({ name: 'b-1', labels: { 'managed-by': 'someone-else' } });

    const first = await api('get', '/servers?per_page=2', '/servers');
    expect(first.body.servers.map((server: Json) => server.name)).toEqual(['a-1', 'a-2']);
    expect(first.body.meta.pagination).toEqual({
      page: 1,
      per_page: 2,
      previous_page: null,
      next_page: 2,
      last_page: 2,
      total_entries: 3,
    });
    expect(first.headers.get('link')).toContain('per_page=2&page=2>; rel="next"');
    const second = await api('get', '/servers?per_page=2&page=2', '/servers');
    expect(second.body.servers.map((server: Json) => server.name)).toEqual(['b-1']);
    expect(second.body.meta.pagination).toMatchObject({ previous_page: 1, next_page: null });

    const names = async (query: string): Promise<string[]> =>
      (await api('get', `/servers?${query}`, '/servers')).body.servers.map((server: Json) => server.name);
    expect(await names('label_selector=managed-by%3Dagent-provisioner')).toEqual(['a-1', 'a-2']);
    expect(await names('label_selector=managed-by%3Dagent-provisioner,controller%3Dc2')).toEqual(['a-2']);
    expect(await names('label_selector=controller')).toEqual(['a-1', 'a-2']);
    expect(await names('label_selector=!controller')).toEqual(['b-1']);
    expect(await names('label_selector=controller%20in%20(c1,c3)')).toEqual(['a-1']);
    expect(await names('name=b-1')).toEqual(['b-1']);
    expect(await names('name=B-1')).toEqual([]);
    expect(await names('status=initializing&status=starting')).toHaveLength(3);
    expect(await names('status=running')).toEqual([]);
    expect(await names('sort=name:desc')).toEqual(['b-1', 'a-2', 'a-1']);
    expect((await api('get', '/servers?label_selector=a%3D%3D%3D', '/servers')).status).toBe(422);
  });

  it('serves the catalogue: server types with prices per location, and locations', async () => {
    const types = await api('get', '/server_types', '/server_types');
    expect(types.body.server_types.map((type: Json) => type.name)).toEqual(['cx23', 'cpx22', 'cax11']);
    const cpx22 = types.body.server_types[1];
    expect(cpx22.prices.map((price: Json) => price.location)).toEqual(['fsn1', 'nbg1', 'hel1', 'ash']);
    expect(cpx22.prices[0].price_monthly.net).toMatch(/^\d+\.\d{16}$/);
    expect(types.body.meta.pagination).toMatchObject({ page: 1, per_page: 25, total_entries: 3 });
    const one = await api('get', '/server_types?name=cax11', '/server_types');
    expect(one.body.server_types).toEqual([expect.objectContaining({ name: 'cax11', architecture: 'arm' })]);

    const locations = await api('get', '/locations?sort=name', '/locations');
    expect(locations.body.locations.map((location: Json) => location.name)).toEqual(['ash', 'fsn1', 'hel1', 'nbg1']);
    const fsn1 = await api('get', '/locations?name=fsn1', '/locations');
    expect(fsn1.body.locations).toEqual([expect.objectContaining({ name: 'fsn1', network_zone: 'eu-central' })]);
  });

  it('deletes: 200 with a delete_server action, deleting for a while, then 404', async () => {
    const { server } = await create({ name: 'doomed' });
    const deleted = await api('delete', `/servers/${server.id}`, '/servers/{id}');
    expect(deleted.status).toBe(200);
    expect(deleted.body.action).toMatchObject({ command: 'delete_server', status: 'running' });
    expect((await getServer(server.id)).status).toBe('deleting');
    const again = await api('delete', `/servers/${server.id}`, '/servers/{id}');
    expect(again.body.action.id).toBe(deleted.body.action.id);
    await waitFor(async () => (await api('get', `/servers/${server.id}`, '/servers/{id}')).status === 404, 'gone');
    const action = await api('get', `/actions/${deleted.body.action.id}`, '/actions/{id}');
    expect(action.body.action).toMatchObject({ status: 'success', progress: 100 });
    expect((await api('delete', `/servers/${server.id}`, '/servers/{id}')).status).toBe(404);
  });

  describe('errors', () => {
    it('401 unauthorized without or with a wrong token; token_readonly on writes', async () => {
      for (const token of [null, 'wrong']) {
        const reply = await api('get', '/servers', '/servers', { token });
        expect(reply.status).toBe(401);
        expect(reply.body).toEqual({
          error: { code: 'unauthorized', message: 'unable to authenticate', details: null },
        });
      }
      expect((await api('get', '/servers', '/servers', { token: READ_ONLY_TOKEN })).status).toBe(200);
      const write = await api('post', '/servers', '/servers', {
        token: READ_ONLY_TOKEN,
        body: { name: 'x', server_type: 'cx23', image: 'ubuntu-24.04' },
      });
      expect(write.status).toBe(401);
      expect(write.body.error.code).toBe('token_readonly');
    });

    it('404 not_found for an unknown server, action or route', async () => {
      const server = await api('get', '/servers/999', '/servers/{id}');
      expect(server.status).toBe(404);
      expect(server.body.error).toMatchObject({ code: 'not_found', message: "server with ID '999' not found" });
      expect((await api('get', '/actions/999', '/actions/{id}')).status).toBe(404);
      const route = await send(`${sim.url}/volumes`, 'GET');
      expect(route.status).toBe(404);
      expect(route.body.error.code).toBe('not_found');
    });

    it('422 invalid_input with details.fields; 400 json_error for a body that is not JSON', async () => {
      const missing = await api('post', '/servers', '/servers', { body: { name: 'x' } });
      expect(missing.status).toBe(422);
      expect(missing.body.error.code).toBe('invalid_input');
      expect(missing.body.error.details.fields.map((field: Json) => field.name)).toEqual(['server_type', 'image']);
      const unknown = await api('post', '/servers', '/servers', {
        body: { name: 'x', server_type: 'cx11', image: 'ubuntu-24.04', location: 'fsn1' },
      });
      expect(unknown.body.error.details.fields).toEqual([{ name: 'server_type', messages: ['server type not found'] }]);
      const unsupported = await api('post', '/servers', '/servers', {
        body: { name: 'x', server_type: 'cx23', image: 'ubuntu-24.04', location: 'ash' },
      });
      expect(unsupported.status).toBe(422);
      expect(unsupported.body.error).toMatchObject({
        code: 'invalid_input',
        message: 'unsupported location for server type',
      });
      const large = await api('post', '/servers', '/servers', {
        body: { name: 'x', server_type: 'cx23', image: 'ubuntu-24.04', user_data: 'x'.repeat(32 * 1024 + 1) },
      });
      expect(large.status).toBe(422);
      expect(large.body.error.details.fields[0].name).toBe('user_data');
      const json = await api('post', '/servers', '/servers', { rawBody: '{"name":' });
      expect(json.status).toBe(400);
      expect(json.body.error.code).toBe('json_error');
    });

    it('409 uniqueness_error on a name already used', async () => {
      await create({ name: 'taken' });
      const reply = await api('post', '/servers', '/servers', {
        body: { name: 'taken', server_type: 'cx23', image: 'ubuntu-24.04' },
      });
      expect(reply.status).toBe(409);
      expect(reply.body.error).toEqual({
        code: 'uniqueness_error',
        message: 'server name is already used',
        details: { fields: [{ name: 'name' }] },
      });
    });

    it('412 resource_unavailable, 423 locked, 5xx and failing deletes when the faults say so', async () => {
      await control(sim.controlUrl, 'POST', '/faults', { createFailNext: 1, lockedNext: 1 });
      const placement = await api('post', '/servers', '/servers', {
        body: { name: 'x', server_type: 'cx23', image: 'ubuntu-24.04' },
      });
      expect(placement.status).toBe(423);
      expect(placement.body.error.code).toBe('locked');
      const failed = await api('post', '/servers', '/servers', {
        body: { name: 'x', server_type: 'cx23', image: 'ubuntu-24.04' },
      });
      expect(failed.status).toBe(412);
      expect(failed.body.error).toMatchObject({ code: 'resource_unavailable', message: 'error during placement' });
      const { server } = await create({ name: 'x' });

      await control(sim.controlUrl, 'POST', '/faults', { serverErrorNext: 1, serverErrorStatus: 503 });
      const unavailable = await api('get', '/servers', '/servers');
      expect(unavailable.status).toBe(503);
      expect(unavailable.body.error.code).toBe('unavailable');
      expect((await api('get', '/servers', '/servers')).status).toBe(200);

      await control(sim.controlUrl, 'POST', '/faults', { deleteFailNext: 1, serverErrorStatus: 500 });
      const deleteFailed = await api('delete', `/servers/${server.id}`, '/servers/{id}');
      expect(deleteFailed.status).toBe(500);
      expect(deleteFailed.body.error.code).toBe('server_error');
      expect((await getServer(server.id)).status).not.toBe('deleting');
      expect((await api('delete', `/servers/${server.id}`, '/servers/{id}')).status).toBe(200);
    });

    it('a lost create answer: the server is stored, the connection closes (or a 5xx comes) instead', async () => {
      const labels = { 'agent-controller/job': 'lost' };
      const body = { server_type: 'cx23', image: 'ubuntu-24.04', labels };
      await control(sim.controlUrl, 'POST', '/faults', { createAnswerLostNext: 1 });
      await expect(send(`${sim.url}/servers`, 'POST', { body: { ...body, name: 'lost-1' } })).rejects.toThrow(
        'fetch failed',
      );
      await control(sim.controlUrl, 'POST', '/faults', { createAnswerLostNext: 1, createAnswerLostStatus: 504 });
      const timedOut = await api('post', '/servers', '/servers', { body: { ...body, name: 'lost-2' } });
      expect(timedOut.status).toBe(504);
      expect(timedOut.body.error.code).toBe('timeout');
      // Both exist, findable by their label, and the fault is spent.
      const listed = await api('get', '/servers?label_selector=agent-controller/job%3Dlost', '/servers');
      expect(listed.body.servers.map((server: Json) => server.name).sort()).toEqual(['lost-1', 'lost-2']);
      expect((await control(sim.controlUrl, 'GET', '/faults')).body.createAnswerLostNext).toBe(0);
      expect((await create({ name: 'answered' })).server.name).toBe('answered');
    });

    it('429 rate_limit_exceeded with RateLimit-Remaining 0 and the reset time', async () => {
      await control(sim.controlUrl, 'POST', '/faults', { rateLimitNext: 2, retryAfterSeconds: 5 });
      const before = Math.floor(Date.now() / 1000);
      for (let i = 0; i < 2; i++) {
        const reply = await api('get', '/servers', '/servers');
        expect(reply.status).toBe(429);
        expect(reply.body.error.code).toBe('rate_limit_exceeded');
        expect(reply.headers.get('ratelimit-remaining')).toBe('0');
        expect(Number(reply.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(before + 5);
      }
      const ok = await api('get', '/servers', '/servers');
      expect(ok.status).toBe(200);
      expect(Number(ok.headers.get('ratelimit-remaining'))).toBeLessThan(3600);
    });

    it('a create action that fails ends in error with action_failed, the server off', async () => {
      await control(sim.controlUrl, 'POST', '/faults', { actionErrorNext: 1, bootMs: 200 });
      const body = await create({ name: 'fails' });
      await waitFor(async () => (await getServer(body.server.id)).status === 'off', 'off');
      const action = await api('get', `/actions/${body.action.id}`, '/actions/{id}');
      expect(action.body.action).toMatchObject({
        status: 'error',
        error: { code: 'action_failed', message: 'Action failed' },
      });
      expect(action.body.action.finished).toEqual(expect.any(String));
      const next = await api('get', `/actions/${body.next_actions[0].id}`, '/actions/{id}');
      expect(next.body.action.status).toBe('error');
    });
  });

  it('limits a token by its bucket: 429 once it is empty', async () => {
    const small = await startHetznerSimulator({ token: TOKEN, rateLimit: 2, agentManager: { enabled: false } });
    try {
      const replies = [];
      for (let i = 0; i < 3; i++) replies.push(await send(`${small.url}/locations`, 'GET'));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 429]);
      expect(replies.map((reply) => reply.headers.get('ratelimit-remaining'))).toEqual(['1', '0', '0']);
      expect(replies[2]?.body.error.message).toBe('limit of 2 requests per hour reached');
    } finally {
      await small.close();
    }
  });

  describe('control API', () => {
    it('wants the control token', async () => {
      expect((await send(`${sim.controlUrl}/state`, 'GET', { token: TOKEN })).status).toBe(401);
      expect((await send(`${sim.controlUrl}/state`, 'GET', { token: null })).status).toBe(401);
    });

    it('patches, reads and clears faults; refuses unknown keys', async () => {
      const patched = await control(sim.controlUrl, 'POST', '/faults', { bootMs: 50, neverHealthyNext: 2 });
      expect(patched.body).toMatchObject({ bootMs: 50, neverHealthyNext: 2, deleteMs: 400 });
      expect((await control(sim.controlUrl, 'POST', '/faults', { nope: 1 })).status).toBe(400);
      expect((await control(sim.controlUrl, 'POST', '/faults', { serverErrorStatus: 404 })).status).toBe(400);
      expect((await control(sim.controlUrl, 'POST', '/faults', { createAnswerLostStatus: 404 })).status).toBe(400);
      expect((await control(sim.controlUrl, 'DELETE', '/faults')).body).toMatchObject({
        bootMs: 60_000,
        neverHealthyNext: 0,
      });
    });

    it('shows the state and resets it', async () => {
      await create({ name: 'kept' });
      const state = (await control(sim.controlUrl, 'GET', '/state')).body;
      expect(state).toMatchObject({ provider: 'hetzner', url: sim.url, requests: { total: expect.any(Number) } });
      expect(state.servers).toEqual([
        expect.objectContaining({ name: 'kept', status: 'initializing', serverType: 'cx23' }),
      ]);
      const reset = (await control(sim.controlUrl, 'POST', '/reset')).body;
      expect(reset.servers).toEqual([]);
      expect((await control(sim.controlUrl, 'GET', '/servers/1')).status).toBe(404);
    });
  });
});
