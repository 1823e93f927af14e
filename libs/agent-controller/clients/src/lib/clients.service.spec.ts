import { EndpointPolicy, KeycloakTokenProvider } from '@agent-controller/agent-manager-client';
import { AuditEntry, AuditService } from '@agent-controller/audit';
import { AppConfig, DomainError, FleetEvents, RequestPrincipal } from '@agent-controller/core';
import { ClientRole, CreateClientRequest, UpdateClientRequest } from '@agent-controller/shared-contracts';
import { EntityManager } from 'typeorm';
import { EMPTY, of } from 'rxjs';
import { ClientEnvironments } from './client-environments';
import { ClientAccess } from './client-access';
import { ClientAccessPolicy } from './client-access.policy';
import type { ClientHealthEventEntity } from './client-health-event.entity';
import type { ClientHealthRecorder } from './client-health.recorder';
import type { ClientEntity } from './client.entity';
import type {
  ClientsRepository,
  ClientsSummaryRow,
  ClientVisibility,
  ClientWithMembership,
} from './clients.repository';
import type { CheckResult } from './connection-checker';
import type { ClientServer, ClientServers } from './client-servers';
import { ClientsService, generateApiKey } from './clients.service';
import type { BulkFields } from './client-bulk-changes';
import { noSuchTeam, TeamRights } from './teams/team-rights';
import type { TeamsService } from './teams/teams.service';

/** No teams exist here (the e2e suites cover teams against PostgreSQL). */
const noTeams = {
  rightsOf: async (principal: RequestPrincipal) => new TeamRights(principal, new Map()),
  findVisible: async () => {
    throw noSuchTeam({ field: 'teamId', location: 'body' });
  },
  findTeams: async () => [],
};

const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';
const CLIENT_ID = '0a4f5c7e-2d1b-4c3a-9e8f-7b6a5d4c3b2a';
const OLD_KEY = 'old-remote-key-AAAAAAAAAAAA';
const NEW_KEY = 'new-remote-key-BBBBBBBBBBBB';
const KC_SECRET = 'keycloak-secret-CCCCCCCCCCCC';

const userPrincipal = (userId: string, isGlobalAdmin = false): RequestPrincipal => ({
  kind: 'user',
  isGlobalAdmin,
  userId,
  email: `${userId.slice(0, 3)}@example.com`,
});
const API_KEY_PRINCIPAL: RequestPrincipal = { kind: 'api-key', isGlobalAdmin: true, userId: null, email: null };

const KEY_CREATED = new Date('2024-01-01T00:00:00.000Z');

function apiKeyClient(overrides: Partial<ClientEntity> = {}): ClientEntity {
  return {
    id: CLIENT_ID,
    name: 'alpha',
    description: null,
    endpoint: 'https://agents.example.com',
    authenticationType: 'api_key',
    apiKey: OLD_KEY,
    weakApiKey: false,
    keycloakClientId: null,
    keycloakClientSecret: null,
    keycloakRealm: null,
    keycloakAuthServerUrl: null,
    agentWsPort: 8080,
    status: 'active',
    userId: ALICE,
    config: null,
    healthState: 'healthy',
    healthReason: null,
    healthCheckedAt: null,
    healthLastSeenAt: null,
    healthLatencyMs: null,
    keyCreatedAt: KEY_CREATED,
    keyRotatedAt: null,
    lastUsedAt: null,
    isAutoProvisioned: false,
    environment: 'production',
    labels: {},
    createdAt: KEY_CREATED,
    updatedAt: KEY_CREATED,
    ...overrides,
  } as ClientEntity;
}

function keycloakClient(overrides: Partial<ClientEntity> = {}): ClientEntity {
  return apiKeyClient({
    authenticationType: 'keycloak',
    apiKey: null,
    keycloakClientId: 'kc-client',
    keycloakClientSecret: KC_SECRET,
    keycloakRealm: 'agents',
    keycloakAuthServerUrl: 'https://kc.example.com',
    ...overrides,
  });
}

/** An in-memory clients table with memberships: every read returns a fresh copy, as the database would. */
class FakeClientsRepository {
  readonly rows = new Map<string, ClientEntity>();
  /** clientId -> userId -> role, as in client_users. */
  readonly members = new Map<string, Map<string, ClientRole>>();
  readonly manager = { fake: 'manager' } as unknown as EntityManager;
  private nextId = 0;

  readonly transaction = jest.fn(async (work: (manager: EntityManager) => Promise<unknown>) => work(this.manager));
  readonly findWithMembership = jest.fn(
    async (
      visibility: ClientVisibility,
      userId: string | null,
      id: string,
      options: { manager?: EntityManager; withSecrets?: boolean } = {},
    ): Promise<ClientWithMembership | null> => this.lookUp(visibility, userId, id, options.withSecrets ?? false),
  );
  readonly findManyWithMembership = jest.fn(
    async (
      visibility: ClientVisibility,
      userId: string | null,
      ids: string[],
      options: { manager?: EntityManager; withSecrets?: boolean } = {},
    ): Promise<ClientWithMembership[]> =>
      ids.flatMap((id) => {
        const found = this.lookUp(visibility, userId, id, options.withSecrets ?? false);
        return found ? [found] : [];
      }),
  );
  readonly lockById = jest.fn(async (id: string, _manager: EntityManager) => {
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  });
  readonly lockManyById = jest.fn(async (ids: string[], _manager: EntityManager) =>
    [...ids].sort().flatMap((id) => {
      const row = this.rows.get(id);
      return row ? [{ ...row }] : [];
    }),
  );
  readonly updateBulkFields = jest.fn(async (rows: (BulkFields & { id: string })[], _manager: EntityManager) => {
    for (const { id, ...fields } of rows) {
      const row = this.rows.get(id);
      if (row) this.rows.set(id, { ...row, ...fields });
    }
  });
  readonly save = jest.fn(async (client: ClientEntity, _manager: EntityManager) => {
    this.rows.set(client.id, { ...client });
    return client;
  });
  readonly insert = jest.fn(async (values: Partial<ClientEntity>, _manager: EntityManager) => {
    const client = apiKeyClient({ ...values, id: `00000000-0000-4000-8000-00000000000${this.nextId++}` });
    this.rows.set(client.id, { ...client });
    return client;
  });
  readonly delete = jest.fn(async (id: string, _manager: EntityManager) => {
    this.rows.delete(id);
  });
  readonly touchLastUsed = jest.fn(async () => undefined);
  readonly findPage = jest.fn(async (visibility: ClientVisibility): Promise<[ClientEntity[], number]> => {
    const visible = [...this.rows.values()].filter((row) => this.isVisible(visibility, row));
    return [visible.map((row) => this.read(row, false)), visible.length];
  });
  /** Visible rows newest first; the filter itself is SQL's (the e2e suite checks it), so matching is by search here. */
  readonly findMatchingIds = jest.fn(
    async (visibility: ClientVisibility, filter: { search?: string }, limit: number) => {
      const matching = [...this.rows.values()].filter(
        (row) => this.isVisible(visibility, row) && (!filter.search || row.name.includes(filter.search)),
      );
      return { ids: matching.slice(0, limit).map((row) => row.id), total: matching.length };
    },
  );
  readonly findMemberRoles = jest.fn(
    async (userId: string, clientIds: string[]): Promise<Map<string, ClientRole>> =>
      new Map(
        clientIds.flatMap((id): [string, ClientRole][] => {
          const role = this.members.get(id)?.get(userId);
          return role ? [[id, role]] : [];
        }),
      ),
  );
  readonly findHealthHistory = jest.fn(async (): Promise<[ClientHealthEventEntity[], number]> => [[], 0]);
  readonly summarize = jest.fn(
    async (..._args: Parameters<ClientsRepository['summarize']>): Promise<ClientsSummaryRow> => ({
      byHealth: { unknown: 1, healthy: 2, degraded: 0, unreachable: 1, auth_failed: 0, incompatible: 0 },
      byStatus: { active: 3, inactive: 1 },
      changedCount: 1,
      changed: [{ id: CLIENT_ID, name: 'alpha', health: 'unreachable', changedAt: KEY_CREATED }],
      jobsCount: 0,
      jobs: [],
    }),
  );

  add(client: ClientEntity): this {
    this.rows.set(client.id, { ...client });
    return this;
  }

  addMember(clientId: string, userId: string, role: ClientRole): this {
    const members = this.members.get(clientId) ?? new Map<string, ClientRole>();
    members.set(userId, role);
    this.members.set(clientId, members);
    return this;
  }

  private lookUp(
    visibility: ClientVisibility,
    userId: string | null,
    id: string,
    withSecrets: boolean,
  ): ClientWithMembership | null {
    const row = this.rows.get(id);
    if (!row || !this.isVisible(visibility, row)) return null;
    const memberRole = userId === null ? null : (this.members.get(id)?.get(userId) ?? null);
    return { client: this.read(row, withSecrets), memberRole };
  }

  /** A copy of the row; secret columns are not selected unless asked for, as with `select: false`. */
  private read(row: ClientEntity, withSecrets: boolean): ClientEntity {
    if (withSecrets) return { ...row };
    return Object.fromEntries(
      Object.entries(row).filter(([column]) => column !== 'apiKey' && column !== 'keycloakClientSecret'),
    ) as unknown as ClientEntity;
  }

  /** Created by the user or the user is a member, as VISIBLE_TO_USER in SQL. */
  private isVisible(visibility: ClientVisibility, row: ClientEntity): boolean {
    return (
      visibility.kind === 'all' ||
      row.userId === visibility.userId ||
      this.members.get(row.id)?.has(visibility.userId) === true
    );
  }
}

