import { randomBytes, randomUUID } from 'node:crypto';
import { Api, setUpFirstAdmin } from '../support/http';
import { freePort, RunningController, startController } from '../support/controller-process';

/**
 * The permission table of DESIGN.md §4, route by route, for every kind of caller, against a client of
 * their own (created by "creator", with "client admin" and "client user" as members, in the team whose admin is
 * "team admin" and member "team member") and someone else's (created by the global admin, in another team).
 * Each cell gets fresh clients, so destructive routes cannot affect others.
 *
 * Cells read "own/other": an HTTP status, or for bulk the per-item result, or for the list whether the
 * client is listed. 400 in api-key mode means "users play no role here" (NOT_APPLICABLE_IN_API_KEY_MODE).
 */
const ACTORS = [
  'apiKey',
  'globalAdmin',
  'creator',
  'clientAdmin',
  'clientUser',
  'teamAdmin',
  'teamMember',
  'stranger',
] as const;
type Actor = (typeof ACTORS)[number];
type Target = 'own' | 'other';

interface Fixture {
  clientId: string;
  userMemberId: string;
  adminMemberId: string;
}

interface Route {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: (fixture: Fixture) => string;
  body?: unknown;
  /** How to read the answer when it is not a plain status. */
  read?: 'bulk' | 'listed' | 'create';
}

const route = (name: string, path: Route['path'], extra: Partial<Route> = {}): Route => {
  const [method] = name.split(' ') as [Route['method']];
  return { name, method, path, ...extra };
};

const AUTONOMY_AGENT = '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e';

type TeamActor = 'teamAdmin' | 'teamMember';

