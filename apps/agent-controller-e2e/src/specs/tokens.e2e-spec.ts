import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { expectErrorBody } from '../support/error-body';
import { GatewayClient, handshakeRefusal } from '../support/gateway-client';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningController, startController } from '../support/controller-process';
import { RunningSimulator, simulatorClient, startSimulator } from '../support/simulator-process';

const PASSWORD = 'correct horse battery';
const DAY_MS = 24 * 60 * 60 * 1000;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();

/**
 * Scoped API tokens against the built server (users mode) and the agent-manager simulator: a token acts as its owner
 * as the owner is now, narrowed to its access level and clients, over HTTP and the gateway; only a hash is stored.
 */
describe('scoped API tokens', () => {
  let controller: RunningController;
  let remote: RunningSimulator;
  let api: Api;
  let admin: string;
  let operator: { id: string; token: string };
  const clients: Record<'eu' | 'us' | 'team', string> = { eu: '', us: '', team: '' };
  let teamId: string;

  async function user(email: string) {
    const created = await api.post('/api/users', { email, password: PASSWORD }, { token: admin });
    expect(created.status).toBe(201);
    return {
      id: created.body.id as string,
      token: (await api.post('/api/auth/login', { email, password: PASSWORD })).body.accessToken as string,
    };
  }

  async function createToken(owner: string, body: Record<string, unknown>): Promise<{ id: string; token: string }> {
    const created = await api.post(
      '/api/tokens',
      { name: `token-${randomUUID()}`, expiresAt: inDays(30), ...body },
      { token: owner },
    );
    expect(created.status).toBe(201);
    return created.body;
  }

  beforeAll(async () => {
    remote = await startSimulator({ apiKey: 'tokens-remote-key-1' });
    controller = await startController({ env: { GATEWAY_ACCESS_RECHECK_SECONDS: '1' } });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    operator = await user('operator@example.com');
    teamId = (await api.post('/api/teams', { name: 'ops' }, { token: admin })).body.id;
    await api.post(`/api/teams/${teamId}/members`, { email: 'operator@example.com', role: 'admin' }, { token: admin });
    const create = async (name: string, labels: Record<string, string>, team?: string) => {
      const created = await api.post(
        '/api/clients',
        { ...simulatorClient(remote, name), labels, ...(team ? { teamId: team } : {}) },
        { token: admin },
      );
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    clients.eu = await create('eu remote', { region: 'eu' }, teamId);
    clients.us = await create('us remote', { region: 'us' }, teamId);
    clients.team = await create('no team remote', { region: 'eu' });
  }, 120_000);

  afterAll(async () => {
    await controller?.stop();
    await remote?.stop();
  });

  it('shows the token once, stores only a hash, and lists it with its scope', async () => {
    const created = await createToken(operator.token, { access: 'read', selector: 'region=eu' });
    expect(created.token).toMatch(/^act_[0-9A-Za-z]{49}$/);
    expect((await api.get('/api/clients', { token: created.token })).status).toBe(200);

    const listed = await api.get('/api/tokens', { token: operator.token });
    const row = listed.body.find((token: { id: string }) => token.id === created.id);
    expect(row).toMatchObject({
      access: 'read',
      selector: 'region=eu',
      prefix: created.token.slice(0, 10),
      revokedAt: null,
    });
    expect(row.token).toBeUndefined();
    expect(JSON.stringify(listed.body)).not.toContain(created.token);

    const db = new PgClient({ connectionString: controller.database.env['DATABASE_URL'] });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT * FROM api_tokens WHERE id = $1', [created.id]);
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows[0])).not.toContain(created.token.slice(10));
      expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await db.end();
    }
    // Others do not see it; a global admin sees every token.
    expect((await api.get('/api/tokens', { token: (await user('someone@example.com')).token })).body).toEqual([]);
    expect((await api.get('/api/tokens', { token: admin })).body.map((token: { id: string }) => token.id)).toContain(
      created.id,
    );
  });

  it('narrows the owner to the token’s clients: others are 404, lists and totals leave them out', async () => {
    const euOnly = await createToken(operator.token, { access: 'manage', selector: 'region=eu', teamIds: [teamId] });
    const listed = await api.get('/api/clients?limit=100', { token: euOnly.token });
    expect(listed.body.map((client: { id: string }) => client.id)).toEqual([clients.eu]);
    expect(listed.headers.get('x-total-count')).toBe('1');
    expect((await api.get(`/api/clients/${clients.eu}`, { token: euOnly.token })).status).toBe(200);
    expect((await api.get(`/api/clients/${clients.us}`, { token: euOnly.token })).status).toBe(404);
    // Matching labels but outside the token's team: out of scope too.
    expect((await api.get(`/api/clients/${clients.team}`, { token: euOnly.token })).status).toBe(404);
    const summary = await api.get('/api/clients/summary', { token: euOnly.token });
    expect(summary.body.total).toBe(1);
    // A scoped token may not make a client it could not see afterwards.
    const body = (extra: Record<string, unknown>) => ({ ...simulatorClient(remote, `c-${randomUUID()}`), ...extra });
    const outside = await api.post('/api/clients', body({ labels: { region: 'us' }, teamId }), { token: euOnly.token });
    expect({ status: outside.status, reason: outside.body.details?.reason }).toEqual({
      status: 403,
      reason: 'token_access',
    });
    const inside = await api.post('/api/clients', body({ labels: { region: 'eu' }, teamId }), { token: euOnly.token });
    expect(inside.status).toBe(201);
    const byId = await createToken(admin, { access: 'read', clientIds: [clients.us] });
    expect(
      (await api.get('/api/clients', { token: byId.token })).body.map((client: { id: string }) => client.id),
    ).toEqual([clients.us]);
  });

  it('keeps a token to its access level: read reads, operate operates, manage manages', async () => {
    const read = await createToken(operator.token, { access: 'read' });
    const operate = await createToken(operator.token, { access: 'operate' });
    const manage = await createToken(operator.token, { access: 'manage' });
    const statuses = async (token: string) => [
      (await api.get(`/api/clients/${clients.eu}/agents`, { token })).status,
      (await api.post(`/api/clients/${clients.eu}/verify`, undefined, { token })).status,
      (await api.post(`/api/clients/${clients.eu}`, { description: `by ${token.slice(0, 8)}` }, { token })).status,
      (
        await api.post(
          '/api/clients',
          { name: `c-${randomUUID()}`, endpoint: remote.url, authenticationType: 'api_key' },
          { token },
        )
      ).status,
    ];
    expect(await statuses(read.token)).toEqual([200, 403, 403, 403]);
    expect(await statuses(operate.token)).toEqual([200, 200, 403, 403]);
    expect(await statuses(manage.token)).toEqual([200, 200, 200, 201]);
    const refused = await api.post(`/api/clients/${clients.eu}/verify`, undefined, { token: read.token });
    expectErrorBody(refused, { status: 403, code: 'FORBIDDEN' });
    expect(refused.body.details).toEqual({ reason: 'token_access' });
    // Tokens never manage tokens or their owner's account.
    expect(
      (await api.post('/api/tokens', { name: 'x', access: 'read', expiresAt: inDays(1) }, { token: manage.token }))
        .status,
    ).toBe(403);
    expect((await api.get('/api/tokens', { token: manage.token })).status).toBe(403);
  });

  it('answers 401 with a reason for unknown, malformed, revoked and expired tokens, and 403 from another address', async () => {
    const reasonOf = async (token: string) => {
      const response = await api.get('/api/clients', { token });
      return `${response.status} ${response.body.details?.reason}`;
    };
    const revoked = await createToken(operator.token, { access: 'read' });
    expect((await api.delete(`/api/tokens/${revoked.id}`, { token: operator.token })).status).toBe(204);
    expect((await api.delete(`/api/tokens/${revoked.id}`, { token: operator.token })).status).toBe(204);
    const soon = await createToken(operator.token, {
      access: 'read',
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    const elsewhere = await createToken(operator.token, { access: 'read', allowedCidrs: ['10.0.0.0/8'] });
    const here = await createToken(operator.token, { access: 'read', allowedCidrs: ['127.0.0.0/8', '::1'] });
    expect(await reasonOf(`act_${'0'.repeat(49)}`)).toBe('401 unknown');
    expect(await reasonOf(`${revoked.token.slice(0, -1)}${revoked.token.endsWith('a') ? 'b' : 'a'}`)).toBe(
      '401 unknown',
    );
    expect(await reasonOf(revoked.token)).toBe('401 revoked');
    expect(await reasonOf(elsewhere.token)).toBe('403 address');
    expect((await api.get('/api/clients', { token: here.token })).status).toBe(200);
    expect((await api.get('/api/clients', { token: soon.token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(await reasonOf(soon.token)).toBe('401 expired');
    // Refusals are audited (once a minute per token and reason).
    await reasonOf(revoked.token);
    const audit = await api.get('/api/audit?limit=100', { token: admin });
    const refusals = audit.body.filter(
      (event: { action: string; targetId: string }) =>
        event.action === 'token.refused' && event.targetId === revoked.id,
    );
    expect(refusals).toHaveLength(1);
    expect(audit.body.map((event: { action: string }) => event.action)).toEqual(
      expect.arrayContaining(['token.create', 'token.revoke']),
    );
  });

  it('refuses bad requests naming the field', async () => {
    for (const [body, field] of [
      [{ name: 'x', access: 'read', expiresAt: inDays(400) }, 'expiresAt'],
      [{ name: 'x', access: 'read', expiresAt: new Date(Date.now() - 1000).toISOString() }, 'expiresAt'],
      [{ name: 'x', access: 'admin', expiresAt: inDays(1) }, 'access'],
      [{ name: 'x', access: 'read', expiresAt: inDays(1), allowedCidrs: ['10.0.0.0/33'] }, 'allowedCidrs.0'],
      [{ name: 'x', access: 'read', expiresAt: inDays(1), selector: 'region in eu' }, 'selector'],
      [{ name: 'x', access: 'read', expiresAt: inDays(1), clientIds: ['not-a-uuid'] }, 'clientIds.0'],
    ] as const) {
      const response = await api.post('/api/tokens', body, { token: operator.token });
      expectErrorBody(response, { status: 400, code: 'VALIDATION_FAILED' });
      expect(response.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
  });

  it('acts as the owner as they are now: a demoted admin’s token shrinks, a locked owner’s stops', async () => {
    const boss = await user('boss@example.com');
    await api.patch(`/api/users/${boss.id}`, { role: 'admin' }, { token: admin });
    const token = await createToken(
      (await api.post('/api/auth/login', { email: 'boss@example.com', password: PASSWORD })).body.accessToken,
      { access: 'manage' },
    );
    expect((await api.get('/api/users', { token: token.token })).status).toBe(200);
    expect((await api.get(`/api/clients/${clients.team}`, { token: token.token })).status).toBe(200);
    await api.patch(`/api/users/${boss.id}`, { role: 'user' }, { token: admin });
    expect((await api.get('/api/users', { token: token.token })).status).toBe(403);
    expect((await api.get(`/api/clients/${clients.team}`, { token: token.token })).status).toBe(404);
    await api.post(`/api/users/${boss.id}/lock`, undefined, { token: admin });
    expect((await api.get('/api/clients', { token: token.token })).status).toBe(403);
  });

  it('links a socket with a token, within its scope, and closes it when the token is revoked', async () => {
    const scoped = await createToken(operator.token, { access: 'operate', clientIds: [clients.eu] });
    const browser = await GatewayClient.connect(controller.baseUrl, `Bearer ${scoped.token}`);
    try {
      browser.emit('setClient', { clientId: clients.us });
      expect((await browser.next('error', (e) => e.event === 'setClient')).error.code).toBe('NOT_FOUND');
      browser.emit('setClient', { clientId: clients.eu });
      await browser.next('setClientSuccess');
      expect((await api.delete(`/api/tokens/${scoped.id}`, { token: operator.token })).status).toBe(204);
      expect((await browser.next('error', (e) => e.event === 'accessCheck', 0, 10_000)).error.code).toBe(
        'UNAUTHORIZED',
      );
    } finally {
      browser.close();
    }
    expect(await handshakeRefusal(controller.baseUrl, `Bearer ${scoped.token}`)).toMatchObject({
      message: 'Unauthorized',
    });
  });
});