function setUp(...clients: ClientEntity[]) {
  const repository = new FakeClientsRepository();
  for (const client of clients) repository.add(client);
  return build(repository);
}

/** A client of Bob's on which Alice has a membership with `role`. */
function setUpMembership(role: ClientRole, client: ClientEntity = apiKeyClient({ userId: BOB })) {
  const repository = new FakeClientsRepository().add(client).addMember(client.id, ALICE, role);
  return build(repository);
}

function build(repository: FakeClientsRepository, policy?: EndpointPolicy) {
  const endpoints = { checkEndpoint: jest.fn(async (raw: string) => raw) };
  if (policy) endpoints.checkEndpoint.mockImplementation(policy.checkEndpoint.bind(policy));
  const tokens = { forget: jest.fn() };
  const health = {
    checkAndRecord: jest.fn(async (client: ClientEntity) => client),
    /** The remote's answer to a key not stored yet: accepts NEW_KEY (config read), refuses anything else. */
    check: jest.fn(async (candidate: ClientEntity): Promise<CheckResult> => checkAnswer(candidate.apiKey === NEW_KEY)),
    recordResult: jest.fn(async (client: ClientEntity, result: CheckResult) => Object.assign(client, result)),
    checkAndRecordMany: jest.fn(async (list: ClientEntity[]) => new Map(list.map((client) => [client.id, client]))),
  };
  const record = jest.fn(async (_entry: AuditEntry, _manager?: EntityManager) => undefined);
  const audit = {
    record,
    /** Written together in production; here as single records, so assertions read one list of entries. */
    recordMany: jest.fn(async (entries: AuditEntry[], manager: EntityManager) => {
      for (const entry of entries) await record(entry, manager);
    }),
  };
  /** The cloud servers behind clients, as provisioning would report them. */
  const serversByClient = new Map<string, ClientServer>();
  const servers = {
    byClient: serversByClient,
    findServers: jest.fn(
      async (ids: string[]): Promise<Map<string, ClientServer>> =>
        new Map(
          ids.flatMap((id): [string, ClientServer][] => {
            const server = serversByClient.get(id);
            return server ? [[id, server]] : [];
          }),
        ),
    ),
    deleteServer: jest.fn(async (_server: ClientServer) => undefined),
    keepServer: jest.fn(async (_server: ClientServer, _manager: EntityManager) => undefined),
  };
  const events = { publish: jest.fn(), on: () => EMPTY, deliveringChanges: () => of(false) };
  const accessPolicy = new ClientAccessPolicy();
  const access = new ClientAccess(
    repository as unknown as ClientsRepository,
    accessPolicy,
    events as unknown as FleetEvents,
    { accessCache: { ttlMs: 60_000, maxEntries: 100 } } as AppConfig,
  );
  const service = new ClientsService(
    repository as unknown as ClientsRepository,
    accessPolicy,
    access,
    endpoints as unknown as EndpointPolicy,
    tokens as unknown as KeycloakTokenProvider,
    health as unknown as ClientHealthRecorder,
    audit as unknown as AuditService,
    servers as unknown as ClientServers,
    events as unknown as FleetEvents,
    new ClientEnvironments({ clients: { environments: ['production', 'staging'] } } as AppConfig),
    noTeams as unknown as TeamsService,
  );
  return { service, access, repository, endpoints, tokens, health, audit, servers, events };
}

function checkAnswer(accepted: boolean): CheckResult {
  const at = new Date('2024-02-01T00:00:00.000Z');
  return accepted
    ? {
        healthState: 'healthy',
        healthReason: null,
        healthCheckedAt: at,
        healthLastSeenAt: at,
        healthLatencyMs: 5,
        config: { gitRepositoryUrl: null, agentTypes: [], fetchedAt: at.toISOString() },
      }
    : {
        healthState: 'auth_failed',
        healthReason: 'Configuration check failed: The remote refused the credentials (HTTP 401: Invalid API key)',
        healthCheckedAt: at,
        healthLastSeenAt: at,
        healthLatencyMs: 5,
        remoteStatus: 401,
      };
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

const PAGE = { limit: 20, offset: 0 };

const fieldsOf = (error: DomainError) => (error.details?.['fields'] as { field: string }[]).map((f) => f.field);

describe('generateApiKey', () => {
  it('makes 43 base64url characters (32 random bytes)', () => {
    const key = generateApiKey();

    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
  });

  it('makes a different key every time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey()));

    expect(keys.size).toBe(50);
  });
});

