import { createTestDatabase, TestDatabase } from '@agent-controller/database/testing';
import { Client as PgClient } from 'pg';
import { expectErrorBody } from '../support/error-body';
import { Api, setUpFirstAdmin } from '../support/http';
import { RunningController, startController } from '../support/controller-process';
import { startSimulator } from '../support/simulator-process';

const PASSWORD = 'correct horse battery';
/** The cap of a bulk run by filters (MAX_BULK_SELECTED). */
const BULK_CAP = 5000;

/**
 * Clients with labels and environments (a position in the configured list; none: the default, the first), and what
 * each selector must select of them (by name, without the prefix).
 */
const FIXTURES: { name: string; environment?: number; labels: Record<string, string> }[] = [
  { name: 'a', labels: { app: 'shop', region: 'eu', tier: 'web' } },
  { name: 'b', environment: 1, labels: { app: 'shop', region: 'us' } },
  { name: 'c', labels: { app: 'blog', region: 'eu', 'example.com/deprecated': '' } },
  { name: 'd', environment: 2, labels: {} },
  { name: 'e', labels: { app: 'shop', region: 'ap', tier: '' } },
];

const SELECTIONS: [string, string[]][] = [
  ['app=shop', ['a', 'b', 'e']],
  ['app==shop,region=eu', ['a']],
  ['region!=eu', ['b', 'd', 'e']],
  ['region in (eu,us)', ['a', 'b', 'c']],
  ['region notin (eu, us)', ['d', 'e']],
  ['tier', ['a', 'e']],
  ['!tier', ['b', 'c', 'd']],
  ['tier=', ['e']],
  ['example.com/deprecated', ['c']],
  ['app=shop,!tier,region in (us)', ['b']],
  ['app=nothing', []],
];

/** Creates the fixtures under `prefix` (their names, and the search that finds only them). */
async function createFixtures(api: Api, token: string, prefix: string, endpoint: string, environments: string[]) {
  const ids: Record<string, string> = {};
  for (const { name, environment, labels } of FIXTURES) {
    const response = await api.post(
      '/api/clients',
      {
        name: `${prefix}${name}`,
        endpoint,
        authenticationType: 'api_key',
        apiKey: 'remote-key-123456',
        ...(environment === undefined ? {} : { environment: environments[environment] }),
        labels,
      },
      { token },
    );
    if (response.status !== 201) throw new Error(`create ${name}: ${response.status} ${response.text}`);
    ids[name] = response.body.id;
  }
  return ids;
}

async function signUp(api: Api, admin: string, email: string): Promise<string> {
  await api.post('/api/users', { email, password: PASSWORD }, { token: admin });
  return (await api.post('/api/auth/login', { email, password: PASSWORD })).body.accessToken;
}

async function listedNames(api: Api, token: string, prefix: string, query: string): Promise<string[]> {
  const response = await api.get(`/api/clients?search=${prefix}&sort=name&limit=100&${query}`, { token });
  if (response.status !== 200) throw new Error(`list ${query}: ${response.status} ${response.text}`);
  expect(response.headers.get('x-total-count')).toBe(String(response.body.length));
  return response.body.map((client: { name: string }) => client.name.slice(prefix.length));
}