// prettier-ignore
const CLIENT_TABLE: [Route, Record<Exclude<Actor, TeamActor>, string>][] = [
  //                                                                                                  api-key      admin        creator      client admin  client user  stranger
  // Routes that are not about one client answer the same for "own" and "other".
  [route('POST /api/clients (create)', () => '/api/clients', { read: 'create' }),                  { apiKey: '201/201', globalAdmin: '201/201', creator: '201/201', clientAdmin: '201/201', clientUser: '201/201', stranger: '201/201' }],
  [route('GET /api/auth/me', () => '/api/auth/me'),                                                  { apiKey: '200/200', globalAdmin: '200/200', creator: '200/200', clientAdmin: '200/200', clientUser: '200/200', stranger: '200/200' }],
  [route('GET /api/users', () => '/api/users'),                                                      { apiKey: '400/400', globalAdmin: '200/200', creator: '403/403', clientAdmin: '403/403', clientUser: '403/403', stranger: '403/403' }],
  [route('GET /api/audit', () => '/api/audit'),                                                      { apiKey: '200/200', globalAdmin: '200/200', creator: '403/403', clientAdmin: '403/403', clientUser: '403/403', stranger: '403/403' }],
  [route('GET /api/clients (is it listed?)', () => '/api/clients?limit=100', { read: 'listed' }),   { apiKey: 'yes/yes', globalAdmin: 'yes/yes', creator: 'yes/no', clientAdmin: 'yes/no', clientUser: 'yes/no', stranger: 'no/no' }],
  [route('GET /api/clients/:id', (f) => `/api/clients/${f.clientId}`),                              { apiKey: '200/200', globalAdmin: '200/200', creator: '200/404', clientAdmin: '200/404', clientUser: '200/404', stranger: '404/404' }],
  [route('GET /api/clients/:id/health/history', (f) => `/api/clients/${f.clientId}/health/history`), { apiKey: '200/200', globalAdmin: '200/200', creator: '200/404', clientAdmin: '200/404', clientUser: '200/404', stranger: '404/404' }],
  [route('POST /api/clients/:id/verify', (f) => `/api/clients/${f.clientId}/verify`),               { apiKey: '200/200', globalAdmin: '200/200', creator: '200/404', clientAdmin: '200/404', clientUser: '200/404', stranger: '404/404' }],
  [route('POST /api/clients/:id (update)', (f) => `/api/clients/${f.clientId}`, { body: { description: 'changed' } }), { apiKey: '200/200', globalAdmin: '200/200', creator: '200/404', clientAdmin: '200/404', clientUser: '403/404', stranger: '404/404' }],
  [route('PATCH /api/clients/:id', (f) => `/api/clients/${f.clientId}`, { body: { agentWsPort: 9000 } }), { apiKey: '200/200', globalAdmin: '200/200', creator: '200/404', clientAdmin: '200/404', clientUser: '403/404', stranger: '404/404' }],
  [route('POST /api/clients/:id/status', (f) => `/api/clients/${f.clientId}/status`, { body: { status: 'inactive' } }), { apiKey: '200/200', globalAdmin: '200/200', creator: '200/404', clientAdmin: '200/404', clientUser: '403/404', stranger: '404/404' }],
  [route('POST /api/clients/:id/rotate-key', (f) => `/api/clients/${f.clientId}/rotate-key`, { body: { apiKey: 'remote-key-rotated', force: true } }), { apiKey: '200/200', globalAdmin: '200/200', creator: '200/404', clientAdmin: '200/404', clientUser: '403/404', stranger: '404/404' }],
  [route('DELETE /api/clients/:id', (f) => `/api/clients/${f.clientId}`),                           { apiKey: '204/204', globalAdmin: '204/204', creator: '204/404', clientAdmin: '204/404', clientUser: '403/404', stranger: '404/404' }],
  [route('POST /api/clients/bulk (deactivate)', () => '/api/clients/bulk', { read: 'bulk' }),       { apiKey: 'ok/ok', globalAdmin: 'ok/ok', creator: 'ok/not_found', clientAdmin: 'ok/not_found', clientUser: 'forbidden/not_found', stranger: 'not_found/not_found' }],
  [route('POST /api/clients/bulk (verify)', () => '/api/clients/bulk', { read: 'bulk' }),           { apiKey: 'ok/ok', globalAdmin: 'ok/ok', creator: 'ok/not_found', clientAdmin: 'ok/not_found', clientUser: 'ok/not_found', stranger: 'not_found/not_found' }],
  [route('GET /api/clients/:id/users', (f) => `/api/clients/${f.clientId}/users`),                  { apiKey: '200/200', globalAdmin: '200/200', creator: '200/404', clientAdmin: '200/404', clientUser: '200/404', stranger: '404/404' }],
  [route('POST /api/clients/:id/users (role user)', (f) => `/api/clients/${f.clientId}/users`, { body: { email: 'newcomer@example.com', role: 'user' } }),  { apiKey: '400/400', globalAdmin: '201/201', creator: '201/404', clientAdmin: '201/404', clientUser: '403/404', stranger: '404/404' }],
  [route('POST /api/clients/:id/users (role admin)', (f) => `/api/clients/${f.clientId}/users`, { body: { email: 'newcomer@example.com', role: 'admin' } }), { apiKey: '400/400', globalAdmin: '201/201', creator: '201/404', clientAdmin: '403/404', clientUser: '403/404', stranger: '404/404' }],
  [route('POST /api/clients/:id/users/:rel (user -> admin)', (f) => `/api/clients/${f.clientId}/users/${f.userMemberId}`, { body: { role: 'admin' } }), { apiKey: '400/400', globalAdmin: '200/200', creator: '200/404', clientAdmin: '403/404', clientUser: '403/404', stranger: '404/404' }],
  [route('DELETE /api/clients/:id/users/:rel (a user)', (f) => `/api/clients/${f.clientId}/users/${f.userMemberId}`), { apiKey: '400/400', globalAdmin: '204/204', creator: '204/404', clientAdmin: '204/404', clientUser: '403/404', stranger: '404/404' }],
  [route('DELETE /api/clients/:id/users/:rel (an admin)', (f) => `/api/clients/${f.clientId}/users/${f.adminMemberId}`), { apiKey: '400/400', globalAdmin: '204/204', creator: '204/404', clientAdmin: '403/404', clientUser: '403/404', stranger: '404/404' }],
  // Agenstra's agent-autonomy routes: kept for its console, with nothing stored (README, "Using Agenstra's console").
  [route('GET /api/clients/:id/agent-autonomy/enabled-agent-ids', (f) => `/api/clients/${f.clientId}/agent-autonomy/enabled-agent-ids`), { apiKey: '200/200', globalAdmin: '200/200', creator: '200/404', clientAdmin: '200/404', clientUser: '200/404', stranger: '404/404' }],
  [route('PUT /api/clients/:id/agents/:agentId/autonomy', (f) => `/api/clients/${f.clientId}/agents/${AUTONOMY_AGENT}/autonomy`, { body: { enabled: true } }), { apiKey: '501/501', globalAdmin: '501/501', creator: '501/404', clientAdmin: '501/404', clientUser: '403/404', stranger: '404/404' }],
];

/**
 * A team admin relates to the team's clients as a client admin and a team member as a client user, so the policy
 * stays one table: their columns are those two, on their team's client ("own") and on another team's ("other").
 */
const TABLE: [Route, Record<Actor, string>][] = CLIENT_TABLE.map(([route, expected]) => [
  route,
  { ...expected, teamAdmin: expected.clientAdmin, teamMember: expected.clientUser },
]);