describe('ClientsService.updateClient', () => {
  const alice = userPrincipal(ALICE);

  describe('plain fields', () => {
    it('saves a rename in a transaction and audits it there, without re-verifying', async () => {
      const { service, repository, audit, health } = setUp(apiKeyClient());

      const { client: updated } = await service.updateClient(alice, CLIENT_ID, { name: 'beta' });

      expect(updated.name).toBe('beta');
      expect(repository.rows.get(CLIENT_ID)?.name).toBe('beta');
      expect(repository.save).toHaveBeenCalledWith(expect.objectContaining({ name: 'beta' }), repository.manager);
      expect(audit.record).toHaveBeenCalledWith(
        {
          action: 'client.update',
          targetType: 'client',
          targetId: CLIENT_ID,
          changes: { name: { from: 'alpha', to: 'beta' } },
        },
        repository.manager,
      );
      expect(health.checkAndRecord).not.toHaveBeenCalled();
    });

    it('changes environment and labels without re-verifying, audited, and sees no change in key order', async () => {
      const { service, repository, audit, health, events } = setUp(
        apiKeyClient({ labels: { tier: 'web', app: 'shop' } }),
      );

      await service.updateClient(alice, CLIENT_ID, { labels: { app: 'shop', tier: 'web' } });
      expect(audit.record.mock.calls[0][0].changes).toEqual({});
      expect(events.publish).not.toHaveBeenCalled();

      const { client: updated } = await service.updateClient(alice, CLIENT_ID, {
        environment: 'staging',
        labels: { region: 'eu', app: 'shop' },
      });

      expect(updated.environment).toBe('staging');
      expect(repository.rows.get(CLIENT_ID)?.labels).toEqual({ app: 'shop', region: 'eu' });
      expect(audit.record.mock.calls[1][0].changes).toEqual({
        environment: { from: 'production', to: 'staging' },
        labels: { from: { app: 'shop', tier: 'web' }, to: { app: 'shop', region: 'eu' } },
      });
      expect(health.checkAndRecord).not.toHaveBeenCalled();
      expect(events.publish).toHaveBeenCalledWith({ type: 'clientChanged', clientId: CLIENT_ID });
    });

    it('refuses an unknown environment before touching the client', async () => {
      const { service, repository } = setUp(apiKeyClient());

      const error = await refusal(service.updateClient(alice, CLIENT_ID, { environment: 'qa' }));

      expect(fieldsOf(error)).toEqual(['environment']);
      expect(repository.save).not.toHaveBeenCalled();
    });

    it('tells the bus the client changed once committed, and nothing when nothing changed', async () => {
      const { service, events } = setUp(apiKeyClient());

      await service.updateClient(alice, CLIENT_ID, { name: 'alpha' });
      expect(events.publish).not.toHaveBeenCalled();
      await service.updateClient(alice, CLIENT_ID, { apiKey: NEW_KEY });
      expect(events.publish.mock.calls).toEqual([[{ type: 'clientChanged', clientId: CLIENT_ID }]]);
    });

    it('normalises a new endpoint and re-verifies an active client after the transaction', async () => {
      const { service, endpoints, health, repository } = setUp(apiKeyClient());
      endpoints.checkEndpoint.mockResolvedValueOnce('https://new.example.com');

      await service.updateClient(alice, CLIENT_ID, { endpoint: 'https://new.example.com/' });

      expect(endpoints.checkEndpoint).toHaveBeenCalledWith('https://new.example.com/');
      expect(repository.rows.get(CLIENT_ID)?.endpoint).toBe('https://new.example.com');
      expect(health.checkAndRecord).toHaveBeenCalledTimes(1);
      expect(health.checkAndRecord.mock.invocationCallOrder[0]).toBeGreaterThan(
        repository.transaction.mock.invocationCallOrder[0],
      );
    });

    it('refuses a bad endpoint before opening a transaction', async () => {
      const { service, endpoints, repository } = setUp(apiKeyClient());
      endpoints.checkEndpoint.mockImplementationOnce(async () => {
        throw new DomainError('ENDPOINT_NOT_ALLOWED', 'nope');
      });

      const error = await refusal(service.updateClient(alice, CLIENT_ID, { endpoint: 'ftp://x' }));

      expect(error.code).toBe('ENDPOINT_NOT_ALLOWED');
      expect(repository.transaction).not.toHaveBeenCalled();
    });

    it('re-verifies on a port change but not for an inactive client', async () => {
      const active = setUp(apiKeyClient());
      const inactive = setUp(apiKeyClient({ status: 'inactive' }));

      await active.service.updateClient(alice, CLIENT_ID, { agentWsPort: 9000 });
      await inactive.service.updateClient(alice, CLIENT_ID, { agentWsPort: 9000 });

      expect(active.health.checkAndRecord).toHaveBeenCalledTimes(1);
      expect(inactive.health.checkAndRecord).not.toHaveBeenCalled();
      expect(inactive.repository.rows.get(CLIENT_ID)?.agentWsPort).toBe(9000);
    });

    it('does not normalise an endpoint that was not given', async () => {
      const { service, endpoints } = setUp(apiKeyClient());

      await service.updateClient(alice, CLIENT_ID, { description: 'x' });

      expect(endpoints.checkEndpoint).not.toHaveBeenCalled();
    });

    it('forgets cached tokens of the client after every update', async () => {
      const { service, tokens } = setUp(apiKeyClient());

      await service.updateClient(alice, CLIENT_ID, { description: 'x' });

      expect(tokens.forget).toHaveBeenCalledWith(CLIENT_ID);
    });

    it('maps a unique violation of the name to NAME_TAKEN naming the name field', async () => {
      const { service, repository } = setUp(apiKeyClient());
      repository.save.mockRejectedValueOnce(
        Object.assign(new Error('duplicate'), { driverError: { code: '23505', constraint: 'UQ_clients_name_lower' } }),
      );

      const error = await refusal(service.updateClient(alice, CLIENT_ID, { name: 'ALPHA-2' }));

      expect(error.code).toBe('NAME_TAKEN');
      expect(fieldsOf(error)).toEqual(['name']);
    });
  });

  describe('api keys', () => {
    it('stores a new api key, sets keyRotatedAt, re-verifies, and audits "[redacted]" only', async () => {
      const { service, repository, audit, health } = setUp(apiKeyClient());
      const before = Date.now();

      await service.updateClient(alice, CLIENT_ID, { apiKey: NEW_KEY });

      const row = repository.rows.get(CLIENT_ID);
      expect(row?.apiKey).toBe(NEW_KEY);
      expect(row?.keyRotatedAt).toBeInstanceOf(Date);
      expect(row?.keyRotatedAt?.getTime()).toBeGreaterThanOrEqual(before);
      expect(row?.keyCreatedAt).toBe(KEY_CREATED);
      expect(audit.record.mock.calls[0][0].changes).toEqual({ apiKey: { from: '[redacted]', to: '[redacted]' } });
      const audited = JSON.stringify(audit.record.mock.calls);
      expect(audited).not.toContain(OLD_KEY);
      expect(audited).not.toContain(NEW_KEY);
      expect(health.checkAndRecord).toHaveBeenCalledTimes(1);
    });

    it('changes nothing when the same api key is sent again', async () => {
      const { service, repository, audit, health } = setUp(apiKeyClient());

      await service.updateClient(alice, CLIENT_ID, { apiKey: OLD_KEY });

      expect(repository.rows.get(CLIENT_ID)?.keyRotatedAt).toBeNull();
      expect(audit.record.mock.calls[0][0].changes).toEqual({});
      expect(health.checkAndRecord).not.toHaveBeenCalled();
    });

    it.each(['keycloakClientId', 'keycloakClientSecret', 'keycloakRealm'] as const)(
      'refuses %s on an api_key client, naming authenticationType',
      async (field) => {
        const { service, repository, audit } = setUp(apiKeyClient());

        const error = await refusal(service.updateClient(alice, CLIENT_ID, { [field]: 'x' }));

        expect(error.code).toBe('VALIDATION_FAILED');
        expect(error.message).toBe('Keycloak fields apply only to keycloak clients');
        expect(fieldsOf(error)).toEqual(['authenticationType']);
        expect(repository.save).not.toHaveBeenCalled();
        expect(audit.record).not.toHaveBeenCalled();
      },
    );

    it('refuses an api key for a keycloak client, naming apiKey', async () => {
      const { service, repository } = setUp(keycloakClient());

      const error = await refusal(service.updateClient(alice, CLIENT_ID, { apiKey: NEW_KEY }));

      expect(error.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(error)).toEqual(['apiKey']);
      expect(repository.rows.get(CLIENT_ID)?.apiKey).toBeNull();
    });
  });

  describe('switching authentication type', () => {
    const keycloakFields = {
      keycloakClientId: 'kc-client',
      keycloakClientSecret: KC_SECRET,
      keycloakRealm: 'agents',
    };

    it.each(['keycloakClientId', 'keycloakClientSecret', 'keycloakRealm'] as const)(
      'refuses api_key -> keycloak without %s, naming the field, and saves nothing',
      async (missing) => {
        const { service, repository, audit } = setUp(apiKeyClient());
        const request: UpdateClientRequest = { authenticationType: 'keycloak', ...keycloakFields };
        delete request[missing];

        const error = await refusal(service.updateClient(alice, CLIENT_ID, request));

        expect(error.code).toBe('VALIDATION_FAILED');
        expect(error.status).toBe(400);
        expect(fieldsOf(error)).toEqual([missing]);
        expect(repository.save).not.toHaveBeenCalled();
        expect(audit.record).not.toHaveBeenCalled();
        expect(repository.rows.get(CLIENT_ID)?.authenticationType).toBe('api_key');
      },
    );

    it('switches api_key -> keycloak: drops the api key, restarts the key dates, audits secrets redacted', async () => {
      const { service, repository, audit, health } = setUp(apiKeyClient({ keyRotatedAt: KEY_CREATED }));
      const before = Date.now();

      await service.updateClient(alice, CLIENT_ID, { authenticationType: 'keycloak', ...keycloakFields });

      const row = repository.rows.get(CLIENT_ID);
      expect(row).toMatchObject({
        authenticationType: 'keycloak',
        apiKey: null,
        keycloakClientId: 'kc-client',
        keycloakClientSecret: KC_SECRET,
        keycloakRealm: 'agents',
        keyRotatedAt: null,
      });
      expect(row?.keyCreatedAt?.getTime()).toBeGreaterThanOrEqual(before);
      const changes = audit.record.mock.calls[0][0].changes;
      expect(changes).toMatchObject({
        authenticationType: { from: 'api_key', to: 'keycloak' },
        apiKey: { from: '[redacted]', to: null },
        keycloakClientSecret: { from: null, to: '[redacted]' },
        keycloakClientId: { from: null, to: 'kc-client' },
      });
      expect(JSON.stringify(changes)).not.toContain(KC_SECRET);
      expect(JSON.stringify(changes)).not.toContain(OLD_KEY);
      expect(health.checkAndRecord).toHaveBeenCalledTimes(1);
    });

    it('refuses an api key sent along with a switch to keycloak', async () => {
      const { service } = setUp(apiKeyClient());

      const error = await refusal(
        service.updateClient(alice, CLIENT_ID, { authenticationType: 'keycloak', ...keycloakFields, apiKey: NEW_KEY }),
      );

      expect(fieldsOf(error)).toEqual(['apiKey']);
    });

    it('refuses keycloak -> api_key without an api key, naming apiKey', async () => {
      const { service, repository } = setUp(keycloakClient());

      const error = await refusal(service.updateClient(alice, CLIENT_ID, { authenticationType: 'api_key' }));

      expect(error.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(error)).toEqual(['apiKey']);
      expect(repository.save).not.toHaveBeenCalled();
    });

    it('switches keycloak -> api_key: clears every keycloak field, and a first key is not a rotation', async () => {
      const { service, repository, audit } = setUp(keycloakClient());

      await service.updateClient(alice, CLIENT_ID, { authenticationType: 'api_key', apiKey: NEW_KEY });

      expect(repository.rows.get(CLIENT_ID)).toMatchObject({
        authenticationType: 'api_key',
        apiKey: NEW_KEY,
        keycloakClientId: null,
        keycloakClientSecret: null,
        keycloakRealm: null,
        keycloakAuthServerUrl: null,
        keyRotatedAt: null,
      });
      expect(audit.record.mock.calls[0][0].changes).toMatchObject({
        apiKey: { from: null, to: '[redacted]' },
        keycloakClientSecret: { from: '[redacted]', to: null },
      });
    });

    it('treats sending the current type as no switch', async () => {
      const { service, repository } = setUp(apiKeyClient());

      await service.updateClient(alice, CLIENT_ID, { authenticationType: 'api_key', name: 'renamed' });

      expect(repository.rows.get(CLIENT_ID)).toMatchObject({ apiKey: OLD_KEY, keyCreatedAt: KEY_CREATED });
    });
  });

  describe('keycloak credentials', () => {
    it('updates the secret of a keycloak client, audits it redacted and forgets the cached token', async () => {
      const { service, repository, audit, tokens, health } = setUp(keycloakClient());

      await service.updateClient(alice, CLIENT_ID, { keycloakClientSecret: 'brand-new-secret' });

      expect(repository.rows.get(CLIENT_ID)?.keycloakClientSecret).toBe('brand-new-secret');
      expect(audit.record.mock.calls[0][0].changes).toEqual({
        keycloakClientSecret: { from: '[redacted]', to: '[redacted]' },
      });
      expect(JSON.stringify(audit.record.mock.calls)).not.toContain('brand-new-secret');
      expect(tokens.forget).toHaveBeenCalledWith(CLIENT_ID);
      expect(health.checkAndRecord).toHaveBeenCalledTimes(1);
    });
  });

  describe('who may update', () => {
    it('lets the creator update their client', async () => {
      const { service } = setUp(apiKeyClient());

      await expect(service.updateClient(alice, CLIENT_ID, { name: 'mine' })).resolves.toMatchObject({
        client: { name: 'mine' },
        relation: 'creator',
      });
    });

    it.each([
      ['a global admin', userPrincipal(BOB, true)],
      ['the API-key holder', API_KEY_PRINCIPAL],
    ])("lets %s update someone else's client", async (_who, principal) => {
      const { service, repository } = setUp(apiKeyClient());

      await service.updateClient(principal, CLIENT_ID, { name: 'by admin' });

      expect(repository.rows.get(CLIENT_ID)?.name).toBe('by admin');
    });

    it('reports a client of another user that Bob is no member of as NOT_FOUND, changing nothing', async () => {
      const { service, repository, audit, tokens } = setUp(apiKeyClient());

      const error = await refusal(service.updateClient(userPrincipal(BOB), CLIENT_ID, { name: 'stolen' }));

      expect(error.code).toBe('NOT_FOUND');
      expect(error.status).toBe(404);
      expect(repository.findWithMembership).toHaveBeenCalledWith({ kind: 'user', userId: BOB }, BOB, CLIENT_ID, {
        manager: repository.manager,
      });
      expect(repository.lockById).not.toHaveBeenCalled();
      expect(repository.rows.get(CLIENT_ID)?.name).toBe('alpha');
      expect(audit.record).not.toHaveBeenCalled();
      expect(tokens.forget).not.toHaveBeenCalled();
    });

    it('reports an unknown id as NOT_FOUND', async () => {
      const { service } = setUp(apiKeyClient());

      const error = await refusal(
        service.updateClient(alice, '99999999-9999-4999-8999-999999999999', { name: 'ghost' }),
      );

      expect(error.code).toBe('NOT_FOUND');
    });

    it('reports a client deleted between the visibility check and the lock as NOT_FOUND', async () => {
      const { service, repository } = setUp(apiKeyClient());
      repository.lockById.mockResolvedValueOnce(null);

      const error = await refusal(service.updateClient(alice, CLIENT_ID, { name: 'late' }));

      expect(error.code).toBe('NOT_FOUND');
      expect(repository.save).not.toHaveBeenCalled();
    });
  });
});

