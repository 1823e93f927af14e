import type { ErrorCode } from '@agent-controller/shared-contracts';
import { Api, ApiResponse, setUpFirstAdmin } from '../support/http';
import { RunningController, startController } from '../support/controller-process';
import { expectErrorBody } from '../support/error-body';
import { GatewayClient } from '../support/gateway-client';
import { assertNetworkNamespacesWork } from '../support/network-namespace';

/**
 * Remotes the controller has no route to. The controller runs in a network namespace with only loopback, so
 * a connect to any remote address fails at once (ENETUNREACH), as on a host without IPv6 or without a route.
 * Such a failure used to be emitted before the request's error listener existed and end the process, and,
 * the row being stored, the health prober ended the restarted process again. Nothing leaves the machine.
 */
describe('unroutable remotes', () => {
  let controller: RunningController;
  let api: Api;
  let admin: string;
  const clients: Array<{ name: string; code: ErrorCode; id: string }> = [];

  /** `code`: what a proxied call answers (a realm that cannot be reached fails the Keycloak log-in first). */
  const REMOTES: Array<{ name: string; code: ErrorCode; body: Record<string, unknown> }> = [
    {
      name: 'IPv6 remote',
      code: 'REMOTE_UNREACHABLE',
      body: { endpoint: 'http://[2001:db8::1]', authenticationType: 'api_key', apiKey: 'unroutable-remote-key-01' },
    },
    {
      name: 'IPv4 remote',
      code: 'REMOTE_UNREACHABLE',
      body: { endpoint: 'http://203.0.113.7:8080', authenticationType: 'api_key', apiKey: 'unroutable-remote-key-02' },
    },
    {
      // The token request to the realm is the first call that fails.
      name: 'Keycloak remote',
      code: 'REMOTE_AUTH_FAILED',
      body: {
        endpoint: 'https://[2001:db8::2]',
        authenticationType: 'keycloak',
        keycloakAuthServerUrl: 'https://[2001:db8::3]',
        keycloakRealm: 'agents',
        keycloakClientId: 'remote-manager',
        keycloakClientSecret: 'unroutable-client-secret',
      },
    },
  ];

  beforeAll(async () => {
    assertNetworkNamespacesWork();
    controller = await startController({
      isolatedNetwork: true,
      env: { CLIENT_HEALTH_INTERVAL: '1', REMOTE_REQUEST_TIMEOUT: '5000' },
    });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
  }, 200_000);

  afterAll(async () => {
    await controller?.stop();
  });

  /** Every later step runs on all of them: a crash during create would leave fewer. */
  const createdClients = () => {
    expect(clients.map((client) => client.name)).toEqual(REMOTES.map((remote) => remote.name));
    return clients;
  };

  /** 502 in the error model, naming the client and the network's answer. */
  const expectFailedCall = (response: ApiResponse, client: { id: string; code: ErrorCode }) => {
    expectErrorBody(response, { status: 502, code: client.code });
    expect(response.body.details?.clientId).toBe(client.id);
    expect(response.body.message).toContain('ENETUNREACH');
  };

  it.each(REMOTES)('creates the $name (201) and reports it unreachable', async ({ name, code, body }) => {
    const created = await api.post('/api/clients', { name, ...body }, { token: admin });

    expect(created.status).toBe(201);
    clients.push({ name, code, id: created.body.id });
    expect(created.body.health).toMatchObject({ state: 'unreachable', reason: expect.stringContaining('ENETUNREACH') });
  });

  it('verifies each one as unreachable', async () => {
    for (const client of createdClients()) {
      const verified = await api.post(`/api/clients/${client.id}/verify`, undefined, { token: admin });
      expect(verified.status).toBe(200);
      expect(verified.body.health.state).toBe('unreachable');
    }
  });

  it('lets the health prober run a round over them', async () => {
    const after = new Date().toISOString();
    const deadline = Date.now() + 20_000;
    for (const client of createdClients()) {
      for (;;) {
        const current = await api.get(`/api/clients/${client.id}`, { token: admin });
        expect(current.status).toBe(200);
        expect(current.body.health.state).toBe('unreachable');
        if (current.body.health.checkedAt > after) break;
        if (Date.now() > deadline) throw new Error(`the prober did not check ${client.name} within 20 s`);
        await new Promise((wait) => setTimeout(wait, 250));
      }
    }
  });

  it('answers proxied calls with 502 naming the client', async () => {
    for (const client of createdClients()) {
      expectFailedCall(await api.get(`/api/clients/${client.id}/agents`, { token: admin }), client);
      expectFailedCall(
        await api.post(`/api/clients/${client.id}/agents`, { name: 'worker' }, { token: admin }),
        client,
      );
    }
  });

  it('answers setClient on the gateway with an error event naming the failure', async () => {
    const browser = await GatewayClient.connect(controller.baseUrl, `Bearer ${admin}`);
    try {
      for (const client of createdClients()) {
        const from = browser.received.length;
        browser.emit('setClient', { clientId: client.id });
        const error = await browser.next('error', (payload) => payload.event === 'setClient', from, 15_000);
        expect(error.error.code).toBe(client.code);
      }
      expect(browser.socket.connected).toBe(true);
    } finally {
      browser.close();
    }
  });

  it('is still the same running process, healthy, with no unhandled error in its log', async () => {
    expect(controller.process.exitCode).toBeNull();
    expect(controller.process.signalCode).toBeNull();
    const health = await api.get('/api/health');
    expect(health.status).toBe(200);
    expect(controller.output()).not.toMatch(/Unhandled 'error' event|uncaughtException/);
  });
});
