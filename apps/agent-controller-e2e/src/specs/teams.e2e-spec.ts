import { randomBytes, randomUUID } from 'node:crypto';
import { expectErrorBody } from '../support/error-body';
import { GatewayClient } from '../support/gateway-client';
import { Api, ApiResponse, setUpFirstAdmin } from '../support/http';
import { freePort, RunningController, startController } from '../support/controller-process';

const PASSWORD = 'correct horse battery';

/**
 * The team routes (and the client routes that name a team) for every kind of caller, against a fresh team per cell
 * whose admin is "teamAdmin" and member "teamMember"; "otherTeamAdmin" is an admin of another team, "stranger" in
 * none. Cells are an HTTP status, "yes"/"no" for "is the team listed", or a bulk run's per-item result. 400 in
 * api-key mode means "teams play no role here" (NOT_APPLICABLE_IN_API_KEY_MODE); there, no team exists.
 */
const CALLERS = ['apiKey', 'globalAdmin', 'teamAdmin', 'teamMember', 'otherTeamAdmin', 'stranger'] as const;
type Caller = (typeof CALLERS)[number];

interface Fixture {
  teamId: string;
  memberId: string;
  adminId: string;
  /** A client in the team, made by the global admin. */
  teamClientId: string;
  /** A client in no team, made by the caller (so they may manage it). */
  ownClientId: string;
}

interface Cell {
  name: string;
  call: (api: Api, f: Fixture, token: string) => Promise<ApiResponse>;
  read?: 'listed' | 'bulk';
  expected: Record<Caller, string>;
}

const row = (name: string, call: Cell['call'], expected: string, read?: Cell['read']): Cell => {
  const values = expected.trim().split(/\s+/);
  return {
    name,
    call,
    read,
    expected: Object.fromEntries(CALLERS.map((caller, i) => [caller, values[i]])) as Cell['expected'],
  };
};

// prettier-ignore
const TABLE: Cell[] = [
  //                                                                                                                                   api-key  admin  team admin  team member  other team admin  stranger
  row('GET /api/teams (is it listed?)', (api, f, token) => api.get('/api/teams', { token }),                                          'no      yes    yes         yes          no                no', 'listed'),
  row('POST /api/teams', (api, _f, token) => api.post('/api/teams', { name: `team-${randomUUID()}` }, { token }),                      '400     201    403         403          403               403'),
  row('GET /api/teams/:id', (api, f, token) => api.get(`/api/teams/${f.teamId}`, { token }),                                           '400     200    200         200          404               404'),
  row('POST /api/teams/:id (update)', (api, f, token) => api.post(`/api/teams/${f.teamId}`, { description: 'x' }, { token }),          '400     200    200         403          404               404'),
  row('PATCH /api/teams/:id', (api, f, token) => api.patch(`/api/teams/${f.teamId}`, { defaults: { agentWsPort: 9001 } }, { token }), '400     200    200         403          404               404'),
  row('DELETE /api/teams/:id (moving its client)', (api, f, token) => api.delete(`/api/teams/${f.teamId}?moveTo=${f.teamId === NO_TEAM ? randomUUID() : otherTeamId}`, { token }), '400     204    403         403          404               404'),
  row('GET /api/teams/:id/members', (api, f, token) => api.get(`/api/teams/${f.teamId}/members`, { token }),                           '400     200    200         200          404               404'),
  row('POST /api/teams/:id/members (member)', (api, f, token) => api.post(`/api/teams/${f.teamId}/members`, { email: NEWCOMER, role: 'member' }, { token }), '400 201 201 403 404 404'),
  row('POST /api/teams/:id/members (admin)', (api, f, token) => api.post(`/api/teams/${f.teamId}/members`, { email: NEWCOMER, role: 'admin' }, { token }),   '400 201 403 403 404 404'),
  row('POST /api/teams/:id/members/:m (member -> admin)', (api, f, token) => api.post(`/api/teams/${f.teamId}/members/${f.memberId}`, { role: 'admin' }, { token }), '400 200 403 403 404 404'),
  row('DELETE /api/teams/:id/members/:m (a member)', (api, f, token) => api.delete(`/api/teams/${f.teamId}/members/${f.memberId}`, { token }), '400 204 204 403 404 404'),
  row('DELETE /api/teams/:id/members/:m (an admin)', (api, f, token) => api.delete(`/api/teams/${f.teamId}/members/${f.adminId}`, { token }),  '400 204 403 403 404 404'),
  // Client routes that name a team: creating in it and moving into it need its admin rights, as does moving out.
  row('POST /api/clients with teamId', (api, f, token) => api.post('/api/clients', newClient({ teamId: f.teamId }), { token }),         '404     201    201         403          404               404'),
  row('POST /api/clients/:id {teamId} (own client in)', (api, f, token) => api.post(`/api/clients/${f.ownClientId}`, { teamId: f.teamId }, { token }), '404 200 200 403 404 404'),
  row('POST /api/clients/:id {teamId: null} (team client out)', (api, f, token) => api.post(`/api/clients/${f.teamClientId}`, { teamId: null }, { token }), '200 200 200 403 404 404'),
  row('bulk move_to_team (own client in)', (api, f, token) => api.post('/api/clients/bulk', { action: 'move_to_team', ids: [f.ownClientId], targetTeamId: f.teamId }, { token }), '404 ok ok forbidden 404 404', 'bulk'),
  row('bulk apply_team_defaults (team client)', (api, f, token) => api.post('/api/clients/bulk', { action: 'apply_team_defaults', ids: [f.teamClientId] }, { token }), 'VALIDATION_FAILED ok ok forbidden not_found not_found', 'bulk'),
];

