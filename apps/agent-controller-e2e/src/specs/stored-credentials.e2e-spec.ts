import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { EncryptionKeyring } from '@agent-controller/database';
import { testBackend } from '@agent-controller/database/testing';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningController, startController } from '../support/controller-process';
import { expectErrorBody } from '../support/error-body';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

const REMOTE_KEY = 'stored-credentials-remote-key-0123';
const ENCRYPTION_KEY = randomBytes(32);

/**
 * Defence in depth behind the API's visible-ASCII rule for credentials: a stored API key that an HTTP header
 * cannot carry (saved by an older version, or written to the database by hand) must give a clear
 * `auth_failed` health reason and a 502 in the error model, never a 500 or Node's internal message.
 * The key is written straight into the row, encrypted with the controller's own key, so it needs the
 * database server (TEST_DATABASE_URL, as CI runs it); the embedded database belongs to the controller process.
 */
const describeOnServer = testBackend() === 'server' ? describe : describe.skip;

describeOnServer('a stored API key that cannot be sent', () => {
  let controller: RunningController;
  let simulator: RunningSimulator;
  let api: Api;
  let admin: string;
  let clientId: string;

  beforeAll(async () => {
    simulator = await startSimulator({ apiKey: REMOTE_KEY });
    controller = await startController({
      env: { ENCRYPTION_KEY: ENCRYPTION_KEY.toString('base64'), CLIENT_HEALTH_INTERVAL: '86400' },
    });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    const created = await api.post(
      '/api/clients',
      { name: 'Stored key', endpoint: simulator.url, authenticationType: 'api_key', apiKey: REMOTE_KEY },
      { token: admin },
    );
    expect(created.body.health.state).toBe('healthy');
    clientId = created.body.id;
  });

  afterAll(async () => {
    await simulator?.stop();
    await controller?.stop();
  });

  /** Writes the key into the row the way the controller stores it, bypassing the API's validation. */
  async function storeKeyDirectly(apiKey: string): Promise<void> {
    const { config } = controller.database;
    if (config.kind !== 'server') throw new Error('needs the database server');
    const database = new Client({ connectionString: config.url });
    await database.connect();
    try {
      const stored = new EncryptionKeyring(ENCRYPTION_KEY).encrypt(apiKey);
      const result = await database.query('UPDATE clients SET api_key = $1 WHERE id = $2', [stored, clientId]);
      expect(result.rowCount).toBe(1);
    } finally {
      await database.end();
    }
  }

  it.each([
    ['an emoji', 'remote-key-\u{1F511}-0123456789'],
    ['a non-ASCII letter', 'schlüssel-0123456789'],
    ['a newline', 'remote-key\r\nX-Injected: 1'],
    ['a control character', 'remote-key-\u0007-0123456789'],
  ])('with %s: the proxy answers 502 REMOTE_AUTH_FAILED and verify says auth_failed why', async (_what, key) => {
    await storeKeyDirectly(key);

    const proxied = await api.get(`/api/clients/${clientId}/agents`, { token: admin });
    expectErrorBody(proxied, { status: 502, code: 'REMOTE_AUTH_FAILED' });
    expect(proxied.body.message).toBe(
      'The stored API key cannot be sent in an HTTP header (only visible ASCII characters are allowed): set the key again',
    );
    expect(proxied.body.details).toMatchObject({ kind: 'auth', clientId });

    const verified = await api.post(`/api/clients/${clientId}/verify`, undefined, { token: admin });
    expect(verified.status).toBe(200);
    expect(verified.body.health).toMatchObject({
      state: 'auth_failed',
      reason: expect.stringContaining('The stored API key cannot be sent in an HTTP header'),
    });
    expect(verified.body.health.reason).not.toMatch(/ERR_INVALID_CHAR|Invalid character/);
    expect(JSON.stringify([proxied.body, verified.body])).not.toContain(key);

    // The controller is up, and setting a good key again through the API heals the client.
    expect((await api.get('/api/health')).status).toBe(200);
    const healed = await api.post(`/api/clients/${clientId}`, { apiKey: REMOTE_KEY }, { token: admin });
    expect(healed.body.health.state).toBe('healthy');
  });
});
