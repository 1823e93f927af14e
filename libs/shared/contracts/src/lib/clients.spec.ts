import { z } from 'zod';
import {
  bulkClientRequestSchema,
  clientHealthStripsQuerySchema,
  createClientRequestSchema,
  HEALTH_STATES,
  listClientsQuerySchema,
  MAX_BULK_IDS,
  rotateClientKeyRequestSchema,
  updateClientRequestSchema,
} from './clients';
import { API_KEY_MAX_LENGTH, API_KEY_WEAK_BELOW_LENGTH, isWeakApiKey } from './rules';

/** The dotted paths of the issues of a value the schema must refuse. */
function refusedPaths(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return result.error.issues.map((issue) => issue.path.join('.'));
}

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const apiKeyClient = { name: 'alpha', endpoint: 'https://agents.example.com', authenticationType: 'api_key' };
const keycloakClient = {
  name: 'beta',
  endpoint: 'https://agents.example.com',
  authenticationType: 'keycloak',
  keycloakClientId: 'agent-controller',
  keycloakClientSecret: 'secret',
  keycloakRealm: 'agents',
};

describe('createClientRequestSchema', () => {
  it('accepts a minimal api_key client, leaving agentWsPort to the team or the service default', () => {
    expect(createClientRequestSchema.parse(apiKeyClient)).toEqual(apiKeyClient);
  });

  it('accepts a complete keycloak client', () => {
    const parsed = createClientRequestSchema.parse({
      ...keycloakClient,
      keycloakAuthServerUrl: 'https://kc.example.com',
    });

    expect(parsed).toMatchObject({ authenticationType: 'keycloak', keycloakAuthServerUrl: 'https://kc.example.com' });
  });

  it('requires keycloakClientId, keycloakClientSecret and keycloakRealm for keycloak, each by name', () => {
    expect(refusedPaths(createClientRequestSchema, { ...apiKeyClient, authenticationType: 'keycloak' }).sort()).toEqual(
      ['keycloakClientId', 'keycloakClientSecret', 'keycloakRealm'],
    );
  });

  it.each(['keycloakClientId', 'keycloakClientSecret', 'keycloakRealm'] as const)(
    'names only %s when just that one is missing',
    (field) => {
      const body: Record<string, unknown> = { ...keycloakClient };
      delete body[field];

      expect(refusedPaths(createClientRequestSchema, body)).toEqual([field]);
    },
  );

  it('refuses an apiKey for a keycloak client', () => {
    expect(refusedPaths(createClientRequestSchema, { ...keycloakClient, apiKey: 'k'.repeat(32) })).toEqual(['apiKey']);
  });

  it('refuses a keycloak client id made of spaces (trimmed to empty), naming only that field', () => {
    const paths = refusedPaths(createClientRequestSchema, { ...keycloakClient, keycloakClientId: '   ' });

    expect(new Set(paths)).toEqual(new Set(['keycloakClientId']));
  });

  it.each(['ftp://kc.example.com', 'not a url', 'javascript:alert(1)'])(
    'refuses the Keycloak server URL %p',
    (keycloakAuthServerUrl) => {
      expect(refusedPaths(createClientRequestSchema, { ...keycloakClient, keycloakAuthServerUrl })).toEqual([
        'keycloakAuthServerUrl',
      ]);
    },
  );

  it('accepts a null Keycloak server URL (use the controller default)', () => {
    expect(
      createClientRequestSchema.parse({ ...keycloakClient, keycloakAuthServerUrl: null }).keycloakAuthServerUrl,
    ).toBeNull();
  });

  describe('agentWsPort', () => {
    it.each([1, 8080, 65535])('accepts %d', (agentWsPort) => {
      expect(createClientRequestSchema.parse({ ...apiKeyClient, agentWsPort }).agentWsPort).toBe(agentWsPort);
    });

    it.each([0, -1, 65536, 80.5, '8080', null])('refuses %p', (agentWsPort) => {
      expect(refusedPaths(createClientRequestSchema, { ...apiKeyClient, agentWsPort })).toEqual(['agentWsPort']);
    });
  });

  describe('name', () => {
    it('is trimmed', () => {
      expect(createClientRequestSchema.parse({ ...apiKeyClient, name: '  alpha  ' }).name).toBe('alpha');
    });

    it('accepts 1 and 255 characters', () => {
      expect(createClientRequestSchema.parse({ ...apiKeyClient, name: 'a' }).name).toBe('a');
      expect(createClientRequestSchema.parse({ ...apiKeyClient, name: 'n'.repeat(255) }).name).toHaveLength(255);
    });

    it.each(['', '   ', 'n'.repeat(256), 42])('refuses %p', (name) => {
      expect(refusedPaths(createClientRequestSchema, { ...apiKeyClient, name })).toEqual(['name']);
    });

    it('counts the length after trimming', () => {
      expect(createClientRequestSchema.parse({ ...apiKeyClient, name: ` ${'n'.repeat(255)} ` }).name).toHaveLength(255);
    });
  });

  describe('apiKey', () => {
    it(`accepts 1 to ${API_KEY_MAX_LENGTH} visible ASCII characters, also the README's 15-character key`, () => {
      expect(createClientRequestSchema.parse({ ...apiKeyClient, apiKey: 'k' }).apiKey).toBe('k');
      expect(createClientRequestSchema.parse({ ...apiKeyClient, apiKey: 'demo-remote-key' }).apiKey).toBe(
        'demo-remote-key',
      );
      expect(createClientRequestSchema.parse({ ...apiKeyClient, apiKey: 'k'.repeat(512) }).apiKey).toHaveLength(512);
      const everyVisible = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
      expect(createClientRequestSchema.parse({ ...apiKeyClient, apiKey: everyVisible }).apiKey).toBe(everyVisible);
      expect(API_KEY_MAX_LENGTH).toBe(512);
    });

    it.each([
      ['empty', ''],
      ['too long', 'k'.repeat(513)],
      ['with a space', 'abcdefgh ijklmnopq'],
      ['with a tab', 'abcdefgh\tijklmnopq'],
      ['with a newline', 'abcdefghijklmnopq\n'],
      ['with a leading space', ' abcdefghijklmnopq'],
      ['with DEL', 'abcdefgh\x7fijklmnopq'],
      ['with a NUL', 'abcdefgh\0ijklmnopq'],
      ['with an emoji', 'abcdefgh\u{1F511}ijklmnopq'],
      ['with a non-ASCII letter', 'schlüssel-des-servers'],
      ['with a non-breaking space', 'abcdefgh\u00a0ijklmnopq'],
    ])('refuses a key %s', (_what, apiKey) => {
      expect(new Set(refusedPaths(createClientRequestSchema, { ...apiKeyClient, apiKey }))).toEqual(
        new Set(['apiKey']),
      );
      expect(new Set(refusedPaths(updateClientRequestSchema, { apiKey }))).toEqual(new Set(['apiKey']));
      expect(new Set(refusedPaths(rotateClientKeyRequestSchema, { apiKey }))).toEqual(new Set(['apiKey']));
    });

    it(`calls a key shorter than ${API_KEY_WEAK_BELOW_LENGTH} characters weak, and nothing else`, () => {
      expect(API_KEY_WEAK_BELOW_LENGTH).toBe(16);
      expect(isWeakApiKey('demo-remote-key')).toBe(true);
      expect(isWeakApiKey('k')).toBe(true);
      expect(isWeakApiKey('k'.repeat(16))).toBe(false);
      expect(isWeakApiKey(null)).toBe(false);
      expect(isWeakApiKey(undefined)).toBe(false);
    });
  });

  describe('keycloak credentials', () => {
    it.each([
      ['an emoji', 'agent\u{1F511}'],
      ['a non-ASCII letter', 'контроллер'],
      ['a control character', 'agent\x01controller'],
      ['an inner space', 'agent controller'],
      ['too many characters', 'c'.repeat(256)],
    ])('refuses a client id with %s, naming keycloakClientId', (_what, keycloakClientId) => {
      expect(new Set(refusedPaths(createClientRequestSchema, { ...keycloakClient, keycloakClientId }))).toEqual(
        new Set(['keycloakClientId']),
      );
      expect(new Set(refusedPaths(updateClientRequestSchema, { keycloakClientId }))).toEqual(
        new Set(['keycloakClientId']),
      );
    });

    it.each([
      ['an emoji', 'secret\u{1F511}'],
      ['a non-ASCII letter', 'geheimnis-ä'],
      ['a newline', 'secret\n'],
      ['a space', 'top secret'],
      ['too many characters', 's'.repeat(1025)],
    ])('refuses a client secret with %s, naming keycloakClientSecret', (_what, keycloakClientSecret) => {
      expect(new Set(refusedPaths(createClientRequestSchema, { ...keycloakClient, keycloakClientSecret }))).toEqual(
        new Set(['keycloakClientSecret']),
      );
      expect(new Set(refusedPaths(updateClientRequestSchema, { keycloakClientSecret }))).toEqual(
        new Set(['keycloakClientSecret']),
      );
    });

    it('trims the client id and keeps every visible ASCII character of the secret', () => {
      const parsed = createClientRequestSchema.parse({
        ...keycloakClient,
        keycloakClientId: '  agent-controller  ',
        keycloakClientSecret: 'a!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~z',
      });
      expect(parsed.keycloakClientId).toBe('agent-controller');
      expect(parsed.keycloakClientSecret).toBe('a!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~z');
    });
  });

  it('refuses an unknown field', () => {
    expect(refusedPaths(createClientRequestSchema, { ...apiKeyClient, userId: uuid(1) })).toEqual(['']);
  });

  it.each(['name', 'endpoint', 'authenticationType'])('requires %s', (field) => {
    const body: Record<string, unknown> = { ...apiKeyClient };
    delete body[field];

    expect(refusedPaths(createClientRequestSchema, body)).toContain(field);
  });

  it('refuses an unknown authentication type', () => {
    expect(refusedPaths(createClientRequestSchema, { ...apiKeyClient, authenticationType: 'basic' })).toEqual([
      'authenticationType',
    ]);
  });

  it('trims the endpoint and refuses a blank one', () => {
    expect(createClientRequestSchema.parse({ ...apiKeyClient, endpoint: ' https://a.example.com ' }).endpoint).toBe(
      'https://a.example.com',
    );
    expect(refusedPaths(createClientRequestSchema, { ...apiKeyClient, endpoint: '  ' })).toEqual(['endpoint']);
  });

  it('limits the description to 2000 characters and allows null', () => {
    expect(createClientRequestSchema.parse({ ...apiKeyClient, description: null }).description).toBeNull();
    expect(refusedPaths(createClientRequestSchema, { ...apiKeyClient, description: 'd'.repeat(2001) })).toEqual([
      'description',
    ]);
  });
});