describe('ClientsService.listClients', () => {
  const alice = userPrincipal(ALICE);
  const MEMBER_OF_ADMIN = '33333333-3333-4333-8333-333333333333';
  const MEMBER_OF_USER = '44444444-4444-4444-8444-444444444444';

  function fleet() {
    return new FakeClientsRepository()
      .add(apiKeyClient())
      .add(apiKeyClient({ id: MEMBER_OF_ADMIN, name: 'as admin', userId: BOB }))
      .add(apiKeyClient({ id: MEMBER_OF_USER, name: 'as user', userId: BOB }))
      .addMember(MEMBER_OF_ADMIN, ALICE, 'admin')
      .addMember(MEMBER_OF_USER, ALICE, 'user');
  }

  it("gives each listed client the caller's relation, reading roles only for the clients they did not create", async () => {
    const repository = fleet();
    const { service } = build(repository);

    const [views, total] = await service.listClients(alice, { limit: 10, offset: 0 });

    expect(total).toBe(3);
    expect(Object.fromEntries(views.map(({ client, relation }) => [client.id, relation]))).toEqual({
      [CLIENT_ID]: 'creator',
      [MEMBER_OF_ADMIN]: 'client_admin',
      [MEMBER_OF_USER]: 'client_user',
    });
    expect(repository.findMemberRoles).toHaveBeenCalledWith(ALICE, [MEMBER_OF_ADMIN, MEMBER_OF_USER]);
  });

  it('refuses a filter by an environment that is not configured, naming the query parameter', async () => {
    const { service, repository } = build(fleet());

    const error = await refusal(service.listClients(alice, { limit: 10, offset: 0, environment: 'qa' }));

    expect(error.details?.['fields']).toEqual([
      { field: 'environment', location: 'query', message: 'must be one of: production, staging' },
    ]);
    expect(repository.findPage).not.toHaveBeenCalled();
  });

  it('reads no membership for a global admin or the API-key holder: they relate to every client as admins', async () => {
    for (const principal of [userPrincipal(BOB, true), API_KEY_PRINCIPAL]) {
      const repository = fleet();
      const { service } = build(repository);

      const [views] = await service.listClients(principal, { limit: 10, offset: 0 });

      expect(views.map(({ relation }) => relation)).toEqual(['global_admin', 'global_admin', 'global_admin']);
      expect(repository.findMemberRoles).not.toHaveBeenCalled();
    }
  });
});

describe('ClientsService.getClient and verifyClient', () => {
  const alice = userPrincipal(ALICE);

  it('reads a client for display without its secrets', async () => {
    const { service, repository } = setUp(apiKeyClient());

    const { client, relation } = await service.getClient(alice, CLIENT_ID);

    expect(relation).toBe('creator');
    expect(client.name).toBe('alpha');
    expect(client.apiKey).toBeUndefined();
    expect(repository.findWithMembership).toHaveBeenCalledWith({ kind: 'user', userId: ALICE }, ALICE, CLIENT_ID, {});
  });

  it("verifies with the client's secrets loaded, then marks it used", async () => {
    const { service, health, repository } = setUp(apiKeyClient());

    await service.verifyClient(alice, CLIENT_ID);

    expect(health.checkAndRecord).toHaveBeenCalledWith(expect.objectContaining({ id: CLIENT_ID, apiKey: OLD_KEY }));
    expect(repository.touchLastUsed).toHaveBeenCalledWith([CLIENT_ID], expect.any(Date));
  });

  it('refuses to verify an inactive client with CLIENT_INACTIVE, without calling it', async () => {
    const { service, health } = setUp(apiKeyClient({ status: 'inactive' }));

    const error = await refusal(service.verifyClient(alice, CLIENT_ID));

    expect(error.code).toBe('CLIENT_INACTIVE');
    expect(error.status).toBe(409);
    expect(health.checkAndRecord).not.toHaveBeenCalled();
  });

  it("reports verifying another user's client as NOT_FOUND", async () => {
    const { service, health } = setUp(apiKeyClient());

    const error = await refusal(service.verifyClient(userPrincipal(BOB), CLIENT_ID));

    expect(error.code).toBe('NOT_FOUND');
    expect(health.checkAndRecord).not.toHaveBeenCalled();
  });
});

describe('ClientsService.createClient', () => {
  const alice = userPrincipal(ALICE);
  const base: CreateClientRequest = {
    name: 'new',
    endpoint: 'https://agents.example.com/',
    authenticationType: 'api_key',
    agentWsPort: 8080,
  };

  it('puts a new client in the first configured environment unless told otherwise, labels sorted', async () => {
    const { service, repository } = setUp();

    await service.createClient(alice, base);
    await service.createClient(alice, { ...base, name: 'labelled', environment: 'staging', labels: { z: '1', a: '' } });

    const inserted = repository.insert.mock.calls.map(([values]) => values);
    expect(inserted.map((values) => [values.environment, values.labels])).toEqual([
      ['production', {}],
      ['staging', { a: '', z: '1' }],
    ]);
    expect(Object.keys(inserted[1].labels ?? {})).toEqual(['a', 'z']);
  });

  it('refuses an environment that is not configured, naming the field and the choices, storing nothing', async () => {
    const { service, repository } = setUp();

    const error = await refusal(service.createClient(alice, { ...base, environment: 'qa' }));

    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details?.['fields']).toEqual([
      { field: 'environment', location: 'body', message: 'must be one of: production, staging' },
    ]);
    expect(repository.insert).not.toHaveBeenCalled();
  });

  it('tells watching consoles of the new client once it is stored, before its first check', async () => {
    const { service, health, events } = setUp();
    health.checkAndRecord.mockImplementationOnce(async (client: ClientEntity) => {
      expect(events.publish).toHaveBeenCalledWith({ type: 'clientCreated', clientId: client.id });
      return client;
    });

    await service.createClient(alice, base);

    expect(health.checkAndRecord).toHaveBeenCalledTimes(1);
  });

  it('marks a client as auto-provisioned only when a provisioning job makes it', async () => {
    const { service, repository } = setUp();

    const { client: byHand, relation } = await service.createClient(alice, base);
    const { client: provisioned } = await service.createClient(
      alice,
      { ...base, name: 'made by a job' },
      { autoProvisioned: true },
    );

    expect(relation).toBe('creator');
    expect(repository.insert.mock.calls.map(([values]) => values.isAutoProvisioned)).toEqual([false, true]);
    expect([byHand.isAutoProvisioned, provisioned.isAutoProvisioned]).toEqual([false, true]);
  });

  it('generates an api key when none is given, returns it once, and audits it redacted', async () => {
    const { service, repository, audit, health } = setUp();

    const { client, apiKey } = await service.createClient(alice, base);

    expect(apiKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(repository.rows.get(client.id)?.apiKey).toBe(apiKey);
    expect(repository.rows.get(client.id)?.userId).toBe(ALICE);
    const entry = audit.record.mock.calls[0][0];
    expect(entry).toMatchObject({ action: 'client.create', targetId: client.id });
    expect(entry.changes?.['apiKey']).toEqual({ to: '[redacted]' });
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain(apiKey);
    expect(health.checkAndRecord).toHaveBeenCalledWith(client);
  });

  it('keeps a given api key and normalises the endpoint', async () => {
    const { service, repository, endpoints } = setUp();
    endpoints.checkEndpoint.mockResolvedValueOnce('https://agents.example.com');

    const { client, apiKey } = await service.createClient(alice, { ...base, apiKey: NEW_KEY });

    expect(apiKey).toBe(NEW_KEY);
    expect(repository.rows.get(client.id)?.endpoint).toBe('https://agents.example.com');
  });

  it("flags a given key shorter than 16 characters as weak (the remote's choice), never a generated one", async () => {
    const { service, repository } = setUp();

    const { client: short } = await service.createClient(alice, { ...base, apiKey: 'demo-remote-key' });
    const { client: generated } = await service.createClient(alice, { ...base, name: 'generated' });

    expect(repository.rows.get(short.id)).toMatchObject({ apiKey: 'demo-remote-key', weakApiKey: true });
    expect(repository.rows.get(generated.id)?.weakApiKey).toBe(false);
  });

  it('stores no keycloak fields on an api_key client', async () => {
    const { service, repository } = setUp();

    const { client } = await service.createClient(alice, {
      ...base,
      keycloakClientId: 'kc',
      keycloakClientSecret: 's',
      keycloakRealm: 'r',
    });

    expect(repository.rows.get(client.id)).toMatchObject({
      keycloakClientId: null,
      keycloakClientSecret: null,
      keycloakRealm: null,
    });
  });

  it('gives a keycloak client no api key and returns none', async () => {
    const { service, repository } = setUp();

    const { client, apiKey } = await service.createClient(alice, {
      ...base,
      authenticationType: 'keycloak',
      keycloakClientId: 'kc',
      keycloakClientSecret: KC_SECRET,
      keycloakRealm: 'agents',
    });

    expect(apiKey).toBeUndefined();
    expect(repository.rows.get(client.id)).toMatchObject({ apiKey: null, keycloakClientSecret: KC_SECRET });
  });
});