describe('client environments, labels and label selectors', () => {
  let controller: RunningController;
  let api: Api;
  let admin: string;
  let endpoint: string;
  let ids: Record<string, string>;
  let database: TestDatabase;
  const prefix = 'sel-';

  beforeAll(async () => {
    // A remote that is down: creating a client never waits for it, and nothing here needs an answer.
    const down = await startSimulator();
    endpoint = down.url;
    await down.stop();
    database = await createTestDatabase();
    controller = await startController({ database, env: { CLIENT_HEALTH_INTERVAL: '3600' } });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    ids = await createFixtures(api, admin, prefix, endpoint, ['production', 'staging', 'development']);
  }, 120_000);

  afterAll(async () => {
    await controller?.stop();
  });

  describe('create and update', () => {
    it('puts a client created without an environment in production with no labels, and returns both everywhere', async () => {
      const created = await api.post(
        '/api/clients',
        { name: 'plain', endpoint, authenticationType: 'api_key' },
        { token: admin },
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ environment: 'production', labels: {} });
      const read = await api.get(`/api/clients/${created.body.id}`, { token: admin });
      expect(read.body).toMatchObject({ environment: 'production', labels: {} });
    });

    it('stores the environment and labels given on create, keys in alphabetical order', async () => {
      const read = await api.get(`/api/clients/${ids['c']}`, { token: admin });
      expect(read.body.environment).toBe('production');
      expect(Object.entries(read.body.labels)).toEqual([
        ['app', 'blog'],
        ['example.com/deprecated', ''],
        ['region', 'eu'],
      ]);
      const listed = await api.get(`/api/clients?search=${prefix}b`, { token: admin });
      expect(listed.body[0]).toMatchObject({ environment: 'staging', labels: { app: 'shop', region: 'us' } });
    });

    it('replaces labels and changes the environment on update, audited as client.update', async () => {
      const created = await api.post(
        '/api/clients',
        { name: 'relabelled', endpoint, authenticationType: 'api_key', labels: { region: 'eu', tier: 'web' } },
        { token: admin },
      );
      const id = created.body.id;
      const updated = await api.post(
        `/api/clients/${id}`,
        { environment: 'staging', labels: { region: 'us', 'team.example.com/owner': 'ops' } },
        { token: admin },
      );
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        environment: 'staging',
        labels: { region: 'us', 'team.example.com/owner': 'ops' },
      });
      expect(Object.keys(updated.body.labels)).toHaveLength(2);
      const cleared = await api.post(`/api/clients/${id}`, { labels: {} }, { token: admin });
      expect(cleared.body).toMatchObject({ environment: 'staging', labels: {} });

      const audit = await api.get(`/api/audit?targetId=${id}&action=client.update`, { token: admin });
      expect(audit.body.map((event: { changes: unknown }) => event.changes)).toEqual([
        { labels: { from: { region: 'us', 'team.example.com/owner': 'ops' }, to: {} } },
        {
          environment: { from: 'production', to: 'staging' },
          labels: { from: { region: 'eu', tier: 'web' }, to: { region: 'us', 'team.example.com/owner': 'ops' } },
        },
      ]);
    });

    it.each([
      [{ labels: { '-region': 'eu' } }, 'labels.-region', /invalid label key/],
      [{ labels: { region: 'e u' } }, 'labels.region', /invalid label value/],
      [{ labels: { 'Example.com/tier': 'web' } }, 'labels.Example.com/tier', /prefix must be a DNS subdomain/],
      [{ labels: { region: 'x'.repeat(64) } }, 'labels.region', /at most 63 characters/],
      [
        { labels: Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`k${index}`, 'v'])) },
        'labels',
        /at most 20 labels/,
      ],
      [{ labels: ['region=eu'] }, 'labels', /expected record/],
      [{ environment: 'qa' }, 'environment', /must be one of: production, staging, development/],
      [{ environment: '' }, 'environment', /.+/],
    ])('refuses %j on create and update with 400 naming %s, storing nothing', async (body, field, message) => {
      const created = await api.post(
        '/api/clients',
        { name: `refused-${field}`, endpoint, authenticationType: 'api_key', ...body },
        { token: admin },
      );
      expectErrorBody(created, { status: 400, code: 'VALIDATION_FAILED', field: { name: field, location: 'body' } });
      expect(created.body.details.fields.find((f: { field: string }) => f.field === field).message).toMatch(message);
      expect((await api.get(`/api/clients?search=refused-`, { token: admin })).body).toEqual([]);

      const updated = await api.post(`/api/clients/${ids['a']}`, body, { token: admin });
      expectErrorBody(updated, { status: 400, code: 'VALIDATION_FAILED', field: { name: field, location: 'body' } });
      const read = await api.get(`/api/clients/${ids['a']}`, { token: admin });
      expect(read.body).toMatchObject({ environment: 'production', labels: FIXTURES[0].labels });
    });
  });

  describe('listing by environment and selector', () => {
    it.each(SELECTIONS)('selector %j selects %j', async (selector, expected) => {
      expect(await listedNames(api, admin, prefix, `selector=${encodeURIComponent(selector)}`)).toEqual(expected);
    });

    it('filters by environment, alone and with a selector', async () => {
      expect(await listedNames(api, admin, prefix, 'environment=production')).toEqual(['a', 'c', 'e']);
      expect(await listedNames(api, admin, prefix, 'environment=staging')).toEqual(['b']);
      expect(
        await listedNames(api, admin, prefix, `environment=production&selector=${encodeURIComponent('app=shop')}`),
      ).toEqual(['a', 'e']);
    });

    it('pages a selection with the total of all matching clients', async () => {
      const selector = encodeURIComponent('app in (shop,blog)');
      const first = await api.get(`/api/clients?search=${prefix}&selector=${selector}&sort=name&limit=2`, {
        token: admin,
      });
      expect(first.body.map((client: { name: string }) => client.name)).toEqual([`${prefix}a`, `${prefix}b`]);
      expect(first.headers.get('x-total-count')).toBe('4');
      const second = await api.get(`/api/clients?search=${prefix}&selector=${selector}&sort=name&limit=2&offset=2`, {
        token: admin,
      });
      expect(second.body.map((client: { name: string }) => client.name)).toEqual([`${prefix}c`, `${prefix}e`]);
      expect(second.headers.get('x-total-count')).toBe('4');
    });

    it('combines a selector with the status and health filters', async () => {
      await api.post(`/api/clients/${ids['e']}/status`, { status: 'inactive' }, { token: admin });
      try {
        const selector = encodeURIComponent('app=shop');
        expect(await listedNames(api, admin, prefix, `status=active&selector=${selector}`)).toEqual(['a', 'b']);
        expect(await listedNames(api, admin, prefix, `status=inactive&selector=${selector}`)).toEqual(['e']);
        expect(await listedNames(api, admin, prefix, `health=healthy&selector=${selector}`)).toEqual([]);
        expect(await listedNames(api, admin, prefix, `health=unreachable&selector=${selector}`)).toEqual([
          'a',
          'b',
          'e',
        ]);
      } finally {
        await api.post(`/api/clients/${ids['e']}/status`, { status: 'active' }, { token: admin });
      }
    });

    it("never lists another user's clients through a selector", async () => {
      const user = await signUp(api, admin, 'labeller@example.com');
      const own = await api.post(
        '/api/clients',
        { name: `${prefix}own`, endpoint, authenticationType: 'api_key', labels: { app: 'shop' } },
        { token: user },
      );
      expect(own.status).toBe(201);
      expect(await listedNames(api, user, prefix, `selector=${encodeURIComponent('app=shop')}`)).toEqual(['own']);
      expect(await listedNames(api, user, prefix, `selector=${encodeURIComponent('!tier')}`)).toEqual(['own']);
      expect(await listedNames(api, admin, prefix, `selector=${encodeURIComponent('app=shop')}`)).toEqual([
        'a',
        'b',
        'e',
        'own',
      ]);
      await api.delete(`/api/clients/${own.body.id}`, { token: admin });
    });

    it.each([
      [
        'region in (eu',
        /invalid label selector: expected "," or "\)" in the values of "region in" at position 14, found the end/,
      ],
      ['=eu', /invalid label selector: expected a label key at position 1/],
      ['env=a b', /invalid label selector: expected "," or the end at position 7, found "b"/],
      ['', /must not be empty/],
      ["region=eu' OR 1=1 --", /invalid label selector/],
    ])('answers 400 naming the selector parameter for %j', async (selector, message) => {
      const response = await api.get(`/api/clients?selector=${encodeURIComponent(selector)}`, { token: admin });
      expectErrorBody(response, {
        status: 400,
        code: 'VALIDATION_FAILED',
        field: { name: 'selector', location: 'query' },
      });
      expect(response.body.details.fields[0].message).toMatch(message);
    });

    it('answers 400 naming the environment parameter for an environment that is not configured', async () => {
      const response = await api.get('/api/clients?environment=qa', { token: admin });
      expectErrorBody(response, {
        status: 400,
        code: 'VALIDATION_FAILED',
        field: { name: 'environment', location: 'query', message: 'must be one of: production, staging, development' },
      });
    });
  });

  describe('bulk by selector', () => {
    const bulk = (body: Record<string, unknown>, token = admin) => api.post('/api/clients/bulk', body, { token });
    const labelsOf = async (name: string) => (await api.get(`/api/clients/${ids[name]}`, { token: admin })).body;

    it('previews a selection with dryRun, newest first, changing nothing', async () => {
      const preview = await bulk({
        action: 'set_environment',
        selector: 'app=shop',
        search: prefix,
        targetEnvironment: 'development',
        dryRun: true,
      });
      expect(preview.status).toBe(200);
      expect(preview.body).toEqual({
        action: 'set_environment',
        dryRun: true,
        results: ['e', 'b', 'a'].map((name) => ({ id: ids[name], result: 'ok', message: 'would set_environment' })),
      });
      expect((await labelsOf('a')).environment).toBe('production');
    });

    it('adds and removes labels on the clients a selector and environment select, audited per client', async () => {
      const added = await bulk({
        action: 'add_labels',
        selector: 'region=eu',
        environment: 'production',
        search: prefix,
        labels: { reviewed: 'yes', region: 'eu' },
      });
      expect(added.body.results).toEqual([
        { id: ids['c'], result: 'ok' },
        { id: ids['a'], result: 'ok' },
      ]);
      expect((await labelsOf('a')).labels).toEqual({ ...FIXTURES[0].labels, reviewed: 'yes' });
      expect(await listedNames(api, admin, prefix, 'selector=reviewed')).toEqual(['a', 'c']);
      const audit = await api.get(`/api/audit?targetId=${ids['a']}&action=client.update`, { token: admin });
      expect(audit.body[0]).toMatchObject({
        changes: { labels: { from: FIXTURES[0].labels, to: { ...FIXTURES[0].labels, reviewed: 'yes' } } },
        details: { bulk: true },
      });

      const removed = await bulk({ action: 'remove_labels', selector: 'reviewed', labelKeys: ['reviewed', 'nope'] });
      expect(removed.body.results.map((result: { result: string }) => result.result)).toEqual(['ok', 'ok']);
      expect((await labelsOf('a')).labels).toEqual(FIXTURES[0].labels);
      expect(await listedNames(api, admin, prefix, 'selector=reviewed')).toEqual([]);
    });

    it('sets the environment of the selected clients', async () => {
      const moved = await bulk({ action: 'set_environment', selector: 'app=blog', targetEnvironment: 'staging' });
      expect(moved.body.results).toEqual([{ id: ids['c'], result: 'ok' }]);
      expect(await listedNames(api, admin, prefix, 'environment=staging')).toEqual(['b', 'c']);
      await bulk({ action: 'set_environment', ids: [ids['c']], targetEnvironment: 'production' });
      expect((await labelsOf('c')).environment).toBe('production');
    });

    it('gives a client that would pass 20 labels its own error and applies the others', async () => {
      const full = await api.post(
        '/api/clients',
        {
          name: 'twenty labels',
          endpoint,
          authenticationType: 'api_key',
          labels: { ...Object.fromEntries(Array.from({ length: 19 }, (_, index) => [`k${index}`, 'v'])), full: 'yes' },
        },
        { token: admin },
      );
      const roomy = await api.post(
        '/api/clients',
        { name: 'one label', endpoint, authenticationType: 'api_key', labels: { full: 'no' } },
        { token: admin },
      );
      const response = await bulk({ action: 'add_labels', selector: 'full', labels: { extra: 'x' } });
      expect(response.body.results).toEqual([
        { id: roomy.body.id, result: 'ok' },
        { id: full.body.id, result: 'VALIDATION_FAILED', message: 'would have 21 labels; at most 20' },
      ]);
      expect((await api.get(`/api/clients/${full.body.id}`, { token: admin })).body.labels).not.toHaveProperty('extra');
      expect((await api.get(`/api/clients/${roomy.body.id}`, { token: admin })).body.labels).toEqual({
        extra: 'x',
        full: 'no',
      });
    });

    it('selects only what the caller can see; a client they may see but not manage is forbidden', async () => {
      const member = await signUp(api, admin, 'bulk-member@example.com');
      const create = (name: string, token: string) =>
        api.post(
          '/api/clients',
          { name, endpoint, authenticationType: 'api_key', labels: { shared: 'yes' } },
          { token },
        );
      const hidden = await create('shared hidden', admin);
      const joined = await create('shared joined', admin);
      await api.post(
        `/api/clients/${joined.body.id}/users`,
        { email: 'bulk-member@example.com', role: 'user' },
        { token: admin },
      );
      const own = await create('shared own', member);

      const response = await bulk({ action: 'add_labels', selector: 'shared=yes', labels: { touched: 'yes' } }, member);
      expect(response.body.results).toEqual([
        { id: own.body.id, result: 'ok' },
        { id: joined.body.id, result: 'forbidden' },
      ]);
      expect(JSON.stringify(response.body)).not.toContain(hidden.body.id);
      const touched = await api.get(`/api/clients?selector=touched`, { token: admin });
      expect(touched.body.map((client: { id: string }) => client.id)).toEqual([own.body.id]);
    });

    it.each([
      [{ action: 'activate', ids: ['00000000-0000-4000-8000-000000000001'], selector: 'app=shop' }, 'ids', /not both/],
      [{ action: 'activate' }, 'ids', /required unless the clients are selected by filters/],
      [{ action: 'activate', search: '' }, 'ids', /required unless/],
      [{ action: 'activate', selector: 'app in (shop' }, 'selector', /invalid label selector/],
      [{ action: 'set_environment', selector: 'app=shop' }, 'targetEnvironment', /required for action set_environment/],
      [{ action: 'set_environment', selector: 'app', targetEnvironment: 'qa' }, 'targetEnvironment', /must be one of/],
      [{ action: 'activate', environment: 'qa' }, 'environment', /must be one of/],
      [{ action: 'add_labels', selector: 'app' }, 'labels', /required for action add_labels/],
      [{ action: 'add_labels', selector: 'app', labels: { 'bad key': 'x' } }, 'labels.bad key', /invalid label key/],
      [{ action: 'remove_labels', selector: 'app', labelKeys: [] }, 'labelKeys', /.+/],
      [{ action: 'activate', selector: 'app', labels: { a: 'b' } }, 'labels', /only for action add_labels/],
    ])('answers 400 for %j naming %s', async (body, field, message) => {
      const response = await bulk(body);
      expectErrorBody(response, { status: 400, code: 'VALIDATION_FAILED', field: { name: field, location: 'body' } });
      expect(response.body.details.fields.find((f: { field: string }) => f.field === field).message).toMatch(message);
    });

    (process.env['TEST_DATABASE_URL'] ? it : it.skip)(
      `refuses a run over more than ${BULK_CAP} clients with 422, and takes exactly ${BULK_CAP}`,
      async () => {
        // Written straight into the database: creating 5,001 clients through the API would check 5,001 remotes.
        const db = new PgClient({ connectionString: database.env['DATABASE_URL'] });
        await db.connect();
        try {
          await db.query(
            `INSERT INTO clients (name, endpoint, authentication_type, labels)
             SELECT 'cap-' || i, $1, 'api_key', jsonb_build_object('cap', CASE WHEN i = 0 THEN 'odd' ELSE 'even' END)
             FROM generate_series(0, $2) i`,
            [endpoint, BULK_CAP],
          );
        } finally {
          await db.end();
        }
        const refused = await bulk({ action: 'add_labels', selector: 'cap', labels: { capped: 'no' } });
        expectErrorBody(refused, { status: 422, code: 'BULK_TOO_MANY_CLIENTS' });
        expect(refused.body.details).toEqual({ matched: BULK_CAP + 1, limit: BULK_CAP });
        expect(refused.body.message).toMatch(/5001 clients match; a bulk run takes at most 5000. Nothing was done/);
        expect(
          (await api.get('/api/clients?selector=capped&limit=1', { token: admin })).headers.get('x-total-count'),
        ).toBe('0');

        const preview = await bulk({ action: 'deactivate', selector: 'cap=even', dryRun: true });
        expect(preview.status).toBe(200);
        expect(preview.body.results).toHaveLength(BULK_CAP);
        expect(new Set(preview.body.results.map((result: { result: string }) => result.result))).toEqual(
          new Set(['ok']),
        );
        const applied = await bulk({ action: 'set_environment', selector: 'cap=even', targetEnvironment: 'staging' });
        expect(applied.body.results.filter((result: { result: string }) => result.result === 'ok')).toHaveLength(
          BULK_CAP,
        );
        const moved = await api.get('/api/clients?selector=cap&environment=staging&limit=1', { token: admin });
        expect(moved.headers.get('x-total-count')).toBe(String(BULK_CAP));
      },
      120_000,
    );
  });

  describe('on the embedded database, with environments of its own', () => {
    let embedded: RunningController;
    let embeddedApi: Api;
    let embeddedAdmin: string;

    beforeAll(async () => {
      embedded = await startController({
        database: await createTestDatabase('embedded'),
        env: { CLIENT_HEALTH_INTERVAL: '3600', CLIENT_ENVIRONMENTS: 'prod,qa,dev' },
      });
      embeddedApi = new Api(embedded.baseUrl);
      embeddedAdmin = await setUpFirstAdmin(embeddedApi, embedded.setupToken());
      await createFixtures(embeddedApi, embeddedAdmin, prefix, endpoint, ['prod', 'qa', 'dev']);
    }, 120_000);

    afterAll(async () => {
      await embedded?.stop();
    });

    it('selects the same clients with every operator', async () => {
      for (const [selector, expected] of SELECTIONS) {
        const names = await listedNames(embeddedApi, embeddedAdmin, prefix, `selector=${encodeURIComponent(selector)}`);
        expect({ selector, names }).toEqual({ selector, names: expected });
      }
    });

    it('uses the configured environments: the first is the default, others are refused', async () => {
      expect(await listedNames(embeddedApi, embeddedAdmin, prefix, 'environment=prod')).toEqual(['a', 'c', 'e']);
      expect(await listedNames(embeddedApi, embeddedAdmin, prefix, 'environment=qa')).toEqual(['b']);
      const refused = await embeddedApi.post(
        '/api/clients',
        { name: 'in production', endpoint, authenticationType: 'api_key', environment: 'production' },
        { token: embeddedAdmin },
      );
      expectErrorBody(refused, {
        status: 400,
        code: 'VALIDATION_FAILED',
        field: { name: 'environment', location: 'body', message: 'must be one of: prod, qa, dev' },
      });
    });
  });
});
