import { testBackend } from '@agent-controller/database/testing';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { untilPasses } from '../support/eventually';
import { Api, setUpFirstAdmin } from '../support/http';
import { freePort, RunningController, startController } from '../support/controller-process';
import { RunningSimulator, simulatorClient, startSimulator } from '../support/simulator-process';

const PASSWORD = 'correct horse battery';

/**
 * The README's recipe ("Verifying a signature"), copied as documented: a receiver written from it alone must
 * accept what the controller sends.
 */
function verifyWebhook(secret: string, headers: IncomingHttpHeaders, rawBody: string, toleranceSeconds = 300) {
  const timestamp = String(headers['x-webhook-timestamp']);
  const signature = String(headers['x-webhook-signature'] ?? '');
  const age = Math.abs(Date.now() / 1000 - Number(timestamp));
  if (!Number.isFinite(age) || age > toleranceSeconds) return false; // refuse old (replayed) requests
  const expected = 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b);
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; data: Record<string, unknown> } & Record<string, unknown>;
  status: number;
}

/** A webhook receiver on 127.0.0.1; `answer` picks the status of each request (by its number, from 1). */
class Receiver {
  readonly received: Received[] = [];
  private server?: Server;

  constructor(private readonly answer: (n: number) => number = () => 200) {}