describe('ClientsService Keycloak server URL under the endpoint policy (production: no internal hosts)', () => {
  const alice = userPrincipal(ALICE);
  const production = () =>
    new EndpointPolicy({ clients: { endpointAllowedHosts: [], allowInternalHosts: false } } as unknown as AppConfig);
  const keycloakRequest: CreateClientRequest = {
    name: 'kc',
    endpoint: 'https://agents.example.com',
    authenticationType: 'keycloak',
    keycloakClientId: 'kc',
    keycloakClientSecret: KC_SECRET,
    keycloakRealm: 'agents',
    agentWsPort: 8080,
  };

  it.each(['http://169.254.169.254', 'http://127.0.0.1:8080/auth', 'http://[::1]', 'http://localhost'])(
    'refuses %s at create and update with ENDPOINT_NOT_ALLOWED naming keycloakAuthServerUrl, storing nothing',
    async (url) => {
      const { service, repository } = build(new FakeClientsRepository().add(keycloakClient()), production());

      const created = await refusal(service.createClient(alice, { ...keycloakRequest, keycloakAuthServerUrl: url }));
      const updated = await refusal(service.updateClient(alice, CLIENT_ID, { keycloakAuthServerUrl: url }));

      for (const error of [created, updated]) {
        expect(error).toMatchObject({ code: 'ENDPOINT_NOT_ALLOWED', status: 400 });
        expect(fieldsOf(error)).toEqual(['keycloakAuthServerUrl']);
      }
      expect(repository.rows.size).toBe(1);
      expect(repository.rows.get(CLIENT_ID)?.keycloakAuthServerUrl).toBe('https://kc.example.com');
      expect(repository.transaction).not.toHaveBeenCalled();
    },
  );

  it('stores a public Keycloak server normalised, and lets an update clear it', async () => {
    const { service, repository } = build(new FakeClientsRepository().add(keycloakClient()), production());

    const { client } = await service.createClient(alice, {
      ...keycloakRequest,
      keycloakAuthServerUrl: 'https://8.8.8.8/auth/',
    });
    await service.updateClient(alice, CLIENT_ID, { keycloakAuthServerUrl: null });

    expect(repository.rows.get(client.id)?.keycloakAuthServerUrl).toBe('https://8.8.8.8/auth');
    expect(repository.rows.get(CLIENT_ID)?.keycloakAuthServerUrl).toBeNull();
  });
});

describe('ClientsService weak api key flag', () => {
  const alice = userPrincipal(ALICE);

  it('follows the key through an update, a switch to keycloak and a rotation', async () => {
    const { service, repository } = setUp(apiKeyClient());

    await service.updateClient(alice, CLIENT_ID, { apiKey: 'short-key' });
    expect(repository.rows.get(CLIENT_ID)?.weakApiKey).toBe(true);

    await service.updateClient(alice, CLIENT_ID, { apiKey: NEW_KEY });
    expect(repository.rows.get(CLIENT_ID)?.weakApiKey).toBe(false);

    await service.rotateClientKey(alice, CLIENT_ID, { apiKey: 'tiny', force: true });
    expect(repository.rows.get(CLIENT_ID)?.weakApiKey).toBe(true);

    await service.updateClient(alice, CLIENT_ID, {
      authenticationType: 'keycloak',
      keycloakClientId: 'kc',
      keycloakClientSecret: KC_SECRET,
      keycloakRealm: 'agents',
    });
    expect(repository.rows.get(CLIENT_ID)).toMatchObject({ apiKey: null, weakApiKey: false });
  });
});

describe('ClientsService.rotateClientKey', () => {
  const WRONG_KEY = 'a-key-the-remote-does-not-know';

  it('refuses to rotate a keycloak client with CONFLICT, without calling the remote', async () => {
    const { service, repository, health } = setUp(keycloakClient());

    const error = await refusal(
      service.rotateClientKey(userPrincipal(ALICE), CLIENT_ID, { apiKey: NEW_KEY, force: true }),
    );

    expect(error.code).toBe('CONFLICT');
    expect(health.check).not.toHaveBeenCalled();
    expect(repository.save).not.toHaveBeenCalled();
  });

  it('checks the new key with the remote before storing it, and records that check as the health', async () => {
    const { service, repository, audit, health } = setUp(apiKeyClient({ healthState: 'auth_failed' }));

    const { client, apiKey } = await service.rotateClientKey(userPrincipal(ALICE), CLIENT_ID, {
      apiKey: NEW_KEY,
      force: false,
    });

    expect(health.check).toHaveBeenCalledWith(expect.objectContaining({ id: CLIENT_ID, apiKey: NEW_KEY }));
    expect(health.check.mock.invocationCallOrder[0]).toBeLessThan(repository.transaction.mock.invocationCallOrder[0]);
    expect(apiKey).toBe(NEW_KEY);
    expect(repository.rows.get(CLIENT_ID)?.apiKey).toBe(NEW_KEY);
    expect(repository.rows.get(CLIENT_ID)?.keyRotatedAt).toBeInstanceOf(Date);
    expect(client.healthState).toBe('healthy');
    expect(health.recordResult).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'client.rotate_key',
        changes: { apiKey: { from: '[redacted]', to: '[redacted]' } },
        details: { acceptedByRemote: true, forced: false },
      }),
      repository.manager,
    );
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain(NEW_KEY);
  });

  it('keeps the old key and answers KEY_NOT_ACCEPTED (409) naming the remote’s answer when the remote refuses it', async () => {
    const { service, repository, audit, health } = setUp(apiKeyClient());

    const error = await refusal(
      service.rotateClientKey(userPrincipal(ALICE), CLIENT_ID, { apiKey: WRONG_KEY, force: false }),
    );

    expect(error.code).toBe('KEY_NOT_ACCEPTED');
    expect(error.status).toBe(409);
    expect(error.message).toContain('auth_failed');
    expect(error.details).toMatchObject({
      remote: { state: 'auth_failed', status: 401, reason: expect.stringContaining('Invalid API key') },
      fields: [expect.objectContaining({ field: 'apiKey' })],
    });
    expect(JSON.stringify(error.details)).not.toContain(WRONG_KEY);
    expect(repository.rows.get(CLIENT_ID)?.apiKey).toBe(OLD_KEY);
    expect(repository.save).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
    expect(health.recordResult).not.toHaveBeenCalled();
  });

  it('names unreachable when the remote cannot be asked, and keeps the old key', async () => {
    const { service, repository, health } = setUp(apiKeyClient());
    health.check.mockResolvedValueOnce({
      healthState: 'unreachable',
      healthReason: 'Health check failed: Connection refused',
      healthCheckedAt: new Date(),
      healthLastSeenAt: null,
      healthLatencyMs: null,
    });

    const error = await refusal(
      service.rotateClientKey(userPrincipal(ALICE), CLIENT_ID, { apiKey: NEW_KEY, force: false }),
    );

    expect(error.code).toBe('KEY_NOT_ACCEPTED');
    expect(error.details).toMatchObject({ remote: { state: 'unreachable' } });
    expect(repository.rows.get(CLIENT_ID)?.apiKey).toBe(OLD_KEY);
  });

  it('stores a refused key when forced, and the health shows the refusal', async () => {
    const { service, repository, audit } = setUp(apiKeyClient());

    const { client } = await service.rotateClientKey(userPrincipal(ALICE), CLIENT_ID, {
      apiKey: WRONG_KEY,
      force: true,
    });

    expect(repository.rows.get(CLIENT_ID)?.apiKey).toBe(WRONG_KEY);
    expect(client.healthState).toBe('auth_failed');
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ details: { acceptedByRemote: false, forced: true, remoteState: 'auth_failed' } }),
      repository.manager,
    );
  });

  it('does not call the remote of an inactive client: CLIENT_INACTIVE unless forced, then stored unchecked', async () => {
    const { service, repository, health } = setUp(apiKeyClient({ status: 'inactive' }));

    const error = await refusal(
      service.rotateClientKey(userPrincipal(ALICE), CLIENT_ID, { apiKey: NEW_KEY, force: false }),
    );
    expect(error.code).toBe('CLIENT_INACTIVE');
    expect(repository.rows.get(CLIENT_ID)?.apiKey).toBe(OLD_KEY);

    const { client } = await service.rotateClientKey(userPrincipal(ALICE), CLIENT_ID, { apiKey: NEW_KEY, force: true });
    expect(repository.rows.get(CLIENT_ID)?.apiKey).toBe(NEW_KEY);
    expect(client.healthState).toBe('healthy');
    expect(health.check).not.toHaveBeenCalled();
    expect(health.recordResult).not.toHaveBeenCalled();
  });
});

