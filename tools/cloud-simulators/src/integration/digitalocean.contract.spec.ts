import { loadOpenApiContract, type OpenApiContract } from '@agent-controller/shared-cloud-contracts/testing';

import type { ProviderSimulatorHandle } from '../core/provider-simulator';
import { startDigitalOceanSimulator } from '../digitalocean';
import {
  cloudConfig,
  type ContractApi,
  contractApi,
  CONTROL_TOKEN,
  control,
  type Json,
  send,
  TOKEN,
  waitFor,
} from '../testing/helpers';

const DROPLET = { size: 's-1vcpu-1gb', image: 'ubuntu-24-04-x64', region: 'fra1' };

/**
 * Drives the DigitalOcean simulator over HTTP and checks every answer against the kept OpenAPI subset: the
 * status must be one the operation lists (422 and 400 fall under `default`), the body must match its schema,
 * and every answer carries `x-request-id` and the rate-limit headers.
 */
describe('DigitalOcean simulator against the DigitalOcean OpenAPI contract', () => {
  let sim: ProviderSimulatorHandle;
  let contract: OpenApiContract;
  let api: ContractApi;

  beforeAll(async () => {
    [sim, contract] = await Promise.all([
      startDigitalOceanSimulator({
        token: TOKEN,
        controlToken: CONTROL_TOKEN,
        // Droplets stay `new` unless a test shortens the boot (faults `bootMs`), so nothing races.
        bootMs: 60_000,
        agentManager: { enabled: false, addressPrefix: '127.0.4' },
      }),
      loadOpenApiContract('digitalocean'),
    ]);
    api = contractApi(sim.url, contract, (reply) => {
      expect(reply.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']) {
        expect(reply.headers.get(name)).toMatch(/^\d+$/);
      }
      if (reply.status >= 400) {
        expect(reply.body.request_id).toBe(reply.headers.get('x-request-id'));
      }
    });
  });

  afterAll(() => sim.close());

  afterEach(async () => {
    expect((await control(sim.controlUrl, 'POST', '/reset')).status).toBe(200);
  });

  const create = async (body: Record<string, unknown>): Promise<Json> => {
    const request = { ...DROPLET, ...body };
    expect(contract.checkRequestBody('post', '/v2/droplets', request).errors).toEqual([]);
    const reply = await api('post', '/v2/droplets', '/v2/droplets', { body: request });
    expect(reply.status).toBe(202);
    return reply.body;
  };

  const getDroplet = async (id: number): Promise<Json> =>
    (await api('get', `/v2/droplets/${id}`, '/v2/droplets/{droplet_id}')).body.droplet;

  it('creates a droplet: 202, status new, no networks yet, links.actions with the create action', async () => {
    const userData = cloudConfig({ env: { STATIC_API_KEY: 'never-echoed' } });
    const body = await create({ name: 'agent-1', tags: ['managed-by:tests'], user_data: userData });
    expect(body.droplet).toMatchObject({
      name: 'agent-1',
      status: 'new',
      networks: { v4: [], v6: [] },
      size_slug: 's-1vcpu-1gb',
      size: { slug: 's-1vcpu-1gb', memory: 1024 },
      region: { slug: 'fra1' },
      image: { slug: 'ubuntu-24-04-x64' },
      tags: ['managed-by:tests'],
    });
    const [link] = body.links.actions;
    expect(link).toEqual({ id: expect.any(Number), rel: 'create', href: `${sim.url}/v2/actions/${link.id}` });
    expect(JSON.stringify(body)).not.toContain('never-echoed');
    expect(JSON.stringify(body)).not.toContain('user_data');
    const state = (await control(sim.controlUrl, 'GET', `/servers/${body.droplet.id}`)).body;
    expect(state).toMatchObject({ status: 'new', userData, tags: ['managed-by:tests'], region: 'fra1' });
    const action = await api('get', `/v2/actions/${link.id}`, '/v2/actions/{action_id}');
    expect(action.body.action).toMatchObject({
      id: link.id,
      status: 'in-progress',
      type: 'create',
      completed_at: null,
      resource_id: body.droplet.id,
      resource_type: 'droplet',
      region_slug: 'fra1',
    });
  });

  it('goes new → active with a public IPv4 once booted; the create action completes', async () => {
    await control(sim.controlUrl, 'POST', '/faults', { bootMs: 800 });
    const body = await create({ name: 'booting', ipv6: true });
    expect((await getDroplet(body.droplet.id)).status).toBe('new');
    const droplet = await waitFor(async () => {
      const current = await getDroplet(body.droplet.id);
      return current.status === 'active' && current;
    }, 'active');
    const publicV4 = droplet.networks.v4.find((network: Json) => network.type === 'public');
    expect(publicV4.ip_address).toMatch(/^127\.0\.4\.\d+$/);
    expect(droplet.networks.v4.find((network: Json) => network.type === 'private')).toBeDefined();
    expect(droplet.networks.v6).toEqual([expect.objectContaining({ type: 'public', netmask: 64 })]);
    expect(droplet.features).toContain('ipv6');
    const action = await api('get', `/v2/actions/${body.links.actions[0].id}`, '/v2/actions/{action_id}');
    expect(action.body.action.status).toBe('completed');
    expect(action.body.action.completed_at).toEqual(expect.any(String));
  });

  it('creates several droplets with names (duplicates allowed)', async () => {
    const body = await create({ names: ['twin', 'twin'] });
    expect(body.droplets.map((droplet: Json) => droplet.name)).toEqual(['twin', 'twin']);
    expect(body.links.actions).toHaveLength(2);
  });

  it('lists droplets with page/per_page, links.pages and meta.total, filtered by tag_name and name', async () => {
    await create({ name: 'a-1', tags: ['agents'] });
    await create({ name: 'a-2', tags: ['agents', 'controller:c2'] });
    await create({ name: 'B-1' });

    const first = await api('get', '/v2/droplets?per_page=2', '/v2/droplets');
    expect(first.body.droplets.map((droplet: Json) => droplet.name)).toEqual(['a-1', 'a-2']);
    expect(first.body.meta).toEqual({ total: 3 });
    expect(first.body.links).toEqual({
      pages: {
        next: `${sim.url}/v2/droplets?per_page=2&page=2`,
        last: `${sim.url}/v2/droplets?per_page=2&page=2`,
      },
    });
    const second = await api('get', '/v2/droplets?per_page=2&page=2', '/v2/droplets');
    expect(second.body.droplets.map((droplet: Json) => droplet.name)).toEqual(['B-1']);
    expect(Object.keys(second.body.links.pages)).toEqual(['first', 'prev']);
    const all = await api('get', '/v2/droplets', '/v2/droplets');
    expect(all.body.links).toEqual({ pages: {} });

    const names = async (query: string): Promise<string[]> =>
      (await api('get', `/v2/droplets?${query}`, '/v2/droplets')).body.droplets.map((droplet: Json) => droplet.name);
    expect(await names('tag_name=agents')).toEqual(['a-1', 'a-2']);
    expect(await names('tag_name=controller:c2')).toEqual(['a-2']);
    expect(await names('name=b-1')).toEqual(['B-1']);
    expect(await names('type=gpus')).toEqual([]);
    const combined = await api('get', '/v2/droplets?tag_name=agents&name=a-1', '/v2/droplets');
    expect(combined.status).toBe(422);
    expect((await api('get', '/v2/droplets?page=0', '/v2/droplets')).status).toBe(400);
  });

  it('serves sizes and regions (paginated) and the account', async () => {
    const sizes = await api('get', '/v2/sizes', '/v2/sizes');
    expect(sizes.body.sizes.map((size: Json) => size.slug)).toEqual(['s-1vcpu-1gb', 's-2vcpu-4gb', 's-4vcpu-8gb']);
    expect(sizes.body.sizes[1]).toMatchObject({ price_monthly: 24, regions: ['ams3', 'fra1', 'nyc3'] });
    expect(sizes.body.meta).toEqual({ total: 3 });
    const page = await api('get', '/v2/sizes?per_page=1&page=2', '/v2/sizes');
    expect(page.body.sizes.map((size: Json) => size.slug)).toEqual(['s-2vcpu-4gb']);
    expect(Object.keys(page.body.links.pages)).toEqual(['first', 'prev', 'next', 'last']);
    const regions = await api('get', '/v2/regions', '/v2/regions');
    expect(regions.body.regions.map((region: Json) => region.slug)).toEqual(['nyc3', 'fra1', 'ams3']);
    expect(regions.body.regions[2].sizes).toEqual(['s-1vcpu-1gb', 's-2vcpu-4gb']);
    const account = await api('get', '/v2/account', '/v2/account');
    expect(account.body.account).toMatchObject({ status: 'active', droplet_limit: 25, email_verified: true });
  });

  it('deletes: 204 without a body, then 404', async () => {
    const { droplet } = await create({ name: 'doomed' });
    const deleted = await api('delete', `/v2/droplets/${droplet.id}`, '/v2/droplets/{droplet_id}');
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await api('get', `/v2/droplets/${droplet.id}`, '/v2/droplets/{droplet_id}')).status).toBe(404);
    expect((await api('delete', `/v2/droplets/${droplet.id}`, '/v2/droplets/{droplet_id}')).status).toBe(404);
  });

  describe('errors', () => {
    it('401 unauthorized without or with a wrong token', async () => {
      for (const token of [null, 'wrong']) {
        const reply = await api('get', '/v2/account', '/v2/account', { token });
        expect(reply.status).toBe(401);
        expect(reply.body).toMatchObject({ id: 'unauthorized', message: 'Unable to authenticate you.' });
      }
    });

    it('404 not_found for an unknown droplet, action or route', async () => {
      const droplet = await api('get', '/v2/droplets/12345', '/v2/droplets/{droplet_id}');
      expect(droplet.status).toBe(404);
      expect(droplet.body).toMatchObject({
        id: 'not_found',
        message: 'The resource you requested could not be found.',
      });
      expect((await api('get', '/v2/actions/12345', '/v2/actions/{action_id}')).status).toBe(404);
      const route = await send(`${sim.url}/v2/volumes`, 'GET');
      expect(route.status).toBe(404);
      expect(route.body.id).toBe('not_found');
    });

    it('422 unprocessable_entity for a missing field, an unknown slug or user data over 64 KiB; 400 for bad JSON', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ ...DROPLET }, 'You must specify a name (or names) for the Droplet.'],
        [{ ...DROPLET, name: 'x', size: undefined }, 'You must specify a size.'],
        [{ ...DROPLET, name: 'x', image: 'windows' }, 'You specified an invalid image for Droplet creation.'],
        [{ ...DROPLET, name: 'x', region: 'xyz9' }, 'You specified an invalid region for Droplet creation.'],
        [{ ...DROPLET, name: 'x', user_data: 'x'.repeat(64 * 1024 + 1) }, 'user_data is limited to 64 KiB.'],
      ];
      for (const [body, message] of cases) {
        const reply = await api('post', '/v2/droplets', '/v2/droplets', { body });
        expect(reply.status).toBe(422);
        expect(reply.body).toMatchObject({ id: 'unprocessable_entity', message });
      }
      const json = await api('post', '/v2/droplets', '/v2/droplets', { rawBody: '{' });
      expect(json.status).toBe(400);
      expect(json.body.id).toBe('bad_request');
    });

    it('429 too_many_requests with retry-after when the fault says so', async () => {
      await control(sim.controlUrl, 'POST', '/faults', { rateLimitNext: 1, retryAfterSeconds: 3 });
      const limited = await api('get', '/v2/account', '/v2/account');
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ id: 'too_many_requests', message: 'API Rate limit exceeded.' });
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(limited.headers.get('ratelimit-remaining')).toBe('0');
      expect((await api('get', '/v2/account', '/v2/account')).status).toBe(200);
    });

    it('create fails with 422, 5xx answers and failing deletes when the faults say so', async () => {
      await control(sim.controlUrl, 'POST', '/faults', { createFailNext: 1 });
      const failed = await api('post', '/v2/droplets', '/v2/droplets', { body: { ...DROPLET, name: 'x' } });
      expect(failed.status).toBe(422);
      expect(failed.body.id).toBe('unprocessable_entity');
      const { droplet } = await create({ name: 'x' });

      await control(sim.controlUrl, 'POST', '/faults', { serverErrorNext: 1 });
      const error = await api('get', `/v2/droplets/${droplet.id}`, '/v2/droplets/{droplet_id}');
      expect(error.status).toBe(500);
      expect(error.body.id).toBe('server_error');

      await control(sim.controlUrl, 'POST', '/faults', { deleteFailNext: 1 });
      expect((await api('delete', `/v2/droplets/${droplet.id}`, '/v2/droplets/{droplet_id}')).status).toBe(500);
      expect((await getDroplet(droplet.id)).id).toBe(droplet.id);
      expect((await api('delete', `/v2/droplets/${droplet.id}`, '/v2/droplets/{droplet_id}')).status).toBe(204);
      expect((await control(sim.controlUrl, 'POST', '/faults', { lockedNext: 1 })).status).toBe(400);
    });

    it('a lost create answer: the droplet is stored, the connection closes (or a 5xx comes) instead', async () => {
      const body = { ...DROPLET, tags: ['agent-controller-job:lost'] };
      await control(sim.controlUrl, 'POST', '/faults', { createAnswerLostNext: 1 });
      await expect(send(`${sim.url}/v2/droplets`, 'POST', { body: { ...body, name: 'lost-1' } })).rejects.toThrow(
        'fetch failed',
      );
      await control(sim.controlUrl, 'POST', '/faults', { createAnswerLostNext: 1, createAnswerLostStatus: 503 });
      const unavailable = await api('post', '/v2/droplets', '/v2/droplets', { body: { ...body, name: 'lost-2' } });
      expect(unavailable.status).toBe(503);
      expect(unavailable.body.id).toBe('server_error');
      // Both exist, findable by their tag, and the fault is spent.
      const listed = await api('get', '/v2/droplets?tag_name=agent-controller-job:lost', '/v2/droplets');
      expect(listed.body.droplets.map((droplet: Json) => droplet.name).sort()).toEqual(['lost-1', 'lost-2']);
      expect((await control(sim.controlUrl, 'GET', '/faults')).body.createAnswerLostNext).toBe(0);
      expect((await create({ name: 'answered' })).droplet.name).toBe('answered');
    });

    it('a create action that fails ends errored and the droplet never becomes active', async () => {
      await control(sim.controlUrl, 'POST', '/faults', { actionErrorNext: 1, bootMs: 200 });
      const body = await create({ name: 'fails' });
      const action = await waitFor(async () => {
        const reply = await api('get', `/v2/actions/${body.links.actions[0].id}`, '/v2/actions/{action_id}');
        return reply.body.action.status !== 'in-progress' && reply.body.action;
      }, 'the action');
      expect(action.status).toBe('errored');
      const droplet = await getDroplet(body.droplet.id);
      expect(droplet.status).toBe('off');
      expect(droplet.networks.v4).toEqual([]);
    });
  });

  it('limits a token per minute: 429 with retry-after once the burst is used', async () => {
    const small = await startDigitalOceanSimulator({ token: TOKEN, burstLimit: 2, agentManager: { enabled: false } });
    try {
      const replies = [];
      for (let i = 0; i < 3; i++) replies.push(await send(`${small.url}/v2/regions`, 'GET'));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 429]);
      expect(replies.map((reply) => reply.headers.get('ratelimit-remaining'))).toEqual(['4999', '4998', '4998']);
      expect(Number(replies[2]?.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });
});