  async listen(port = 0): Promise<this> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const status = this.answer(this.received.length + 1);
        this.received.push({ headers: request.headers, body, json: JSON.parse(body), status });
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/hook`;
  }

  of(type: string): Received[] {
    return this.received.filter((request) => request.json.type === type);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const WEBHOOK_ENV = {
  WEBHOOK_POLL_MS: '200',
  WEBHOOK_RETRY_BASE_MS: '200',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_HEALTH_HOLD_SECONDS: '2',
  WEBHOOK_DISABLE_AFTER_FAILURES: '4',
  // Health changes come from verify calls only: the prober would add checks of its own.
  CLIENT_HEALTH_INTERVAL: '3600',
};

describe('webhooks', () => {
  let controller: RunningController;
  let simulator: RunningSimulator;
  let api: Api;
  const tokens: Record<'admin' | 'teamAdmin' | 'member' | 'stranger', string> = {
    admin: '',
    teamAdmin: '',
    member: '',
    stranger: '',
  };
  let teamId = '';
  const receivers: Receiver[] = [];

  async function receiver(answer?: (n: number) => number): Promise<Receiver> {
    const started = await new Receiver(answer).listen();
    receivers.push(started);
    return started;
  }

  async function createWebhook(body: Record<string, unknown>, token = tokens.admin) {
    const created = await api.post('/api/webhooks', body, { token });
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string };
  }

  async function createClient(extra: Record<string, unknown> = {}): Promise<string> {
    const created = await api.post(
      '/api/clients',
      { ...simulatorClient(simulator, `client-${randomUUID()}`), ...extra },
      { token: tokens.admin },
    );
    expect(created.status).toBe(201);
    return created.body.id;
  }

  async function deliveries(webhookId: string, token = tokens.admin) {
    const listed = await api.get(`/api/webhooks/${webhookId}/deliveries?limit=100`, { token });
    expect(listed.status).toBe(200);
    return listed;
  }

  beforeAll(async () => {
    [controller, simulator] = await Promise.all([startController({ env: WEBHOOK_ENV }), startSimulator()]);
    api = new Api(controller.baseUrl);
    tokens.admin = await setUpFirstAdmin(api, controller.setupToken());
    for (const name of ['teamAdmin', 'member', 'stranger'] as const) {
      const email = `${name.toLowerCase()}@example.com`;
      expect((await api.post('/api/users', { email, password: PASSWORD }, { token: tokens.admin })).status).toBe(201);
      tokens[name] = (await api.post('/api/auth/login', { email, password: PASSWORD })).body.accessToken;
    }
    teamId = (await api.post('/api/teams', { name: 'ops' }, { token: tokens.admin })).body.id;
    for (const [email, role] of [
      ['teamadmin@example.com', 'admin'],
      ['member@example.com', 'member'],
    ]) {
      const added = await api.post(`/api/teams/${teamId}/members`, { email, role }, { token: tokens.admin });
      expect(added.status).toBe(201);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(receivers.map((started) => started.close()));
    await simulator?.stop();
    await controller?.stop();
  });

  it('retries a receiver that fails twice: three attempts logged, one success, the same delivery id each time', async () => {
    const failing = await receiver((n) => (n <= 2 ? 500 : 200));
    const webhook = await createWebhook({ url: failing.url, events: ['client.created'] });
    const clientId = await createClient();

    await untilPasses(async () => expect(failing.received.filter((r) => r.status === 200)).toHaveLength(1), 15_000);
    const [delivery] = (await deliveries(webhook.id)).body;
    expect(delivery).toMatchObject({ event: 'client.created', status: 'succeeded', attempts: 3, responseCode: 200 });
    expect(delivery.log.map((attempt: { succeeded: boolean }) => attempt.succeeded)).toEqual([false, false, true]);
    expect(delivery.log[0]).toMatchObject({ attempt: 1, responseCode: 500 });
    expect(failing.received.map((r) => r.headers['x-webhook-id'])).toEqual([delivery.id, delivery.id, delivery.id]);
    expect(failing.received[0].json).toMatchObject({ type: 'client.created', data: { client: { id: clientId } } });
    // Nothing more arrives once it succeeded.
    await new Promise((wait) => setTimeout(wait, 1000));
    expect(failing.received).toHaveLength(3);
  });

  it('signs every request so a receiver following the README verifies it, and refuses a tampered body', async () => {
    const plain = await receiver();
    const webhook = await createWebhook({ url: plain.url, events: ['client.updated', 'client.deleted'] });
    const clientId = await createClient();
    expect((await api.post(`/api/clients/${clientId}`, { description: 'x' }, { token: tokens.admin })).status).toBe(
      200,
    );
    expect((await api.delete(`/api/clients/${clientId}`, { token: tokens.admin })).status).toBe(204);

    await untilPasses(async () => expect(plain.received).toHaveLength(2), 10_000);
    // No order is promised between deliveries (they are sent in parallel and retried independently).
    expect(plain.received.map((r) => r.headers['x-webhook-event']).sort()).toEqual([
      'client.deleted',
      'client.updated',
    ]);
    for (const request of plain.received) {
      expect(verifyWebhook(webhook.secret, request.headers, request.body)).toBe(true);
      expect(verifyWebhook(webhook.secret, request.headers, request.body.replace('"', ' "'))).toBe(false);
      expect(verifyWebhook('not-the-secret-at-all', request.headers, request.body)).toBe(false);
      expect(Number(request.headers['x-webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -2);
    }
    expect(plain.of('client.updated')[0].json.data).toMatchObject({ changes: { description: { to: 'x' } } });
  });

  it('sends one health alert for a flapping remote, saying how many changes it suppressed; a flap back sends none', async () => {
    const alerts = await receiver();
    await createWebhook({ url: alerts.url, events: ['client.health_changed'], selector: 'flappy=yes' });
    const clientId = await createClient({ labels: { flappy: 'yes' } });
    const verify = async (failing: boolean) => {
      await simulator.setFaults({ status5xx: failing ? 503 : null });
      const verified = await api.post(`/api/clients/${clientId}/verify`, undefined, { token: tokens.admin });
      expect(verified.status).toBe(200);
      expect(verified.body.health.state === 'healthy').toBe(!failing);
    };

    // Down and back up within the hold time: nothing to tell.
    await verify(true);
    await verify(false);
    await new Promise((wait) => setTimeout(wait, 3500));
    expect(alerts.received).toHaveLength(0);

    // Twenty changes, then it stays down.
    for (let i = 0; i < 10; i++) {
      await verify(true);
      await verify(false);
    }
    await verify(true);
    await untilPasses(async () => expect(alerts.received).toHaveLength(1), 10_000);
    await new Promise((wait) => setTimeout(wait, 3000));
    expect(alerts.received).toHaveLength(1);
    expect(alerts.received[0].json.data).toMatchObject({
      client: { id: clientId },
      from: 'healthy',
      suppressedChanges: 20,
    });
    expect(alerts.received[0].json.data['to']).not.toBe('healthy');
    await simulator.setFaults({ status5xx: null });
  });

  it('disables a webhook after consecutive failed attempts, says why, and audits it', async () => {
    const dead = `http://127.0.0.1:${await freePort()}/hook`;
    const webhook = await createWebhook({ url: dead, events: ['client.created'] });
    await createClient();
    await untilPasses(async () => {
      const found = await api.get(`/api/webhooks/${webhook.id}`, { token: tokens.admin });
      expect(found.body).toMatchObject({ enabled: false, consecutiveFailures: 4 });
      expect(found.body.disabledReason).toMatch(/4 consecutive failed deliveries/);
    }, 15_000);
    const audit = await api.get(`/api/audit?action=webhook.disabled&targetId=${webhook.id}`, { token: tokens.admin });
    expect(audit.body).toHaveLength(1);
    const [delivery] = (await deliveries(webhook.id)).body;
    expect(delivery).toMatchObject({ status: 'pending', attempts: 4, responseCode: null });
    // Enabled again by hand: the count starts over.
    const enabled = await api.post(`/api/webhooks/${webhook.id}`, { enabled: true }, { token: tokens.admin });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
    await api.delete(`/api/webhooks/${webhook.id}`, { token: tokens.admin });
  });

  it('shows attempts by outcome, receiver times, pending deliveries and disabled webhooks on /metrics', async () => {
    const sample = async (name: string) => {
      const text = (await api.get('/metrics', { token: tokens.admin })).text;
      const line = text.split('\n').find((candidate) => candidate.startsWith(name));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    const failedBefore =
      (await sample('agent_controller_webhook_attempts_total{event="client.created",outcome="failed"}')) ?? 0;
    const dead = `http://127.0.0.1:${await freePort()}/hook`;
    const webhook = await createWebhook({ url: dead, events: ['client.created'] });
    await createClient();
    await untilPasses(async () => {
      expect((await api.get(`/api/webhooks/${webhook.id}`, { token: tokens.admin })).body.enabled).toBe(false);
    }, 15_000);

    // The four refused attempts, the earlier test's success, and the delivery that waits for the webhook's return.
    expect(await sample('agent_controller_webhook_attempts_total{event="client.created",outcome="failed"}')).toBe(
      failedBefore + 4,
    );
    expect(
      await sample('agent_controller_webhook_attempts_total{event="client.created",outcome="succeeded"}'),
    ).toBeGreaterThan(0);
    expect(
      await sample('agent_controller_webhook_attempt_duration_seconds_count{outcome="failed"}'),
    ).toBeGreaterThanOrEqual(4);
    expect(await sample('agent_controller_webhooks_disabled')).toBe(1);
    const pending =
      ((await sample('agent_controller_webhook_deliveries_pending{due="true"}')) ?? 0) +
      ((await sample('agent_controller_webhook_deliveries_pending{due="false"}')) ?? 0);
    expect(pending).toBeGreaterThanOrEqual(1);

    await api.delete(`/api/webhooks/${webhook.id}`, { token: tokens.admin });
    expect(await sample('agent_controller_webhooks_disabled')).toBe(0);
  });

  it('lets global admins and team admins (for their team) manage webhooks; members and strangers get 403', async () => {
    const target = await receiver();
    const global = await createWebhook({ url: target.url, events: ['client.created'] });
    const statuses = async (call: (token: string) => Promise<{ status: number }>) => {
      const result: number[] = [];
      for (const who of ['admin', 'teamAdmin', 'member', 'stranger'] as const)
        result.push((await call(tokens[who])).status);
      return result;
    };
    const teamBody = { url: target.url, events: ['client.created'], teamId };
    expect(await statuses((token) => api.get('/api/webhooks', { token }))).toEqual([200, 200, 403, 403]);
    expect(await statuses((token) => api.post('/api/webhooks', teamBody, { token }))).toEqual([201, 201, 403, 403]);
    expect(
      await statuses((token) => api.post('/api/webhooks', { url: target.url, events: ['client.created'] }, { token })),
    ).toEqual([201, 400, 403, 403]);
    expect(await statuses((token) => api.get(`/api/webhooks/${global.id}`, { token }))).toEqual([200, 404, 403, 403]);
    const team = await createWebhook(teamBody, tokens.teamAdmin);
    expect(await statuses((token) => api.get(`/api/webhooks/${team.id}`, { token }))).toEqual([200, 200, 403, 403]);
    expect(await statuses((token) => api.get(`/api/webhooks/${team.id}/deliveries`, { token }))).toEqual([
      200, 200, 403, 403,
    ]);
    expect(await statuses((token) => api.post(`/api/webhooks/${team.id}`, { teamId: null }, { token }))).toEqual([
      200, 400, 403, 403,
    ]);
    expect(
      (await api.post('/api/webhooks', { ...teamBody, teamId: randomUUID() }, { token: tokens.teamAdmin })).status,
    ).toBe(404);
    // The team admin sees only their team's webhooks.
    const listed = await api.get('/api/webhooks', { token: tokens.teamAdmin });
    expect(listed.body.every((webhook: { teamId: string }) => webhook.teamId === teamId)).toBe(true);
    expect(await statuses((token) => api.delete(`/api/webhooks/${global.id}`, { token }))).toEqual([
      204, 404, 403, 403,
    ]);
    // The secret is shown once: never in a read.
    expect((await api.get(`/api/webhooks/${team.id}`, { token: tokens.admin })).body.secret).toBeUndefined();
  });

  it('answers bad input with 400 naming the field, unknown ids with 404', async () => {
    const bad = async (body: Record<string, unknown>, field: string, code = 'VALIDATION_FAILED') => {
      const response = await api.post('/api/webhooks', body, { token: tokens.admin });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe(code);
      expect(response.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    };
    const url = 'http://127.0.0.1:9/hook';
    await bad({ url, events: [] }, 'events');
    await bad({ url, events: ['client.exploded'] }, 'events.0');
    await bad({ url, events: ['client.created'], selector: 'a in (' }, 'selector');
    await bad({ url, events: ['client.created'], format: 'xml' }, 'format');
    await bad({ url, events: ['client.created'], secret: 'short' }, 'secret');
    await bad({ url, events: ['client.created'], teamId: 'nope' }, 'teamId');
    await bad({ url: 'ftp://example.com/x', events: ['client.created'] }, 'url', 'ENDPOINT_NOT_ALLOWED');
    await bad({ url: 'http://user:pw@example.com/x', events: ['client.created'] }, 'url', 'ENDPOINT_NOT_ALLOWED');
    await bad({ events: ['client.created'] }, 'url');
    expect((await api.get(`/api/webhooks/${randomUUID()}`, { token: tokens.admin })).status).toBe(404);
    expect((await api.get('/api/webhooks/not-a-uuid', { token: tokens.admin })).status).toBe(400);
    expect((await api.post(`/api/webhooks/${randomUUID()}/test`, undefined, { token: tokens.admin })).status).toBe(404);
  });

  it('sends a signed ping on test, lists it with X-Total-Count, and redelivers it as a new delivery', async () => {
    const pinged = await receiver();
    const webhook = await createWebhook({ url: pinged.url, events: ['client.created'], format: 'slack' });
    const tested = await api.post(`/api/webhooks/${webhook.id}/test`, undefined, { token: tokens.admin });
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ event: 'ping', status: 'succeeded', attempts: 1, responseCode: 200 });
    expect(pinged.received).toHaveLength(1);
    expect(pinged.received[0].headers['x-webhook-event']).toBe('ping');
    expect(Object.keys(pinged.received[0].json)).toEqual(['text']);
    expect(verifyWebhook(webhook.secret, pinged.received[0].headers, pinged.received[0].body)).toBe(true);

    const again = await api.post(`/api/webhooks/${webhook.id}/deliveries/${tested.body.id}/redeliver`, undefined, {
      token: tokens.admin,
    });
    expect(again.status).toBe(202);
    expect(again.body.id).not.toBe(tested.body.id);
    await untilPasses(async () => expect(pinged.received).toHaveLength(2), 10_000);
    expect(pinged.received[1].headers['x-webhook-id']).toBe(again.body.id);
    const listed = await deliveries(webhook.id);
    expect(listed.headers.get('x-total-count')).toBe('2');
    expect(
      (
        await api.post(`/api/webhooks/${webhook.id}/deliveries/${randomUUID()}/redeliver`, undefined, {
          token: tokens.admin,
        })
      ).status,
    ).toBe(404);
  });
});