describe('updateClientRequestSchema', () => {
  it('refuses an empty update', () => {
    expect(updateClientRequestSchema.safeParse({}).success).toBe(false);
  });

  it('accepts a single field and adds no defaults', () => {
    expect(updateClientRequestSchema.parse({ name: ' renamed ' })).toEqual({ name: 'renamed' });
  });

  it('refuses an unknown field', () => {
    expect(updateClientRequestSchema.safeParse({ status: 'inactive' }).success).toBe(false);
  });
});

describe('rotateClientKeyRequestSchema', () => {
  it('requires the new key: the remote issues it, the controller cannot make one up', () => {
    expect(refusedPaths(rotateClientKeyRequestSchema, {})).toEqual(['apiKey']);
    expect(refusedPaths(rotateClientKeyRequestSchema, { force: true })).toEqual(['apiKey']);
  });

  it('accepts a key, with force off unless asked for', () => {
    expect(rotateClientKeyRequestSchema.parse({ apiKey: 'k'.repeat(20) })).toEqual({
      apiKey: 'k'.repeat(20),
      force: false,
    });
    expect(rotateClientKeyRequestSchema.parse({ apiKey: 'k'.repeat(20), force: true }).force).toBe(true);
    expect(refusedPaths(rotateClientKeyRequestSchema, { apiKey: 'k'.repeat(20), force: 'yes' })).toEqual(['force']);
  });

  it('follows the key rule of create: a short key is accepted, an empty one refused', () => {
    expect(rotateClientKeyRequestSchema.parse({ apiKey: 'short' })).toEqual({ apiKey: 'short', force: false });
    expect(refusedPaths(rotateClientKeyRequestSchema, { apiKey: '' })).toEqual(['apiKey']);
  });
});

