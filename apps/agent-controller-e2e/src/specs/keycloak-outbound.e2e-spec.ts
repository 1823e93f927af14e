import { Api, setUpFirstAdmin } from '../support/http';
import { RunningController, startController } from '../support/controller-process';
import { RunningOidcProvider, startOidcProvider } from '../support/oidc-provider-process';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

/**
 * Clients with authenticationType=keycloak: the controller gets a client-credentials token from the
 * realm (a real OpenID provider) and the remote (the simulator in keycloak mode) checks it against the
 * realm's keys.
 */
describe('keycloak clients (outbound client-credentials)', () => {
  let idp: RunningOidcProvider;
  let remote: RunningSimulator;
  let controller: RunningController;
  let api: Api;
  let admin: string;
  const remoteClient = { clientId: 'remote-manager', secret: 'remote-manager-secret' };

  beforeAll(async () => {
    idp = await startOidcProvider({ realms: ['agents'] });
    await idp.putClient(remoteClient);
    remote = await startSimulator({ args: ['--auth', 'keycloak', '--keycloak-issuer', idp.issuer('agents')] });
    controller = await startController({ env: { KEYCLOAK_AUTH_SERVER_URL: idp.url } });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
  });

  afterAll(async () => {
    await controller?.stop();
    await remote?.stop();
    await idp?.stop();
  });

  const keycloakClient = (name: string, overrides: Record<string, unknown> = {}) =>
    api.post(
      '/api/clients',
      {
        name,
        endpoint: remote.url,
        authenticationType: 'keycloak',
        keycloakClientId: remoteClient.clientId,
        keycloakClientSecret: remoteClient.secret,
        keycloakRealm: 'agents',
        ...overrides,
      },
      { token: admin },
    );

  it('verifies with a token from the realm and stores the remote config; the secret is never returned', async () => {
    const response = await keycloakClient('Keycloak remote');
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      authenticationType: 'keycloak',
      keycloakClientId: 'remote-manager',
      keycloakRealm: 'agents',
      health: { state: 'healthy' },
    });
    expect(response.body.config.agentTypes.length).toBeGreaterThan(0);
    expect(JSON.stringify(response.body)).not.toContain(remoteClient.secret);
    expect(response.body.apiKey).toBeUndefined();
    expect(controller.output()).not.toContain(remoteClient.secret);
  });

  it("uses the client's own Keycloak URL when it has one", async () => {
    const response = await keycloakClient('Own URL', { keycloakAuthServerUrl: idp.url });
    expect(response.body.health.state).toBe('healthy');
  });

  it('stores auth_failed with the reason when the realm refuses the credentials, and recovers after an update', async () => {
    const created = await keycloakClient('Wrong secret', { keycloakClientSecret: 'not-the-secret' });
    expect(created.body.health).toMatchObject({
      state: 'auth_failed',
      reason: expect.stringContaining('Keycloak refused the client credentials'),
    });
    const fixed = await api.post(
      `/api/clients/${created.body.id}`,
      { keycloakClientSecret: remoteClient.secret },
      { token: admin },
    );
    expect(fixed.body.health.state).toBe('healthy');
  });

  it('reports an unknown realm as auth_failed', async () => {
    const created = await keycloakClient('Unknown realm', { keycloakRealm: 'no-such-realm' });
    expect(created.body.health.state).toBe('auth_failed');
  });

  it('is refused by the remote when the token comes from another issuer', async () => {
    const other = await startOidcProvider({ realms: ['agents'] });
    try {
      await other.putClient(remoteClient);
      const created = await keycloakClient('Foreign issuer', { keycloakAuthServerUrl: other.url });
      expect(created.body.health).toMatchObject({
        state: 'auth_failed',
        reason: expect.stringContaining('refused the credentials'),
      });
    } finally {
      await other.stop();
    }
  });

  it('refuses an api key on a keycloak client and keycloak fields on an api_key client', async () => {
    const mixed = await keycloakClient('Mixed', { apiKey: 'some-api-key-123456' });
    expect(mixed.status).toBe(400);
    const apiKeyClient = await api.post(
      '/api/clients',
      { name: 'Api with kc', endpoint: remote.url, authenticationType: 'api_key', keycloakRealm: 'agents' },
      { token: admin },
    );
    expect(apiKeyClient.status).toBe(400);
    expect(apiKeyClient.body.details.fields[0].field).toBe('keycloakRealm');
  });
});