/** In api-key mode no team exists: the fixture's team id is one nothing has. */
const NO_TEAM = randomUUID();
const NEWCOMER = 'newcomer@example.com';
let otherTeamId = '';
let remote = '';

function newClient(extra: Record<string, unknown> = {}) {
  return {
    name: `client-${randomUUID()}`,
    endpoint: remote,
    authenticationType: 'api_key',
    apiKey: 'remote-key-123456',
    ...extra,
  };
}

const CELLS = TABLE.flatMap((cell) => CALLERS.map((caller) => ({ cell, caller, expected: cell.expected[caller] })));

const EMAILS: Record<Exclude<Caller, 'apiKey' | 'globalAdmin'>, string> = {
  teamAdmin: 'team.admin@example.com',
  teamMember: 'team.member@example.com',
  otherTeamAdmin: 'other.team.admin@example.com',
  stranger: 'stranger@example.com',
};

describe(`teams: ${TABLE.length} routes × ${CALLERS.length} callers = ${CELLS.length} cells, and what teams change`, () => {
  let users: RunningController;
  let apiKeyMode: RunningController;
  let api: Api;
  let apiKeyApi: Api;
  const staticKey = randomBytes(32).toString('base64url');
  const tokens = {} as Record<Caller, string>;
  const userIds = {} as Record<string, string>;

  async function createUser(email: string): Promise<string> {
    const created = await api.post('/api/users', { email, password: PASSWORD }, { token: tokens.globalAdmin });
    expect(created.status).toBe(201);
    userIds[email] = created.body.id;
    return (await api.post('/api/auth/login', { email, password: PASSWORD })).body.accessToken;
  }

  async function createTeam(name: string, members: [string, 'admin' | 'member'][] = [], defaults?: unknown) {
    const created = await api.post(
      '/api/teams',
      { name, ...(defaults ? { defaults } : {}) },
      { token: tokens.globalAdmin },
    );
    expect(created.status).toBe(201);
    const ids: string[] = [];
    for (const [email, role] of members) {
      const added = await api.post(
        `/api/teams/${created.body.id}/members`,
        { email, role },
        { token: tokens.globalAdmin },
      );
      expect(added.status).toBe(201);
      ids.push(added.body.id);
    }
    return { id: created.body.id as string, memberships: ids };
  }

  async function createClient(via: Api, token: string, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await via.post('/api/clients', newClient(extra), { token });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  beforeAll(async () => {
    // A port nothing listens on: clients record "unreachable" quickly; teams do not care.
    remote = `http://127.0.0.1:${await freePort()}`;
    [users, apiKeyMode] = await Promise.all([
      startController({ env: { GATEWAY_ACCESS_RECHECK_SECONDS: '1' } }),
      startController({ env: { AUTHENTICATION_METHOD: 'api-key', STATIC_API_KEY: staticKey } }),
    ]);
    api = new Api(users.baseUrl);
    apiKeyApi = new Api(apiKeyMode.baseUrl);
    tokens.apiKey = staticKey;
    tokens.globalAdmin = await setUpFirstAdmin(api, users.setupToken());
    for (const [caller, email] of Object.entries(EMAILS) as [Caller, string][])
      tokens[caller] = await createUser(email);
    for (const email of ['filler.member@example.com', 'filler.admin@example.com', NEWCOMER]) await createUser(email);
    otherTeamId = (await createTeam('another team', [[EMAILS.otherTeamAdmin, 'admin']])).id;
  }, 120_000);

  afterAll(async () => {
    await users?.stop();
    await apiKeyMode?.stop();
  });

  /** A fresh team (with a filler member and admin besides the callers) and a client in it; a client of the caller's. */
  async function fixture(caller: Caller): Promise<Fixture> {
    if (caller === 'apiKey') {
      const ownClientId = await createClient(apiKeyApi, staticKey);
      return { teamId: NO_TEAM, memberId: randomUUID(), adminId: randomUUID(), teamClientId: ownClientId, ownClientId };
    }
    const team = await createTeam(`team-${randomUUID()}`, [
      [EMAILS.teamAdmin, 'admin'],
      [EMAILS.teamMember, 'member'],
      ['filler.member@example.com', 'member'],
      ['filler.admin@example.com', 'admin'],
    ]);
    return {
      teamId: team.id,
      memberId: team.memberships[2],
      adminId: team.memberships[3],
      teamClientId: await createClient(api, tokens.globalAdmin, { teamId: team.id }),
      ownClientId: await createClient(api, tokens[caller]),
    };
  }

  it.each(CELLS)('$cell.name as $caller → $expected', async ({ cell, caller, expected }) => {
    const f = await fixture(caller);
    const response = await cell.call(caller === 'apiKey' ? apiKeyApi : api, f, tokens[caller]);
    if (cell.read === 'listed') {
      expect(response.status).toBe(200);
      const listed = (response.body as { id: string }[]).some((team) => team.id === f.teamId);
      expect(listed ? 'yes' : 'no').toBe(expected);
      return;
    }
    if (cell.read === 'bulk' && response.status === 200) {
      expect(response.body.results[0].result).toBe(expected);
      return;
    }
    expect(String(response.status)).toBe(expected);
    if (expected === '400') expect(response.body.code).toBe('NOT_APPLICABLE_IN_API_KEY_MODE');
    if (expected === '403') expect(response.body.code).toBe('FORBIDDEN');
  });

  it('gives team admins the client admin relation and members the client user one; the strongest relation wins', async () => {
    const team = await createTeam('relations', [
      [EMAILS.teamAdmin, 'admin'],
      [EMAILS.teamMember, 'member'],
    ]);
    const clientId = await createClient(api, tokens.globalAdmin, { teamId: team.id });
    // As a client admin: configure, but not appoint client admins.
    expect(
      (await api.get(`/api/clients/${clientId}`, { token: tokens.teamAdmin })).body.canManageWorkspaceConfiguration,
    ).toBe(true);
    expect(
      (await api.get(`/api/clients/${clientId}`, { token: tokens.teamMember })).body.canManageWorkspaceConfiguration,
    ).toBe(false);
    const asAdmin = await api.post(
      `/api/clients/${clientId}/users`,
      { email: NEWCOMER, role: 'admin' },
      { token: tokens.teamAdmin },
    );
    expect(asAdmin.status).toBe(403);
    // A direct client-admin membership lifts the team member to client admin.
    await api.post(
      `/api/clients/${clientId}/users`,
      { email: EMAILS.teamMember, role: 'admin' },
      { token: tokens.globalAdmin },
    );
    expect(
      (await api.get(`/api/clients/${clientId}`, { token: tokens.teamMember })).body.canManageWorkspaceConfiguration,
    ).toBe(true);
    const listed = await api.get(`/api/clients?teamId=${team.id}`, { token: tokens.teamMember });
    expect(
      listed.body.map((client: { id: string; canManageWorkspaceConfiguration: boolean }) => [
        client.id,
        client.canManageWorkspaceConfiguration,
      ]),
    ).toEqual([[clientId, true]]);
  });

  it('takes the team’s access away at once when a client leaves the team or a member leaves it', async () => {
    const team = await createTeam('leaving', [[EMAILS.teamMember, 'member']]);
    const clientId = await createClient(api, tokens.globalAdmin, { teamId: team.id });
    expect((await api.get(`/api/clients/${clientId}`, { token: tokens.teamMember })).status).toBe(200);
    expect((await api.post(`/api/clients/${clientId}`, { teamId: null }, { token: tokens.globalAdmin })).status).toBe(
      200,
    );
    expect((await api.get(`/api/clients/${clientId}`, { token: tokens.teamMember })).status).toBe(404);
    const inNoTeam = async () =>
      (await api.get('/api/clients?teamId=none&limit=100', { token: tokens.globalAdmin })).body.map(
        (client: { id: string }) => client.id,
      );
    expect(await inNoTeam()).toContain(clientId);

    expect(
      (await api.post(`/api/clients/${clientId}`, { teamId: team.id }, { token: tokens.globalAdmin })).status,
    ).toBe(200);
    expect((await api.get(`/api/clients/${clientId}`, { token: tokens.teamMember })).status).toBe(200);
    expect(await inNoTeam()).not.toContain(clientId);
    const [membership] = (await api.get(`/api/teams/${team.id}/members`, { token: tokens.globalAdmin })).body;
    expect(
      (await api.delete(`/api/teams/${team.id}/members/${membership.id}`, { token: tokens.globalAdmin })).status,
    ).toBe(204);
    expect((await api.get(`/api/clients/${clientId}`, { token: tokens.teamMember })).status).toBe(404);
  });

  it('tells a member’s watching console of the team’s clients live as they join and leave it, and as a client moves', async () => {
    const team = await createTeam('live');
    const clientId = await createClient(api, tokens.globalAdmin, { teamId: team.id });
    const watching = await GatewayClient.connect(users.baseUrl, `Bearer ${tokens.stranger}`);
    try {
      watching.emit('watchFleet');
      await watching.next('watchFleetSuccess');
      const joined = await api.post(
        `/api/teams/${team.id}/members`,
        { email: EMAILS.stranger, role: 'member' },
        { token: tokens.globalAdmin },
      );
      expect(joined.status).toBe(201);
      expect((await watching.next('clientAdded')).client).toMatchObject({ id: clientId, teamId: team.id });
      // The client moved out of the team and back: removed, then added again.
      const seen = watching.received.length;
      await api.post(`/api/clients/${clientId}`, { teamId: null }, { token: tokens.globalAdmin });
      expect(await watching.next('clientRemoved', () => true, seen)).toEqual({ clientId });
      await api.post(`/api/clients/${clientId}`, { teamId: team.id }, { token: tokens.globalAdmin });
      expect((await watching.next('clientAdded', () => true, seen)).client).toMatchObject({ id: clientId });
      const before = watching.received.length;
      await api.delete(`/api/teams/${team.id}/members/${joined.body.id}`, { token: tokens.globalAdmin });
      expect(await watching.next('clientRemoved', () => true, before)).toEqual({ clientId });
    } finally {
      watching.close();
    }
  });

  it('fills a new client from the team’s defaults, its own values winning', async () => {
    const team = await createTeam('defaults', [], {
      agentWsPort: 9100,
      keycloakRealm: 'team-realm',
      labels: { region: 'eu', tier: 'web' },
    });
    const created = await api.post('/api/clients', newClient({ teamId: team.id, labels: { tier: 'db' } }), {
      token: tokens.globalAdmin,
    });
    expect(created.body).toMatchObject({ teamId: team.id, agentWsPort: 9100, labels: { region: 'eu', tier: 'db' } });
    const ownPort = await api.post('/api/clients', newClient({ teamId: team.id, agentWsPort: 9200 }), {
      token: tokens.globalAdmin,
    });
    expect(ownPort.body.agentWsPort).toBe(9200);
    // A keycloak client may leave the realm to the team; in no team it is required.
    const keycloak = {
      authenticationType: 'keycloak',
      apiKey: undefined,
      keycloakClientId: 'c',
      keycloakClientSecret: 's',
    };
    const fromTeam = await api.post('/api/clients', newClient({ ...keycloak, teamId: team.id }), {
      token: tokens.globalAdmin,
    });
    expect(fromTeam.status).toBe(201);
    expect(fromTeam.body.keycloakRealm).toBe('team-realm');
    const noTeam = await api.post('/api/clients', newClient(keycloak), { token: tokens.globalAdmin });
    expectErrorBody(noTeam, { status: 400, code: 'VALIDATION_FAILED' });
    expect(noTeam.body.details.fields).toEqual([expect.objectContaining({ field: 'keycloakRealm' })]);

    // Applying the defaults later: a changed default reaches clients already in the team.
    await api.patch(
      `/api/teams/${team.id}`,
      { defaults: { agentWsPort: 9300, labels: { region: 'us' } } },
      { token: tokens.globalAdmin },
    );
    const applied = await api.post(
      '/api/clients/bulk',
      { action: 'apply_team_defaults', teamId: team.id },
      { token: tokens.globalAdmin },
    );
    expect(applied.body.results.map((result: { result: string }) => result.result)).toEqual(['ok', 'ok', 'ok']);
    const after = await api.get(`/api/clients/${created.body.id}`, { token: tokens.globalAdmin });
    expect(after.body).toMatchObject({ agentWsPort: 9300, labels: { region: 'us', tier: 'db' } });
  });

  it('keeps names unique case-insensitively, refuses to delete a team with clients, and moves them with ?moveTo', async () => {
    const team = await createTeam('Platform');
    expectErrorBody(await api.post('/api/teams', { name: 'platform' }, { token: tokens.globalAdmin }), {
      status: 409,
      code: 'NAME_TAKEN',
    });
    const target = await createTeam('platform-next');
    const clients = [
      await createClient(api, tokens.globalAdmin, { teamId: team.id }),
      await createClient(api, tokens.globalAdmin, { teamId: team.id }),
    ];
    const refused = await api.delete(`/api/teams/${team.id}`, { token: tokens.globalAdmin });
    expectErrorBody(refused, { status: 409, code: 'TEAM_HAS_CLIENTS' });
    expect(refused.body.details).toEqual({ clients: 2 });
    const unknownTarget = await api.delete(`/api/teams/${team.id}?moveTo=${randomUUID()}`, {
      token: tokens.globalAdmin,
    });
    expectErrorBody(unknownTarget, { status: 404, code: 'NOT_FOUND' });
    expect(unknownTarget.body.details.fields).toEqual([
      expect.objectContaining({ field: 'moveTo', location: 'query' }),
    ]);

    expect((await api.delete(`/api/teams/${team.id}?moveTo=${target.id}`, { token: tokens.globalAdmin })).status).toBe(
      204,
    );
    const moved = await api.get(`/api/clients?teamId=${target.id}`, { token: tokens.globalAdmin });
    expect(moved.body.map((client: { id: string }) => client.id).sort()).toEqual([...clients].sort());
    expect((await api.get(`/api/teams/${target.id}`, { token: tokens.globalAdmin })).body.clientCount).toBe(2);
    const audit = await api.get('/api/audit?limit=100', { token: tokens.globalAdmin });
    const actions = audit.body.map(
      (event: { action: string; targetId: string }) => `${event.action} ${event.targetId}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        `team.delete ${team.id}`,
        `team.create ${target.id}`,
        ...clients.map((id) => `client.update ${id}`),
      ]),
    );
  });

  it('refuses a team it cannot find, and bad team input, with 4xx naming the field', async () => {
    const unknown = await api.post('/api/clients', newClient({ teamId: randomUUID() }), { token: tokens.globalAdmin });
    expectErrorBody(unknown, { status: 404, code: 'NOT_FOUND' });
    expect(unknown.body.details.fields).toEqual([expect.objectContaining({ field: 'teamId', location: 'body' })]);
    for (const [body, field] of [
      [{ name: '' }, 'name'],
      [{ name: 'x', defaults: { agentWsPort: 0 } }, 'defaults.agentWsPort'],
      [{ name: 'x', defaults: { labels: { 'bad key!': 'v' } } }, 'defaults.labels.bad key!'],
      [{ name: 'x', extra: true }, ''],
    ] as const) {
      const response = await api.post('/api/teams', body, { token: tokens.globalAdmin });
      expectErrorBody(response, { status: 400, code: 'VALIDATION_FAILED' });
      if (field) expect(response.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    const withCredentials = await api.post(
      '/api/teams',
      { name: 'with credentials', defaults: { keycloakAuthServerUrl: 'https://user:secret@keycloak.example.com/' } },
      { token: tokens.globalAdmin },
    );
    expectErrorBody(withCredentials, { status: 400, code: 'ENDPOINT_NOT_ALLOWED' });
    expect(withCredentials.body.details.fields).toEqual([
      expect.objectContaining({ field: 'defaults.keycloakAuthServerUrl' }),
    ]);
    const duplicate = await createTeam('duplicates', [[EMAILS.stranger, 'member']]);
    const again = await api.post(
      `/api/teams/${duplicate.id}/members`,
      { email: EMAILS.stranger, role: 'admin' },
      { token: tokens.globalAdmin },
    );
    expectErrorBody(again, { status: 409, code: 'CONFLICT' });
  });
});