describe('webhooks in api-key mode, internal targets refused', () => {
  it('treats the key holder as a global admin and refuses internal URLs (400 ENDPOINT_NOT_ALLOWED naming url)', async () => {
    const key = randomUUID() + randomUUID();
    const controller = await startController({
      env: {
        ...WEBHOOK_ENV,
        AUTHENTICATION_METHOD: 'api-key',
        STATIC_API_KEY: key,
        CLIENT_ENDPOINT_ALLOW_INTERNAL_HOST: 'false',
      },
    });
    try {
      const api = new Api(controller.baseUrl);
      const events = ['orphan_server.found'];
      for (const url of [
        'http://127.0.0.1:8080/hook',
        'http://localhost/hook',
        'http://[::1]/hook',
        'http://10.1.2.3/x',
      ]) {
        const refused = await api.post('/api/webhooks', { url, events }, { token: key });
        expect(refused.status).toBe(400);
        expect(refused.body.code).toBe('ENDPOINT_NOT_ALLOWED');
        expect(refused.body.details.fields[0].field).toBe('url');
      }
      const created = await api.post(
        '/api/webhooks',
        { url: 'https://hooks.example.com/alerts', events },
        { token: key },
      );
      expect(created.status).toBe(201);
      expect(created.body.secret).toMatch(/^whsec_/);
      const moved = await api.post(`/api/webhooks/${created.body.id}`, { url: 'http://192.168.1.1/' }, { token: key });
      expect(moved.status).toBe(400);
      expect(
        (
          await api.post(
            '/api/webhooks',
            { url: 'https://hooks.example.com/a', events, teamId: randomUUID() },
            { token: key },
          )
        ).status,
      ).toBe(404);
      expect((await api.get('/api/webhooks', { token: key })).body).toHaveLength(1);
    } finally {
      await controller.stop();
    }
  }, 60_000);
});