describe('ClientsService.deleteClient and the cloud server behind a client', () => {
  const SERVER: ClientServer = {
    clientId: CLIENT_ID,
    providerType: 'hetzner',
    serverId: '4711',
    serverName: 'agent-manager-0a4f5c7e',
    jobId: '99999999-9999-4999-8999-999999999999',
  };

  function setUpOnServer() {
    const built = setUp(apiKeyClient());
    built.servers.byClient.set(CLIENT_ID, SERVER);
    return built;
  }

  it('refuses to delete a client on a server without a choice: CLIENT_HAS_SERVER naming the server and both ways out', async () => {
    const { service, repository, servers, audit } = setUpOnServer();

    const error = await refusal(service.deleteClient(userPrincipal(ALICE), CLIENT_ID));

    expect(error.code).toBe('CLIENT_HAS_SERVER');
    expect(error.status).toBe(409);
    expect(error.message).toContain('agent-manager-0a4f5c7e');
    expect(error.message).toContain('?server=delete');
    expect(error.message).toContain('?server=keep');
    expect(error.details).toMatchObject({
      server: { providerType: 'hetzner', serverId: '4711', serverName: 'agent-manager-0a4f5c7e' },
      choices: ['delete', 'keep'],
      fields: [expect.objectContaining({ field: 'server', location: 'query' })],
    });
    expect(repository.rows.has(CLIENT_ID)).toBe(true);
    expect(servers.deleteServer).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('server=delete deletes the server at its cloud first, then the client, and audits both', async () => {
    const { service, repository, servers, audit } = setUpOnServer();

    await service.deleteClient(userPrincipal(ALICE), CLIENT_ID, 'delete');

    expect(servers.deleteServer).toHaveBeenCalledWith(SERVER);
    expect(servers.deleteServer.mock.invocationCallOrder[0]).toBeLessThan(
      repository.delete.mock.invocationCallOrder[0],
    );
    expect(repository.rows.has(CLIENT_ID)).toBe(false);
    expect(servers.keepServer).not.toHaveBeenCalled();
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'client.delete',
        details: expect.objectContaining({ server: 'deleted', serverId: '4711' }),
      }),
      repository.manager,
    );
  });

  it('server=delete keeps the client when the cloud fails, and passes the cloud’s error on', async () => {
    const { service, repository, servers, audit } = setUpOnServer();
    const cloudDown = new DomainError('CLOUD_UNAVAILABLE', 'hetzner answered 503');
    servers.deleteServer.mockRejectedValueOnce(cloudDown);

    await expect(service.deleteClient(userPrincipal(ALICE), CLIENT_ID, 'delete')).rejects.toBe(cloudDown);

    expect(repository.rows.has(CLIENT_ID)).toBe(true);
    expect(repository.transaction).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('server=keep deletes only the client and lists the server as an orphan in the same transaction', async () => {
    const { service, repository, servers, audit } = setUpOnServer();

    await service.deleteClient(userPrincipal(ALICE), CLIENT_ID, 'keep');

    expect(servers.deleteServer).not.toHaveBeenCalled();
    expect(servers.keepServer).toHaveBeenCalledWith(SERVER, repository.manager);
    expect(repository.rows.has(CLIENT_ID)).toBe(false);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ details: expect.objectContaining({ server: 'kept', serverId: '4711' }) }),
      repository.manager,
    );
  });

  it.each([undefined, 'delete', 'keep'] as const)(
    'deletes a client without a server as before (server=%s is accepted and ignored)',
    async (choice) => {
      const { service, repository, servers } = setUp(apiKeyClient());

      await service.deleteClient(userPrincipal(ALICE), CLIENT_ID, choice);

      expect(repository.rows.has(CLIENT_ID)).toBe(false);
      expect(servers.deleteServer).not.toHaveBeenCalled();
      expect(servers.keepServer).not.toHaveBeenCalled();
    },
  );

  it('asks about servers only after the caller may manage the client (no existence oracle)', async () => {
    const { service, servers } = setUpOnServer();

    const error = await refusal(service.deleteClient(userPrincipal(BOB), CLIENT_ID, 'delete'));

    expect(error.code).toBe('NOT_FOUND');
    expect(servers.findServers).not.toHaveBeenCalled();
  });

  it('bulk delete leaves a client on a server alone and reports it; the others are deleted', async () => {
    const OTHER = '44444444-4444-4444-8444-444444444444';
    const { service, repository, servers } = setUp(apiKeyClient(), apiKeyClient({ id: OTHER, name: 'beta' }));
    servers.byClient.set(CLIENT_ID, SERVER);

    const preview = await service.bulkUpdateClients(userPrincipal(ALICE), {
      action: 'delete',
      ids: [CLIENT_ID, OTHER],
      dryRun: true,
    });
    expect(preview.results.map((result) => result.result)).toEqual(['CLIENT_HAS_SERVER', 'ok']);

    const response = await service.bulkUpdateClients(userPrincipal(ALICE), {
      action: 'delete',
      ids: [CLIENT_ID, OTHER],
      dryRun: false,
    });

    expect(response.results).toEqual([
      {
        id: CLIENT_ID,
        result: 'CLIENT_HAS_SERVER',
        message: expect.stringContaining('agent-manager-0a4f5c7e'),
      },
      { id: OTHER, result: 'ok' },
    ]);
    expect(repository.rows.has(CLIENT_ID)).toBe(true);
    expect(repository.rows.has(OTHER)).toBe(false);
    expect(servers.deleteServer).not.toHaveBeenCalled();
  });
});

