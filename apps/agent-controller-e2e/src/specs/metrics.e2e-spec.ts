import { randomBytes } from 'node:crypto';
import { RunningController, startController } from '../support/controller-process';
import { expectErrorBody } from '../support/error-body';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

const METRICS_TOKEN = randomBytes(24).toString('base64url');
const PASSWORD = 'correct horse battery';

/** The value of the first sample of `name` whose labels include `labels`, from Prometheus text. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

async function createClient(api: Api, admin: string, remote: RunningSimulator, name: string): Promise<string> {
  const created = await api.post(
    '/api/clients',
    { name, endpoint: remote.url, authenticationType: 'api_key', apiKey: 'metrics-remote-key' },
    { token: admin },
  );
  if (created.status !== 201) throw new Error(`client create failed: ${created.status} ${created.text}`);
  return created.body.id;
}

async function logInNewUser(api: Api, admin: string, email: string): Promise<string> {
  await api.post('/api/users', { email, password: PASSWORD }, { token: admin });
  return (await api.post('/api/auth/login', { email, password: PASSWORD })).body.accessToken;
}

/** Polls the usage until it counts `requests` calls (the recorder flushes on its interval). */
async function usageOnceFlushed(api: Api, token: string, clientId: string, requests: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const usage = await api.get(`/api/clients/${clientId}/usage`, { token });
    if (usage.status !== 200 || usage.body.totals.requests >= requests || Date.now() > deadline) return usage;
    await new Promise((wait) => setTimeout(wait, 100));
  }
}