describe('bulkClientRequestSchema', () => {
  it('defaults dryRun to false', () => {
    expect(bulkClientRequestSchema.parse({ action: 'verify', ids: [uuid(1)] })).toEqual({
      action: 'verify',
      ids: [uuid(1)],
      dryRun: false,
    });
  });

  it.each(['activate', 'deactivate', 'delete', 'verify'])('accepts the action %s', (action) => {
    expect(bulkClientRequestSchema.parse({ action, ids: [uuid(1)], dryRun: true }).dryRun).toBe(true);
  });

  it('refuses an unknown action', () => {
    expect(refusedPaths(bulkClientRequestSchema, { action: 'rotate', ids: [uuid(1)] })).toEqual(['action']);
  });

  it(`accepts 1 to ${MAX_BULK_IDS} ids`, () => {
    const ids = Array.from({ length: MAX_BULK_IDS }, (_, index) => uuid(index));

    expect(bulkClientRequestSchema.parse({ action: 'delete', ids }).ids).toHaveLength(500);
    expect(MAX_BULK_IDS).toBe(500);
  });

  it('refuses no ids and more than 500', () => {
    const tooMany = Array.from({ length: MAX_BULK_IDS + 1 }, (_, index) => uuid(index));

    expect(refusedPaths(bulkClientRequestSchema, { action: 'delete', ids: [] })).toEqual(['ids']);
    expect(refusedPaths(bulkClientRequestSchema, { action: 'delete', ids: tooMany })).toEqual(['ids']);
  });

  it('refuses duplicate ids', () => {
    const result = bulkClientRequestSchema.safeParse({ action: 'delete', ids: [uuid(1), uuid(2), uuid(1)] });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['ids must be unique']);
  });

  it('refuses an id that is not a uuid, naming its index', () => {
    expect(refusedPaths(bulkClientRequestSchema, { action: 'delete', ids: [uuid(1), 'c1'] })).toEqual(['ids.1']);
  });

  it('selects by a selector and filters instead of ids', () => {
    expect(
      bulkClientRequestSchema.parse({
        action: 'deactivate',
        selector: 'app=shop',
        environment: 'staging',
        search: 'x',
      }),
    ).toEqual({ action: 'deactivate', selector: 'app=shop', environment: 'staging', search: 'x', dryRun: false });
    expect(bulkClientRequestSchema.parse({ action: 'verify', health: 'unreachable' }).health).toBe('unreachable');
  });

  it('wants exactly one of ids or filters, and says so at ids', () => {
    const both = bulkClientRequestSchema.safeParse({ action: 'delete', ids: [uuid(1)], selector: 'app=shop' });
    expect(both.error?.issues.map(({ path, message }) => [path.join('.'), message])).toEqual([
      ['ids', 'give either ids or filters (search, status, health, environment, selector, teamId), not both'],
    ]);
    const neither = bulkClientRequestSchema.safeParse({ action: 'delete', search: '  ' });
    expect(neither.error?.issues.map(({ path, message }) => [path.join('.'), message])).toEqual([
      [
        'ids',
        'required unless the clients are selected by filters (search, status, health, environment, selector, teamId)',
      ],
    ]);
  });

  it('refuses an invalid selector naming it', () => {
    expect(refusedPaths(bulkClientRequestSchema, { action: 'delete', selector: 'app in (shop' })).toEqual(['selector']);
  });

  it.each([
    ['set_environment', { targetEnvironment: 'staging' }, 'targetEnvironment'],
    ['add_labels', { labels: { region: 'eu' } }, 'labels'],
    ['remove_labels', { labelKeys: ['region'] }, 'labelKeys'],
  ])('takes the argument of %s, requires it there and refuses it elsewhere', (action, argument, field) => {
    expect(bulkClientRequestSchema.parse({ action, ids: [uuid(1)], ...argument })).toMatchObject(argument);
    expect(refusedPaths(bulkClientRequestSchema, { action, ids: [uuid(1)] })).toEqual([field]);
    expect(refusedPaths(bulkClientRequestSchema, { action: 'activate', ids: [uuid(1)], ...argument })).toEqual([field]);
  });

  it('refuses bad action arguments naming them', () => {
    expect(
      refusedPaths(bulkClientRequestSchema, { action: 'add_labels', ids: [uuid(1)], labels: { '-x': 'y' } }),
    ).toEqual(['labels.-x']);
    expect(refusedPaths(bulkClientRequestSchema, { action: 'add_labels', ids: [uuid(1)], labels: {} })).toEqual([
      'labels',
    ]);
    expect(
      refusedPaths(bulkClientRequestSchema, { action: 'remove_labels', ids: [uuid(1)], labelKeys: ['ok', 'not ok'] }),
    ).toEqual(['labelKeys.1']);
    expect(
      refusedPaths(bulkClientRequestSchema, { action: 'set_environment', ids: [uuid(1)], targetEnvironment: '' }),
    ).toEqual(['targetEnvironment']);
  });

  it('refuses a non-boolean dryRun and unknown fields', () => {
    expect(refusedPaths(bulkClientRequestSchema, { action: 'delete', ids: [uuid(1)], dryRun: 'true' })).toEqual([
      'dryRun',
    ]);
    expect(bulkClientRequestSchema.safeParse({ action: 'delete', ids: [uuid(1)], force: true }).success).toBe(false);
  });
});