describe('ClientsService.bulkUpdateClients', () => {
  const INVISIBLE = '33333333-3333-4333-8333-333333333333';

  it('reports per id and changes nothing on a dry run', async () => {
    const { service, repository } = setUp(apiKeyClient(), apiKeyClient({ id: INVISIBLE, userId: BOB }));

    const response = await service.bulkUpdateClients(userPrincipal(ALICE), {
      action: 'delete',
      ids: [CLIENT_ID, INVISIBLE],
      dryRun: true,
    });

    expect(response).toEqual({
      action: 'delete',
      dryRun: true,
      results: [
        { id: CLIENT_ID, result: 'ok', message: 'would delete' },
        { id: INVISIBLE, result: 'not_found' },
      ],
    });
    expect(repository.transaction).not.toHaveBeenCalled();
    expect(repository.rows.size).toBe(2);
  });

  it('acts on the visible clients a filter selects, with a per-item forbidden for those it may not manage', async () => {
    const MEMBER_OF = '44444444-4444-4444-8444-444444444444';
    const repository = new FakeClientsRepository()
      .add(apiKeyClient({ name: 'shop-a' }))
      .add(apiKeyClient({ id: MEMBER_OF, name: 'shop-b', userId: BOB }))
      .add(apiKeyClient({ id: INVISIBLE, name: 'shop-c', userId: BOB }))
      .addMember(MEMBER_OF, ALICE, 'user');
    const { service } = build(repository);

    const response = await service.bulkUpdateClients(userPrincipal(ALICE), {
      action: 'deactivate',
      search: 'shop',
      dryRun: false,
    });

    expect(repository.findMatchingIds).toHaveBeenCalledWith({ kind: 'user', userId: ALICE }, expect.anything(), 5000);
    expect(response.results).toEqual([
      { id: CLIENT_ID, result: 'ok' },
      { id: MEMBER_OF, result: 'forbidden' },
    ]);
    expect(repository.rows.get(CLIENT_ID)?.status).toBe('inactive');
    expect(repository.rows.get(MEMBER_OF)?.status).toBe('active');
  });

  it('refuses a filter run over more than 5,000 clients with 422, doing nothing', async () => {
    const { service, repository } = setUp(apiKeyClient());
    repository.findMatchingIds.mockResolvedValueOnce({ ids: [CLIENT_ID], total: 5001 });

    const error = await refusal(
      service.bulkUpdateClients(userPrincipal(ALICE), { action: 'delete', selector: 'app=shop', dryRun: true }),
    );

    expect({ code: error.code, status: error.status, details: error.details }).toEqual({
      code: 'BULK_TOO_MANY_CLIENTS',
      status: 422,
      details: { matched: 5001, limit: 5000 },
    });
    expect(repository.findManyWithMembership).not.toHaveBeenCalled();
    expect(repository.rows.size).toBe(1);
  });

  it('adds labels per client, audited as a bulk update; one that would pass 20 labels gets its own error', async () => {
    const FULL = '55555555-5555-4555-8555-555555555555';
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`k${index}`, 'v']));
    const { service, repository, audit, events } = setUp(
      apiKeyClient({ labels: { region: 'eu' } }),
      apiKeyClient({ id: FULL, labels: twenty }),
    );
    const request = { action: 'add_labels' as const, ids: [CLIENT_ID, FULL], labels: { tier: 'web' } };

    const preview = await service.bulkUpdateClients(userPrincipal(ALICE), { ...request, dryRun: true });
    expect(preview.results).toEqual([
      { id: CLIENT_ID, result: 'ok', message: 'would add_labels' },
      { id: FULL, result: 'VALIDATION_FAILED', message: 'would have 21 labels; at most 20' },
    ]);
    expect(repository.save).not.toHaveBeenCalled();

    const applied = await service.bulkUpdateClients(userPrincipal(ALICE), { ...request, dryRun: false });
    expect(applied.results.map((result) => result.result)).toEqual(['ok', 'VALIDATION_FAILED']);
    expect(repository.rows.get(CLIENT_ID)?.labels).toEqual({ region: 'eu', tier: 'web' });
    expect(repository.rows.get(FULL)?.labels).toEqual(twenty);
    expect(audit.record.mock.calls.map(([entry]) => entry)).toEqual([
      {
        action: 'client.update',
        targetType: 'client',
        targetId: CLIENT_ID,
        changes: { labels: { from: { region: 'eu' }, to: { region: 'eu', tier: 'web' } } },
        details: { bulk: true },
      },
    ]);
    expect(events.publish.mock.calls).toEqual([[{ type: 'clientChanged', clientId: CLIENT_ID }]]);
  });

  it('removes labels and sets environments, auditing only clients that changed', async () => {
    const OTHER = '55555555-5555-4555-8555-555555555555';
    const { service, repository, audit } = setUp(
      apiKeyClient({ labels: { region: 'eu', tier: 'web' } }),
      apiKeyClient({ id: OTHER, environment: 'staging', labels: {} }),
    );
    const ids = [CLIENT_ID, OTHER];

    await service.bulkUpdateClients(userPrincipal(ALICE), {
      action: 'remove_labels',
      ids,
      labelKeys: ['tier'],
      dryRun: false,
    });
    await service.bulkUpdateClients(userPrincipal(ALICE), {
      action: 'set_environment',
      ids,
      targetEnvironment: 'staging',
      dryRun: false,
    });

    expect(repository.rows.get(CLIENT_ID)).toMatchObject({ environment: 'staging', labels: { region: 'eu' } });
    expect(audit.record.mock.calls.map(([entry]) => [entry.targetId, entry.changes])).toEqual([
      [CLIENT_ID, { labels: { from: { region: 'eu', tier: 'web' }, to: { region: 'eu' } } }],
      [CLIENT_ID, { environment: { from: 'production', to: 'staging' } }],
    ]);
  });

  it('refuses an environment that is not configured, naming targetEnvironment or environment', async () => {
    const { service, repository } = setUp(apiKeyClient());

    const target = await refusal(
      service.bulkUpdateClients(userPrincipal(ALICE), {
        action: 'set_environment',
        ids: [CLIENT_ID],
        targetEnvironment: 'qa',
        dryRun: false,
      }),
    );
    const filter = await refusal(
      service.bulkUpdateClients(userPrincipal(ALICE), { action: 'activate', environment: 'qa', dryRun: false }),
    );

    expect([fieldsOf(target), fieldsOf(filter)]).toEqual([['targetEnvironment'], ['environment']]);
    expect(repository.findManyWithMembership).not.toHaveBeenCalled();
  });

  it('verifies active clients with their secrets loaded and reports each health', async () => {
    const { service, health, repository, audit } = setUp(
      apiKeyClient({ healthState: 'degraded', healthReason: 'Slow' }),
    );

    const response = await service.bulkUpdateClients(userPrincipal(ALICE), {
      action: 'verify',
      ids: [CLIENT_ID],
      dryRun: false,
    });

    expect(repository.findManyWithMembership).toHaveBeenCalledWith(
      { kind: 'user', userId: ALICE },
      ALICE,
      [CLIENT_ID],
      {
        withSecrets: true,
      },
    );
    expect(health.checkAndRecordMany).toHaveBeenCalledWith([expect.objectContaining({ apiKey: OLD_KEY })]);
    expect(audit.record).toHaveBeenCalledTimes(1);
    expect(audit.record.mock.calls[0][0]).toEqual({
      action: 'client.verify',
      targetType: 'client',
      targetId: CLIENT_ID,
      outcome: 'failure',
      details: { bulk: true, health: 'degraded', reason: 'Slow' },
    });
    expect(response.results).toEqual([
      {
        id: CLIENT_ID,
        result: 'ok',
        health: { state: 'degraded', reason: 'Slow', checkedAt: null, lastSeenAt: null, latencyMs: null },
      },
    ]);
  });

  it('does not verify inactive clients', async () => {
    const { service, health } = setUp(apiKeyClient({ status: 'inactive' }));

    const response = await service.bulkUpdateClients(userPrincipal(ALICE), {
      action: 'verify',
      ids: [CLIENT_ID],
      dryRun: false,
    });

    expect(response.results).toEqual([
      { id: CLIENT_ID, result: 'CLIENT_INACTIVE', message: 'inactive clients are not called' },
    ]);
    expect(health.checkAndRecordMany).not.toHaveBeenCalled();
  });

  it('checks nothing and audits nothing on a dry run of verify', async () => {
    const { service, health, audit } = setUp(apiKeyClient());

    const response = await service.bulkUpdateClients(userPrincipal(ALICE), {
      action: 'verify',
      ids: [CLIENT_ID],
      dryRun: true,
    });

    expect(response.results).toEqual([{ id: CLIENT_ID, result: 'ok', message: 'would verify' }]);
    expect(health.checkAndRecordMany).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('deactivates visible clients, audits each as bulk, and skips those already inactive', async () => {
    const OTHER = '44444444-4444-4444-8444-444444444444';
    const { service, repository, audit, events } = setUp(
      apiKeyClient(),
      apiKeyClient({ id: OTHER, status: 'inactive' }),
    );

    await service.bulkUpdateClients(userPrincipal(ALICE), {
      action: 'deactivate',
      ids: [CLIENT_ID, OTHER],
      dryRun: false,
    });

    expect(repository.rows.get(CLIENT_ID)?.status).toBe('inactive');
    expect(events.publish).toHaveBeenCalledWith({ type: 'accessChanged', clientId: CLIENT_ID });
    expect(audit.record).toHaveBeenCalledTimes(1);
    expect(audit.record.mock.calls[0][0]).toMatchObject({
      action: 'client.status',
      targetId: CLIENT_ID,
      changes: { status: { from: 'active', to: 'inactive' } },
      details: { bulk: true },
    });
  });

  it('activates in bulk and tells the bus each client changed, after the commit', async () => {
    const { service, repository, events } = setUp(apiKeyClient({ status: 'inactive' }));
    repository.transaction.mockImplementationOnce(async (work) => {
      const result = await work(repository.manager);
      expect(events.publish).not.toHaveBeenCalled();
      return result;
    });

    await service.bulkUpdateClients(userPrincipal(ALICE), { action: 'activate', ids: [CLIENT_ID], dryRun: false });

    expect(repository.rows.get(CLIENT_ID)?.status).toBe('active');
    expect(events.publish.mock.calls).toEqual([[{ type: 'clientChanged', clientId: CLIENT_ID }]]);
  });
});