describe('metrics and usage per client', () => {
  let remote: RunningSimulator;

  beforeAll(async () => {
    remote = await startSimulator({ apiKey: 'metrics-remote-key' });
  });

  afterAll(async () => {
    await remote?.stop();
  });

  describe('with METRICS_TOKEN', () => {
    let controller: RunningController;
    let api: Api;
    let admin: string;
    let clientId: string;

    beforeAll(async () => {
      controller = await startController({ env: { METRICS_TOKEN, USAGE_FLUSH_INTERVAL_MS: '200' } });
      api = new Api(controller.baseUrl);
      admin = await setUpFirstAdmin(api, controller.setupToken());
      clientId = await createClient(api, admin, remote, 'Measured');
      expect((await api.get(`/api/clients/${clientId}/agents?limit=5`, { token: admin })).status).toBe(200);
      await remote.setFaults({ status5xx: 503, pathPattern: '^/api/agents' });
      try {
        const failing = await api.get(`/api/clients/${clientId}/agents`, { token: admin });
        expect(failing.body.code).toBe('REMOTE_ERROR');
      } finally {
        await remote.setFaults({ status5xx: null, pathPattern: null });
      }
    });

    afterAll(async () => {
      await controller?.stop();
    });

    it('serves GET /metrics outside /api to the bearer of the token only', async () => {
      expectErrorBody(await api.get('/metrics'), { status: 401, code: 'UNAUTHORIZED' });
      expectErrorBody(await api.get('/metrics', { token: `${METRICS_TOKEN}x` }), { status: 401, code: 'UNAUTHORIZED' });
      // The token replaces user credentials here: even a global admin's session is not it.
      expectErrorBody(await api.get('/metrics', { token: admin }), { status: 401, code: 'UNAUTHORIZED' });
      expect((await api.get('/api/metrics', { token: METRICS_TOKEN })).status).toBe(404);

      const scraped = await api.get('/metrics', { token: METRICS_TOKEN });
      expect(scraped.status).toBe(200);
      expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(sample(scraped.text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(sample(scraped.text, 'agent_controller_gateway_open_sockets')).toBeGreaterThanOrEqual(0);
    });

    it("has the client's proxied calls by route group and status class, and its remote errors by code", async () => {
      const text = (await api.get('/metrics', { token: METRICS_TOKEN })).text;
      const requests = (status_class: string) =>
        sample(text, 'agent_controller_proxy_requests_total', {
          client_id: clientId,
          route_group: 'agents',
          status_class,
        });

      expect(requests('2xx')).toBe(1);
      expect(requests('5xx')).toBe(1);
      expect(requests('4xx')).toBeUndefined();
      expect(
        sample(text, 'agent_controller_proxy_remote_errors_total', { client_id: clientId, code: 'REMOTE_ERROR' }),
      ).toBe(1);
      expect(
        sample(text, 'agent_controller_proxy_request_duration_seconds_count', {
          client_id: clientId,
          route_group: 'agents',
        }),
      ).toBe(2);
      // Bounded labels: the agent list's query string never shows.
      expect(text).not.toContain('limit=5');
    });

    it('reports the last 24 hours of usage from the database once flushed', async () => {
      const usage = await usageOnceFlushed(api, admin, clientId, 2);

      expect(usage.status).toBe(200);
      expect(usage.body).toMatchObject({
        clientId,
        windowHours: 24,
        totals: { requests: 2, errors: 1, errorRate: 0.5, p50Ms: expect.any(Number), p95Ms: expect.any(Number) },
      });
      const hourly: Array<{ hour: string; requests: number; p50Ms: number | null }> = usage.body.hourly;
      expect(hourly).toHaveLength(24);
      const starts = hourly.map((entry) => Date.parse(entry.hour));
      expect(starts.every((start, i) => i === 0 || start - starts[i - 1] === 3_600_000)).toBe(true);
      expect(starts[23]).toBeLessThanOrEqual(Date.now());
      expect(Date.now() - starts[23]).toBeLessThan(2 * 3_600_000);
      expect(hourly.reduce((sum, entry) => sum + entry.requests, 0)).toBe(2);
      for (const entry of hourly) expect(entry.p50Ms === null).toBe(entry.requests === 0);

      // A later flush adds to the stored hour instead of replacing it.
      expect((await api.get(`/api/clients/${clientId}/agents`, { token: admin })).status).toBe(200);
      const later = await usageOnceFlushed(api, admin, clientId, 3);
      expect(later.body.totals).toMatchObject({ requests: 3, errors: 1 });
      expect(later.body.totals.errorRate).toBeCloseTo(1 / 3);
    });

    it('answers usage only to those who may read the client', async () => {
      const outsider = await logInNewUser(api, admin, 'usage.outsider@example.com');
      expectErrorBody(await api.get(`/api/clients/${clientId}/usage`, { token: outsider }), {
        status: 404,
        code: 'NOT_FOUND',
      });
      await api.post(
        `/api/clients/${clientId}/users`,
        { email: 'usage.outsider@example.com', role: 'user' },
        {
          token: admin,
        },
      );
      expect((await api.get(`/api/clients/${clientId}/usage`, { token: outsider })).status).toBe(200);
    });

    it('ranks the busiest clients the caller may see by requests or errors, over the hours asked for', async () => {
      const quietId = await createClient(api, admin, remote, 'Quiet');
      const { totals } = (await usageOnceFlushed(api, admin, clientId, 3)).body;
      const measured = {
        id: clientId,
        name: 'Measured',
        health: expect.any(String),
        status: 'active',
        requests: totals.requests,
        errors: totals.errors,
        errorRate: totals.errorRate,
      };

      const byRequests = await api.get('/api/clients/usage/top', { token: admin });
      expect(byRequests.status).toBe(200);
      expect(byRequests.body).toEqual({ hours: 24, by: 'requests', since: expect.any(String), clients: [measured] });
      expect(Date.now() - Date.parse(byRequests.body.since)).toBeGreaterThan(23 * 3_600_000);
      expect(byRequests.body.clients.map((client: { id: string }) => client.id)).not.toContain(quietId);
      const byErrors = await api.get('/api/clients/usage/top?by=errors&hours=168&limit=1', { token: admin });
      expect(byErrors.body).toMatchObject({ hours: 168, by: 'errors', clients: [measured] });

      // The last hour starts at the current hour's start: at most the window's calls, made seconds ago.
      const lastHour = await api.get('/api/clients/usage/top?hours=1', { token: admin });
      expect(Date.parse(lastHour.body.since) % 3_600_000).toBe(0);
      expect(Date.now() - Date.parse(lastHour.body.since)).toBeLessThan(3_600_000);
      expect(lastHour.body.clients.every((client: { requests: number }) => client.requests <= totals.requests)).toBe(
        true,
      );

      const stranger = await logInNewUser(api, admin, 'usage.stranger@example.com');
      expect((await api.get('/api/clients/usage/top', { token: stranger })).body.clients).toEqual([]);
      // The member from the test before sees the client they were added to.
      const member = (await api.post('/api/auth/login', { email: 'usage.outsider@example.com', password: PASSWORD }))
        .body.accessToken;
      expect((await api.get('/api/clients/usage/top', { token: member })).body.clients).toEqual([measured]);

      for (const [query, field] of [
        ['hours=0', 'hours'],
        ['hours=169', 'hours'],
        ['by=latency', 'by'],
        ['limit=51', 'limit'],
        ['limit=two', 'limit'],
        ['top=5', 'top'],
      ]) {
        expectErrorBody(await api.get(`/api/clients/usage/top?${query}`, { token: admin }), {
          status: 400,
          code: 'VALIDATION_FAILED',
          field: { name: field, location: 'query' },
        });
      }
    });
  });

  describe('without METRICS_TOKEN', () => {
    let controller: RunningController;
    let api: Api;
    let admin: string;

    beforeAll(async () => {
      // Longer than the test: only the flush on shutdown can write the usage.
      controller = await startController({ env: { METRICS_TOKEN: undefined, USAGE_FLUSH_INTERVAL_MS: '300000' } });
      api = new Api(controller.baseUrl);
      admin = await setUpFirstAdmin(api, controller.setupToken());
    });

    afterAll(async () => {
      await controller?.stop();
    });

    it('lets only a global admin read GET /metrics', async () => {
      const user = await logInNewUser(api, admin, 'metrics.user@example.com');

      expectErrorBody(await api.get('/metrics'), { status: 401, code: 'UNAUTHORIZED' });
      expectErrorBody(await api.get('/metrics', { token: user }), { status: 403, code: 'FORBIDDEN' });
      const scraped = await api.get('/metrics', { token: admin });
      expect(scraped.status).toBe(200);
      expect(scraped.text).toContain('# TYPE agent_controller_proxy_requests_total counter');
    });

    it('writes pending usage on shutdown and still has it after a restart', async () => {
      const clientId = await createClient(api, admin, remote, 'Restarted');
      expect((await api.get(`/api/clients/${clientId}/agents`, { token: admin })).status).toBe(200);
      expect((await api.get(`/api/clients/${clientId}/usage`, { token: admin })).body.totals.requests).toBe(0);

      const { database, dataDir } = controller;
      await controller.stop({ keepData: true });
      controller = await startController({ database, dataDir, env: { USAGE_FLUSH_INTERVAL_MS: '300000' } });
      api = new Api(controller.baseUrl);

      const usage = await api.get(`/api/clients/${clientId}/usage`, { token: admin });
      expect(usage.body.totals).toMatchObject({ requests: 1, errors: 0, errorRate: 0 });
    });
  });

  describe('with METRICS_ENABLED=false', () => {
    let controller: RunningController;

    beforeAll(async () => {
      controller = await startController({ env: { METRICS_ENABLED: 'false', METRICS_TOKEN } });
    });

    afterAll(async () => {
      await controller?.stop();
    });

    it('answers GET /metrics with 404, even to the token', async () => {
      const api = new Api(controller.baseUrl);
      expectErrorBody(await api.get('/metrics', { token: METRICS_TOKEN }), { status: 404, code: 'NOT_FOUND' });
      expectErrorBody(await api.get('/metrics'), { status: 404, code: 'NOT_FOUND' });
    });
  });
});