describe('webhooks across a crash', () => {
  it('delivers an event written before a SIGKILL exactly once after the restart', async () => {
    const port = await freePort();
    const env = { ...WEBHOOK_ENV, WEBHOOK_RETRY_BASE_MS: '500', WEBHOOK_DISABLE_AFTER_FAILURES: '100' };
    const first = await startController({ env });
    let second: RunningController | undefined;
    const late = new Receiver();
    try {
      const api = new Api(first.baseUrl);
      const token = await setUpFirstAdmin(api, first.setupToken());
      const webhook = await api.post(
        '/api/webhooks',
        { url: `http://127.0.0.1:${port}/hook`, events: ['client.created'] },
        { token },
      );
      expect(webhook.status).toBe(201);
      const client = await api.post(
        '/api/clients',
        {
          name: 'crash',
          endpoint: `http://127.0.0.1:${await freePort()}`,
          authenticationType: 'api_key',
          apiKey: 'remote-key-123456',
        },
        { token },
      );
      expect(client.status).toBe(201);
      // The receiver is down: the delivery fails and waits for its retry when the controller dies.
      await untilPasses(async () => {
        const [delivery] = (await api.get(`/api/webhooks/${webhook.body.id}/deliveries`, { token })).body;
        expect(delivery.attempts).toBeGreaterThanOrEqual(1);
      }, 10_000);
      first.process.kill('SIGKILL');
      await first.exited;

      await late.listen(port);
      const restartedAt = Date.now();
      second = await startController({ env, database: first.database, dataDir: first.dataDir });
      const healthyAt = Date.now();
      await untilPasses(async () => expect(late.received).toHaveLength(1), 15_000);
      const deliveredAt = Date.now();
      await new Promise((wait) => setTimeout(wait, 2000));
      expect(late.received).toHaveLength(1);
      expect(late.received[0].json).toMatchObject({ type: 'client.created', data: { client: { id: client.body.id } } });
      const api2 = new Api(second.baseUrl);
      const [delivery] = (await api2.get(`/api/webhooks/${webhook.body.id}/deliveries`, { token })).body;
      expect(delivery).toMatchObject({ status: 'succeeded', responseCode: 200 });
      expect(late.received[0].headers['x-webhook-id']).toBe(delivery.id);
      console.log(
        `kill test: ${late.received.length} delivery received, ${delivery.attempts} attempts ` +
          `(${delivery.log.filter((a: { succeeded: boolean }) => !a.succeeded).length} failed before the kill), ` +
          `delivered ${deliveredAt - healthyAt} ms after the restarted controller was healthy ` +
          `(${deliveredAt - restartedAt} ms after the restart began)`,
      );
    } finally {
      await late.close();
      if (second) await second.stop();
      else await first.stop();
    }
  }, 90_000);
});