describe('ClientsService with client memberships', () => {
  const alice = userPrincipal(ALICE);
  const stranger = userPrincipal('55555555-5555-4555-8555-555555555555');

  describe('ClientAccess.authorizeClient', () => {
    it("looks the client up with the caller's visibility, user id and options, and returns it", async () => {
      const { access, repository } = setUpMembership('user');

      const client = await access.authorizeClient(alice, CLIENT_ID, 'operate', {
        manager: repository.manager,
        withSecrets: true,
      });

      expect(client).toMatchObject({ id: CLIENT_ID, apiKey: OLD_KEY });
      expect(repository.findWithMembership).toHaveBeenCalledWith({ kind: 'user', userId: ALICE }, ALICE, CLIENT_ID, {
        manager: repository.manager,
        withSecrets: true,
      });
    });

    it('looks the client up for the API-key holder with visibility all and no user id', async () => {
      const { access, repository } = setUp(apiKeyClient());

      await access.authorizeClient(API_KEY_PRINCIPAL, CLIENT_ID, 'manage');

      expect(repository.findWithMembership).toHaveBeenCalledWith({ kind: 'all' }, null, CLIENT_ID, {});
    });

    it('refuses a short role with FORBIDDEN and an invisible client with NOT_FOUND', async () => {
      const { access } = setUpMembership('user');

      expect((await refusal(access.authorizeClient(alice, CLIENT_ID, 'configure'))).code).toBe('FORBIDDEN');
      expect((await refusal(access.authorizeClient(stranger, CLIENT_ID, 'read'))).code).toBe('NOT_FOUND');
    });
  });

  describe('a client admin (member with role admin)', () => {
    it('may update the client, audited in the transaction', async () => {
      const { service, repository, audit } = setUpMembership('admin');

      const { client: updated, relation } = await service.updateClient(alice, CLIENT_ID, { name: 'by client admin' });

      expect(relation).toBe('client_admin');
      expect(updated.name).toBe('by client admin');
      expect(repository.rows.get(CLIENT_ID)?.name).toBe('by client admin');
      expect(audit.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: 'client.update', targetId: CLIENT_ID }),
        repository.manager,
      );
    });

    it('may change the status, rotate the key and delete the client, each told on the bus', async () => {
      const { service, repository, events } = setUpMembership('admin');
      const accessChanged = { type: 'accessChanged', clientId: CLIENT_ID };
      const clientChanged = { type: 'clientChanged', clientId: CLIENT_ID };

      await expect(service.setClientStatus(alice, CLIENT_ID, 'inactive')).resolves.toMatchObject({
        client: { status: 'inactive' },
      });
      expect(events.publish.mock.calls).toEqual([[accessChanged]]);
      await service.rotateClientKey(alice, CLIENT_ID, { apiKey: NEW_KEY, force: true });
      expect(repository.rows.get(CLIENT_ID)?.apiKey).toBe(NEW_KEY);
      await service.deleteClient(alice, CLIENT_ID);
      expect(repository.rows.has(CLIENT_ID)).toBe(false);
      expect(events.publish.mock.calls).toEqual([[accessChanged], [clientChanged], [accessChanged]]);
    });
  });

  describe('a client user (member with role user)', () => {
    it.each([
      ['update', (service: ClientsService) => service.updateClient(alice, CLIENT_ID, { name: 'nope' })],
      ['delete', (service: ClientsService) => service.deleteClient(alice, CLIENT_ID)],
      [
        'rotate the key of',
        (service: ClientsService) => service.rotateClientKey(alice, CLIENT_ID, { apiKey: NEW_KEY, force: true }),
      ],
      ['change the status of', (service: ClientsService) => service.setClientStatus(alice, CLIENT_ID, 'inactive')],
    ])('may not %s the client: FORBIDDEN (403), nothing locked, changed or audited', async (_what, act) => {
      const { service, repository, audit, tokens, health, events } = setUpMembership('user');
      const before = { ...repository.rows.get(CLIENT_ID) };

      const error = await refusal(act(service));

      expect(events.publish).not.toHaveBeenCalled();

      expect(error.code).toBe('FORBIDDEN');
      expect(error.status).toBe(403);
      expect(repository.lockById).not.toHaveBeenCalled();
      expect(repository.save).not.toHaveBeenCalled();
      expect(repository.delete).not.toHaveBeenCalled();
      expect(repository.rows.get(CLIENT_ID)).toEqual(before);
      expect(audit.record).not.toHaveBeenCalled();
      expect(tokens.forget).not.toHaveBeenCalled();
      expect(health.checkAndRecord).not.toHaveBeenCalled();
      expect(health.check).not.toHaveBeenCalled();
    });

    it('may verify the client, with its secrets loaded', async () => {
      const { service, health, repository } = setUpMembership('user');

      await service.verifyClient(alice, CLIENT_ID);

      expect(health.checkAndRecord).toHaveBeenCalledWith(expect.objectContaining({ id: CLIENT_ID, apiKey: OLD_KEY }));
      expect(repository.findWithMembership).toHaveBeenCalledWith({ kind: 'user', userId: ALICE }, ALICE, CLIENT_ID, {
        withSecrets: true,
      });
      expect(repository.touchLastUsed).toHaveBeenCalledWith([CLIENT_ID], expect.any(Date));
    });

    it('may read the client (without secrets) and its health history', async () => {
      const { service, repository } = setUpMembership('user');

      const { client, relation } = await service.getClient(alice, CLIENT_ID);
      await service.listHealthHistory(alice, CLIENT_ID, { limit: 10, offset: 5 });

      expect(relation).toBe('client_user');
      expect(client.apiKey).toBeUndefined();
      expect(repository.findHealthHistory).toHaveBeenCalledWith(CLIENT_ID, 10, 5);
    });
  });

  describe('a stranger (neither creator nor member)', () => {
    it.each([
      ['read', (service: ClientsService) => service.getClient(stranger, CLIENT_ID)],
      ['verify', (service: ClientsService) => service.verifyClient(stranger, CLIENT_ID)],
      ['update', (service: ClientsService) => service.updateClient(stranger, CLIENT_ID, { name: 'nope' })],
      ['delete', (service: ClientsService) => service.deleteClient(stranger, CLIENT_ID)],
      [
        'rotate the key of',
        (service: ClientsService) => service.rotateClientKey(stranger, CLIENT_ID, { apiKey: NEW_KEY, force: true }),
      ],
      ['change the status of', (service: ClientsService) => service.setClientStatus(stranger, CLIENT_ID, 'inactive')],
      ['list the history of', (service: ClientsService) => service.listHealthHistory(stranger, CLIENT_ID, PAGE)],
    ])('cannot %s the client: NOT_FOUND (404), never FORBIDDEN', async (_what, act) => {
      const { service, repository, health } = setUpMembership('admin');

      const error = await refusal(act(service));

      expect(error.code).toBe('NOT_FOUND');
      expect(error.status).toBe(404);
      expect(repository.lockById).not.toHaveBeenCalled();
      expect(repository.findHealthHistory).not.toHaveBeenCalled();
      expect(health.checkAndRecord).not.toHaveBeenCalled();
    });

    it('is not let in by a membership on another client', async () => {
      const OTHER = '66666666-6666-4666-8666-666666666666';
      const repository = new FakeClientsRepository()
        .add(apiKeyClient({ userId: BOB }))
        .add(apiKeyClient({ id: OTHER, userId: BOB }))
        .addMember(OTHER, ALICE, 'admin');
      const { service } = build(repository);

      expect((await refusal(service.getClient(alice, CLIENT_ID))).code).toBe('NOT_FOUND');
    });
  });

  describe('bulkUpdateClients', () => {
    const OWN = '77777777-7777-4777-8777-777777777777';
    const AS_ADMIN = '88888888-8888-4888-8888-888888888888';
    const INVISIBLE = '99999999-9999-4999-8999-999999999999';

    /** Alice created OWN, is admin on AS_ADMIN, user on CLIENT_ID, and nothing on INVISIBLE. */
    function setUpMixed() {
      const repository = new FakeClientsRepository()
        .add(apiKeyClient({ userId: BOB }))
        .add(apiKeyClient({ id: OWN, userId: ALICE }))
        .add(apiKeyClient({ id: AS_ADMIN, userId: BOB }))
        .add(apiKeyClient({ id: INVISIBLE, userId: BOB }))
        .addMember(CLIENT_ID, ALICE, 'user')
        .addMember(AS_ADMIN, ALICE, 'admin');
      return build(repository);
    }

    it("reports forbidden for a client user's deactivate, leaving that client active", async () => {
      const { service, repository, audit } = setUpMixed();

      const response = await service.bulkUpdateClients(alice, {
        action: 'deactivate',
        ids: [CLIENT_ID, OWN, AS_ADMIN, INVISIBLE],
        dryRun: false,
      });

      expect(response.results).toEqual([
        { id: CLIENT_ID, result: 'forbidden' },
        { id: OWN, result: 'ok' },
        { id: AS_ADMIN, result: 'ok' },
        { id: INVISIBLE, result: 'not_found' },
      ]);
      expect(repository.rows.get(CLIENT_ID)?.status).toBe('active');
      expect(repository.rows.get(OWN)?.status).toBe('inactive');
      expect(repository.rows.get(AS_ADMIN)?.status).toBe('inactive');
      expect(repository.rows.get(INVISIBLE)?.status).toBe('active');
      expect(audit.record.mock.calls.map(([entry]) => entry.targetId)).toEqual([OWN, AS_ADMIN]);
      expect(repository.findManyWithMembership).toHaveBeenCalledWith(
        { kind: 'user', userId: ALICE },
        ALICE,
        [CLIENT_ID, OWN, AS_ADMIN, INVISIBLE],
        { withSecrets: false },
      );
    });

    it.each(['activate', 'delete'] as const)('reports forbidden for a client user on %s', async (action) => {
      const { service, repository } = setUpMembership('user');

      const response = await service.bulkUpdateClients(alice, { action, ids: [CLIENT_ID], dryRun: false });

      expect(response.results).toEqual([{ id: CLIENT_ID, result: 'forbidden' }]);
      expect(repository.transaction).not.toHaveBeenCalled();
      expect(repository.rows.has(CLIENT_ID)).toBe(true);
    });

    it('reports forbidden for a client user on a dry run too', async () => {
      const { service } = setUpMembership('user');

      const response = await service.bulkUpdateClients(alice, { action: 'delete', ids: [CLIENT_ID], dryRun: true });

      expect(response.results).toEqual([{ id: CLIENT_ID, result: 'forbidden' }]);
    });

    it("reports ok for a client user's verify, checking the client with its secrets", async () => {
      const { service, health } = setUpMembership('user');

      const response = await service.bulkUpdateClients(alice, { action: 'verify', ids: [CLIENT_ID], dryRun: false });

      expect(response.results).toEqual([expect.objectContaining({ id: CLIENT_ID, result: 'ok' })]);
      expect(response.results[0].health).toBeDefined();
      expect(health.checkAndRecordMany).toHaveBeenCalledWith([
        expect.objectContaining({ id: CLIENT_ID, apiKey: OLD_KEY }),
      ]);
    });
  });
});

describe('ClientsService.summarizeClients', () => {
  const NOW = new Date('2026-01-01T12:00:00.000Z');

  it('summarizes everything for a global admin, over the last hour, with the total of both statuses', async () => {
    const { service, repository } = setUp();
    const summary = await service.summarizeClients(userPrincipal(ALICE, true), NOW);
    expect(repository.summarize).toHaveBeenCalledWith(
      { kind: 'all' },
      { kind: 'all' },
      new Date('2026-01-01T11:00:00.000Z'),
      10,
    );
    expect(summary).toMatchObject({
      total: 4,
      byStatus: { active: 3, inactive: 1 },
      healthChanged: {
        since: '2026-01-01T11:00:00.000Z',
        count: 1,
        clients: [{ id: CLIENT_ID, name: 'alpha', health: 'unreachable', changedAt: KEY_CREATED.toISOString() }],
      },
      provisioningJobsInFlight: { count: 0, jobs: [] },
    });
  });

  it('limits a user to their clients and the provisioning jobs they started', async () => {
    const { service, repository } = setUp();
    await service.summarizeClients(userPrincipal(BOB), NOW);
    expect(repository.summarize.mock.calls[0].slice(0, 2)).toEqual([
      { kind: 'user', userId: BOB },
      { kind: 'owner', userId: BOB },
    ]);
  });
});