describe('listClientsQuerySchema', () => {
  it('pages by default and leaves filters out', () => {
    expect(listClientsQuerySchema.parse({})).toEqual({ limit: 10, offset: 0 });
  });

  it.each(HEALTH_STATES)('accepts health=%s', (health) => {
    expect(listClientsQuerySchema.parse({ health }).health).toBe(health);
  });

  it.each(['active', 'inactive'])('accepts status=%s', (status) => {
    expect(listClientsQuerySchema.parse({ status }).status).toBe(status);
  });

  it.each([
    ['health', 'down'],
    ['health', 'HEALTHY'],
    ['status', 'deleted'],
  ])('refuses %s=%s', (key, value) => {
    expect(refusedPaths(listClientsQuerySchema, { [key]: value })).toEqual([key]);
  });

  it('trims the search and limits it to 255 characters', () => {
    expect(listClientsQuerySchema.parse({ search: '  alp  ' }).search).toBe('alp');
    expect(refusedPaths(listClientsQuerySchema, { search: 's'.repeat(256) })).toEqual(['search']);
  });

  it('coerces paging from query strings and refuses unknown keys', () => {
    expect(listClientsQuerySchema.parse({ limit: '25', offset: '50' })).toMatchObject({ limit: 25, offset: 50 });
    expect(listClientsQuerySchema.safeParse({ order: 'asc' }).success).toBe(false);
  });

  it.each([
    'name',
    '-name',
    'health',
    '-health',
    'lastSeen',
    '-lastSeen',
    'latency',
    '-latency',
    'createdAt',
    '-createdAt',
  ])('accepts sort=%s', (sort) => {
    expect(listClientsQuerySchema.parse({ sort }).sort).toBe(sort);
  });

  it.each(['Name', '+name', '--name', 'id', 'name,-latency', ''])('refuses sort=%s, naming the field', (sort) => {
    expect(refusedPaths(listClientsQuerySchema, { sort })).toEqual(['sort']);
  });
});

describe('clientHealthStripsQuerySchema', () => {
  it('splits comma-separated ids and counts a repeat once', () => {
    expect(clientHealthStripsQuerySchema.parse({ ids: `${uuid(1)}, ${uuid(2)},${uuid(1)}` })).toEqual({
      ids: [uuid(1), uuid(2)],
    });
  });

  it('refuses a malformed id, none, or more than a page', () => {
    expect(refusedPaths(clientHealthStripsQuerySchema, { ids: `${uuid(1)},nope` })).toEqual(['ids.1']);
    expect(refusedPaths(clientHealthStripsQuerySchema, {})).toEqual(['ids']);
    const tooMany = Array.from({ length: 101 }, (_, index) => uuid(index + 1)).join(',');
    expect(refusedPaths(clientHealthStripsQuerySchema, { ids: tooMany })).toEqual(['ids']);
    expect(refusedPaths(clientHealthStripsQuerySchema, { ids: uuid(1), extra: '1' })).toEqual(['']);
  });
});