(testBackend() === 'server' ? describe : describe.skip)('webhooks on two replicas of one database', () => {
  it('sends each delivery once although both replicas poll the same outbox', async () => {
    const env = { ...WEBHOOK_ENV, WEBHOOK_POLL_MS: '50' };
    const first = await startController({ env });
    let second: RunningController | undefined;
    const receiver = new Receiver();
    try {
      await receiver.listen();
      const api = new Api(first.baseUrl);
      // Set up before the second replica starts (each replica would print a setup token of its own).
      const token = await setUpFirstAdmin(api, first.setupToken());
      second = await startController({ env, database: first.database, dataDir: first.dataDir });
      const replicas = [first.baseUrl, second.baseUrl];
      const webhook = await api.post('/api/webhooks', { url: receiver.url, events: ['client.created'] }, { token });
      expect(webhook.status).toBe(201);
      const endpoint = `http://127.0.0.1:${await freePort()}`;
      const body = (i: number) => ({
        name: `c${i}`,
        endpoint,
        authenticationType: 'api_key',
        apiKey: 'remote-key-123456',
      });
      // Changes through both replicas; both poll every 50 ms.
      for (let i = 0; i < 30; i++) {
        const via = new Api(replicas[i % 2]);
        expect((await via.post('/api/clients', body(i), { token })).status).toBe(201);
      }
      await untilPasses(async () => expect(receiver.received).toHaveLength(30), 20_000);
      await new Promise((wait) => setTimeout(wait, 1000));
      const ids = receiver.received.map((request) => request.headers['x-webhook-id']);
      expect(new Set(ids).size).toBe(30);
      expect(ids).toHaveLength(30);
    } finally {
      await receiver.close();
      await second?.stop({ keepData: true });
      await first.stop();
    }
  }, 90_000);
});