const CELLS = TABLE.flatMap(([route, expected]) =>
  ACTORS.flatMap((actor) =>
    (['own', 'other'] as const).map((target, index) => ({
      route,
      actor,
      target,
      expected: expected[actor].split('/')[index],
    })),
  ),
);

const PASSWORD = 'correct horse battery';
const EMAILS: Record<Exclude<Actor, 'apiKey' | 'globalAdmin'>, string> = {
  creator: 'creator@example.com',
  clientAdmin: 'client.admin@example.com',
  clientUser: 'client.user@example.com',
  teamAdmin: 'team.admin@example.com',
  teamMember: 'team.member@example.com',
  stranger: 'stranger@example.com',
};

const FILLERS = { admin: 'filler.admin@example.com', user: 'filler.user@example.com' };

describe(`permission table: ${TABLE.length} routes × ${ACTORS.length} callers × own/other = ${CELLS.length} cells`, () => {
  let users: RunningController;
  let apiKeyMode: RunningController;
  let usersApi: Api;
  let apiKeyApi: Api;
  const staticKey = randomBytes(32).toString('base64url');
  const tokens = {} as Record<Actor, string>;
  const teams = { own: '', other: '' };
  let remote: string;

  beforeAll(async () => {
    // A port nothing listens on: creation and verify record "unreachable" quickly; permissions do not care.
    remote = `http://127.0.0.1:${await freePort()}`;
    [users, apiKeyMode] = await Promise.all([
      startController(),
      startController({ env: { AUTHENTICATION_METHOD: 'api-key', STATIC_API_KEY: staticKey } }),
    ]);
    usersApi = new Api(users.baseUrl);
    apiKeyApi = new Api(apiKeyMode.baseUrl);
    tokens.apiKey = staticKey;
    tokens.globalAdmin = await setUpFirstAdmin(usersApi, users.setupToken());
    for (const email of [...Object.values(EMAILS), ...Object.values(FILLERS), 'newcomer@example.com']) {
      const created = await usersApi.post('/api/users', { email, password: PASSWORD }, { token: tokens.globalAdmin });
      expect(created.status).toBe(201);
    }
    for (const [actor, email] of Object.entries(EMAILS) as [Actor, string][]) {
      tokens[actor] = (await usersApi.post('/api/auth/login', { email, password: PASSWORD })).body.accessToken;
    }
    // The callers' team, and another team (with members who are none of our callers).
    const team = async (name: string, members: [string, string][]) => {
      const created = await usersApi.post('/api/teams', { name }, { token: tokens.globalAdmin });
      expect(created.status).toBe(201);
      for (const [email, role] of members) {
        const added = await usersApi.post(
          `/api/teams/${created.body.id}/members`,
          { email, role },
          { token: tokens.globalAdmin },
        );
        expect(added.status).toBe(201);
      }
      return created.body.id as string;
    };
    teams.own = await team('own team', [
      [EMAILS.teamAdmin, 'admin'],
      [EMAILS.teamMember, 'member'],
    ]);
    teams.other = await team('other team', [
      [FILLERS.admin, 'admin'],
      [FILLERS.user, 'member'],
    ]);
  }, 120_000);

  afterAll(async () => {
    await users?.stop();
    await apiKeyMode?.stop();
  });

  async function createClient(api: Api, token: string): Promise<string> {
    const response = await api.post(
      '/api/clients',
      { name: `client-${randomUUID()}`, endpoint: remote, authenticationType: 'api_key', apiKey: 'remote-key-123456' },
      { token },
    );
    expect(response.status).toBe(201);
    return response.body.id;
  }

  /** A fresh client for the cell: "own" is the creator's with two members, "other" the global admin's. */
  async function fixture(actor: Actor, target: Target): Promise<Fixture> {
    if (actor === 'apiKey') {
      return {
        clientId: await createClient(apiKeyApi, staticKey),
        userMemberId: randomUUID(),
        adminMemberId: randomUUID(),
      };
    }
    const owner = target === 'own' ? tokens.creator : tokens.globalAdmin;
    const clientId = await createClient(usersApi, owner);
    // Only a team's admin (or a global admin) puts a client in it; the creator is neither.
    const moved = await usersApi.post(
      `/api/clients/${clientId}`,
      { teamId: teams[target] },
      { token: tokens.globalAdmin },
    );
    expect(moved.status).toBe(200);
    const add = async (email: string, role: string) => {
      const response = await usersApi.post(`/api/clients/${clientId}/users`, { email, role }, { token: owner });
      expect(response.status).toBe(201);
      return response.body.id as string;
    };
    // The "other" client has members too (none of our callers), so relationship ids exist there as well.
    const adminMemberId = await add(target === 'own' ? EMAILS.clientAdmin : FILLERS.admin, 'admin');
    const userMemberId = await add(target === 'own' ? EMAILS.clientUser : FILLERS.user, 'user');
    return { clientId, userMemberId, adminMemberId };
  }

  it.each(CELLS)(
    '$route.name as $actor on the $target client → $expected',
    async ({ route, actor, target, expected }) => {
      const api = actor === 'apiKey' ? apiKeyApi : usersApi;
      const f = await fixture(actor, target);
      const token = tokens[actor];
      if (route.read === 'bulk') {
        const action = route.name.includes('verify') ? 'verify' : 'deactivate';
        const response = await api.post('/api/clients/bulk', { action, ids: [f.clientId] }, { token });
        expect(response.status).toBe(200);
        expect(response.body.results[0].result).toBe(expected);
        return;
      }
      const body =
        route.read === 'create'
          ? {
              name: `created-${randomUUID()}`,
              endpoint: remote,
              authenticationType: 'api_key',
              apiKey: 'remote-key-123456',
            }
          : route.body;
      const response = await api.request(route.method, route.path(f), { token, body });
      if (route.read === 'listed') {
        expect(response.status).toBe(200);
        const listed = (response.body as { id: string }[]).some((client) => client.id === f.clientId);
        expect(listed ? 'yes' : 'no').toBe(expected);
        return;
      }
      expect(response.status).toBe(Number(expected));
      if (expected === '404') expect(response.body.message).toBe('Client not found');
      if (expected === '403') expect(response.body.code).toBe('FORBIDDEN');
      if (expected === '201' && route.read === 'create') expect(response.body.apiKey).toBe('remote-key-123456');
      if (expected === '400') expect(response.body.code).toBe('NOT_APPLICABLE_IN_API_KEY_MODE');
    },
  );

  it('keeps membership totals in SQL: becoming a member of one more client adds exactly one', async () => {
    const before = Number(
      (await usersApi.get('/api/clients?limit=1', { token: tokens.stranger })).headers.get('x-total-count'),
    );
    const clientId = await createClient(usersApi, tokens.globalAdmin);
    await createClient(usersApi, tokens.globalAdmin);
    await usersApi.post(
      `/api/clients/${clientId}/users`,
      { email: EMAILS.stranger, role: 'user' },
      { token: tokens.globalAdmin },
    );
    const after = await usersApi.get('/api/clients?limit=100&offset=0', { token: tokens.stranger });
    expect(Number(after.headers.get('x-total-count'))).toBe(before + 1);
    expect(after.body.map((client: { id: string }) => client.id)).toContain(clientId);
  });

  it('answers two concurrent adds of the same member with one 201 and one 409', async () => {
    const clientId = await createClient(usersApi, tokens.globalAdmin);
    const add = () =>
      usersApi.post(
        `/api/clients/${clientId}/users`,
        { email: EMAILS.clientUser, role: 'user' },
        { token: tokens.globalAdmin },
      );
    const statuses = (await Promise.all([add(), add()])).map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409]);
  });

  it('refuses adding the creator or an unknown e-mail, without revealing more than "no such user"', async () => {
    const clientId = await createClient(usersApi, tokens.creator);
    const creator = await usersApi.post(
      `/api/clients/${clientId}/users`,
      { email: EMAILS.creator, role: 'user' },
      { token: tokens.creator },
    );
    expect(creator.status).toBe(409);
    const unknown = await usersApi.post(
      `/api/clients/${clientId}/users`,
      { email: 'nobody@example.com', role: 'user' },
      { token: tokens.creator },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('No such user');
    const listed = await usersApi.get(`/api/clients/${clientId}/users?include=creator`, { token: tokens.creator });
    expect(listed.body).toEqual([expect.objectContaining({ id: null, email: EMAILS.creator, role: 'creator' })]);
    // Without `include=creator` only members are listed; the creator is the client's `createdBy`.
    expect((await usersApi.get(`/api/clients/${clientId}/users`, { token: tokens.creator })).body).toEqual([]);
  });

  it('takes access away at once when a member is removed', async () => {
    const clientId = await createClient(usersApi, tokens.creator);
    const added = await usersApi.post(
      `/api/clients/${clientId}/users`,
      { email: EMAILS.stranger, role: 'user' },
      { token: tokens.creator },
    );
    expect((await usersApi.get(`/api/clients/${clientId}`, { token: tokens.stranger })).status).toBe(200);
    await usersApi.delete(`/api/clients/${clientId}/users/${added.body.id}`, { token: tokens.creator });
    expect((await usersApi.get(`/api/clients/${clientId}`, { token: tokens.stranger })).status).toBe(404);
  });
});
