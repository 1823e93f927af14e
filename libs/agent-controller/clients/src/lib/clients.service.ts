import { Injectable } from '@nestjs/common';
import { EndpointPolicy, KeycloakTokenProvider } from '@agent-controller/agent-manager-client';
import { AuditService, diffFields } from '@agent-controller/audit';
import { DomainError, FleetEvents, RequestPrincipal } from '@agent-controller/core';
import { isDatabaseUnavailable, isUniqueViolation } from '@agent-controller/database';
import {
  BulkClientRequest,
  BulkClientResponse,
  ClientStatus,
  CLIENTS_SUMMARY_LIST_LIMIT,
  ClientsSummary,
  CreateClientRequest,
  isWeakApiKey,
  ListClientsQuery,
  PagingQuery,
  RotateClientKeyRequest,
  ServerOnDelete,
  UpdateClientRequest,
} from '@agent-controller/shared-contracts';
import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ClientAccess } from './client-access';
import { ClientAccessPolicy, ClientAction, clientInactive, clientNotFound } from './client-access.policy';
import { ClientHealthEventEntity } from './client-health-event.entity';
import { ClientEntity } from './client.entity';
import { toClientResponse } from './client.mapper';
import { ClientsRepository } from './clients.repository';
import { ClientHealthRecorder } from './client-health.recorder';
import { ClientServer, ClientServers } from './client-servers';
import { CheckResult } from './connection-checker';

const AUDITED_FIELDS = [
  'name',
  'description',
  'endpoint',
  'authenticationType',
  'apiKey',
  'keycloakClientId',
  'keycloakClientSecret',
  'keycloakRealm',
  'keycloakAuthServerUrl',
  'agentWsPort',
  'status',
] as const;
const SECRET_FIELDS = ['apiKey', 'keycloakClientSecret'] as const;

/** 32 random bytes, base64url: no modulo bias, 256 bits. */
export function generateApiKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Stores a key with its weakness flag, so the flag never disagrees with the key. */
function setApiKey(client: ClientEntity, apiKey: string | null): void {
  client.apiKey = apiKey;
  client.weakApiKey = isWeakApiKey(apiKey);
}

const nameTaken = () =>
  new DomainError('NAME_TAKEN', 'A client with this name already exists', {
    fields: [{ field: 'name', location: 'body', message: 'already in use (names are case-insensitive)' }],
  });

function missingCredential(field: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `${field} is required when switching to this authentication type`, {
    fields: [{ field, location: 'body', message: 'required when switching authenticationType' }],
  });
}

function assertRotatable(client: ClientEntity): void {
  if (client.authenticationType !== 'api_key') {
    throw new DomainError('CONFLICT', 'Only api_key clients have a key to rotate; update keycloakClientSecret instead');
  }
}

function inactiveRotation(client: ClientEntity): DomainError {
  return new DomainError(
    'CLIENT_INACTIVE',
    `Client ${client.name} is inactive, so its remote cannot be asked whether it accepts the new key; activate it first, or send force: true to store the key unchecked`,
    { clientId: client.id },
  );
}

/** The remote did not accept the new key: the answer names what it said, and the way to store the key anyway. */
function keyNotAccepted(client: ClientEntity, check: CheckResult): DomainError {
  const refused = check.healthState === 'auth_failed';
  return new DomainError(
    'KEY_NOT_ACCEPTED',
    `${refused ? 'The remote refused the new key' : 'The new key could not be confirmed with the remote'} (${check.healthState}: ${check.healthReason}); the old key is kept. Send force: true to store it anyway.`,
    {
      clientId: client.id,
      remote: {
        state: check.healthState,
        reason: check.healthReason,
        ...(check.remoteStatus === undefined ? {} : { status: check.remoteStatus }),
      },
      fields: [{ field: 'apiKey', location: 'body', message: `not accepted by the remote (${check.healthState})` }],
    },
  );
}

function clientHasServer(client: ClientEntity, server: ClientServer): DomainError {
  return new DomainError(
    'CLIENT_HAS_SERVER',
    `Client ${client.name} runs on cloud server ${server.serverName} (${server.providerType} ${server.serverId}), which is billed while it runs. Say what happens to it: ?server=delete deletes the server with the client, ?server=keep keeps it running and lists it as an orphan.`,
    {
      clientId: client.id,
      server: { providerType: server.providerType, serverId: server.serverId, serverName: server.serverName },
      choices: ['delete', 'keep'],
      fields: [
        { field: 'server', location: 'query', message: 'required for a client on a cloud server: delete or keep' },
      ],
    },
  );
}

export interface ClientWithKey {
  client: ClientEntity;
  apiKey?: string;
}

/**
 * The client registry's use cases. Remote calls happen outside transactions; changes are audited inside. A
 * client deactivated or deleted is told on the event bus once committed: live links to it are closed at once.
 */
@Injectable()
export class ClientsService {
  constructor(
    private readonly clients: ClientsRepository,
    private readonly policy: ClientAccessPolicy,
    private readonly access: ClientAccess,
    private readonly endpoints: EndpointPolicy,
    private readonly tokens: KeycloakTokenProvider,
    private readonly health: ClientHealthRecorder,
    private readonly audit: AuditService,
    private readonly servers: ClientServers,
    private readonly events: FleetEvents,
  ) {}

  listClients(principal: RequestPrincipal, query: ListClientsQuery): Promise<[ClientEntity[], number]> {
    return this.clients.findPage(this.policy.visibility(principal), query);
  }

  /** The fleet overview: what the caller may see, counted in one query; "recently" is the last hour. */
  async summarizeClients(principal: RequestPrincipal, now = new Date()): Promise<ClientsSummary> {
    const since = new Date(now.getTime() - 60 * 60 * 1000);
    const jobOwner = principal.isGlobalAdmin
      ? { kind: 'all' as const }
      : { kind: 'owner' as const, userId: principal.userId };
    const summary = await this.clients.summarize(
      this.policy.visibility(principal),
      jobOwner,
      since,
      CLIENTS_SUMMARY_LIST_LIMIT,
    );
    return {
      total: summary.byStatus.active + summary.byStatus.inactive,
      byHealth: summary.byHealth,
      byStatus: summary.byStatus,
      healthChanged: {
        since: since.toISOString(),
        count: summary.changedCount,
        clients: summary.changed.map((client) => ({ ...client, changedAt: client.changedAt.toISOString() })),
      },
      provisioningJobsInFlight: {
        count: summary.jobsCount,
        jobs: summary.jobs.map((job) => ({ ...job, createdAt: job.createdAt.toISOString() })),
      },
    };
  }

  getClient(principal: RequestPrincipal, id: string): Promise<ClientEntity> {
    return this.access.authorizeClient(principal, id, 'read');
  }

  async createClient(principal: RequestPrincipal, request: CreateClientRequest): Promise<ClientWithKey> {
    const endpoint = await this.endpoints.checkEndpoint(request.endpoint);
    const isApiKey = request.authenticationType === 'api_key';
    const apiKey = isApiKey ? (request.apiKey ?? generateApiKey()) : null;
    const keycloakAuthServerUrl = isApiKey ? null : await this.checkKeycloakServer(request.keycloakAuthServerUrl);
    const created = await this.inTransaction(async (manager) => {
      const client = await this.clients.insert(
        {
          name: request.name,
          description: request.description ?? null,
          endpoint,
          authenticationType: request.authenticationType,
          apiKey,
          weakApiKey: isWeakApiKey(apiKey),
          keycloakClientId: isApiKey ? null : (request.keycloakClientId ?? null),
          keycloakClientSecret: isApiKey ? null : (request.keycloakClientSecret ?? null),
          keycloakRealm: isApiKey ? null : (request.keycloakRealm ?? null),
          keycloakAuthServerUrl: keycloakAuthServerUrl ?? null,
          agentWsPort: request.agentWsPort,
          userId: principal.userId,
          keyCreatedAt: new Date(),
        },
        manager,
      );
      await this.audit.record(
        {
          action: 'client.create',
          targetType: 'client',
          targetId: client.id,
          changes: diffFields(null, client, AUDITED_FIELDS, SECRET_FIELDS),
        },
        manager,
      );
      return client;
    });
    // Verified after the commit: a slow or dead remote never holds a transaction open. The client is stored by
    // now, so losing the database while recording its health must not answer "not created": the prober records
    // it later.
    const verified = await this.health.checkAndRecord(created).catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) return created;
      throw error;
    });
    return { client: verified, apiKey: apiKey ?? undefined };
  }

  async updateClient(principal: RequestPrincipal, id: string, request: UpdateClientRequest): Promise<ClientEntity> {
    const endpoint = request.endpoint === undefined ? undefined : await this.endpoints.checkEndpoint(request.endpoint);
    const keycloakAuthServerUrl = await this.checkKeycloakServer(request.keycloakAuthServerUrl);
    const { client, reverify, changed } = await this.inTransaction(async (manager) => {
      const client = await this.lockManageable(principal, id, manager);
      const before = { ...client };
      applyUpdate(client, { ...request, endpoint, keycloakAuthServerUrl });
      const saved = await this.clients.save(client, manager);
      const changes = diffFields(before, saved, AUDITED_FIELDS, SECRET_FIELDS);
      await this.audit.record({ action: 'client.update', targetType: 'client', targetId: id, changes }, manager);
      const connectionChanged = Object.keys(changes).some(
        (field) => field !== 'name' && field !== 'description' && field !== 'status',
      );
      return { client: saved, reverify: connectionChanged, changed: Object.keys(changes).length > 0 };
    });
    this.tokens.forget(client.id);
    if (changed) this.clientChanged(id);
    return reverify && client.status === 'active' ? this.health.checkAndRecord(client) : client;
  }

  /**
   * Deletes a client. A client whose remote runs on a cloud server made by provisioning needs the caller to say
   * what happens to the server (else 409 CLIENT_HAS_SERVER): `delete` deletes it at its cloud first (a cloud
   * failure keeps the client), `keep` leaves it running and lists it as an orphan.
   */
  async deleteClient(principal: RequestPrincipal, id: string, serverChoice?: ServerOnDelete): Promise<void> {
    const found = await this.access.authorizeClient(principal, id, 'manage');
    const server = (await this.servers.findServers([id])).get(id);
    if (server && !serverChoice) throw clientHasServer(found, server);
    // Outside the transaction: a slow cloud never holds a lock, and a failure leaves the client as it was.
    if (server && serverChoice === 'delete') await this.servers.deleteServer(server);
    await this.inTransaction(async (manager) => {
      const client = await this.lockManageable(principal, id, manager);
      await this.clients.delete(id, manager);
      if (server && serverChoice === 'keep') await this.servers.keepServer(server, manager);
      await this.audit.record(
        {
          action: 'client.delete',
          targetType: 'client',
          targetId: id,
          changes: diffFields(client, null, AUDITED_FIELDS, SECRET_FIELDS),
          ...(server
            ? {
                details: {
                  server: serverChoice === 'delete' ? 'deleted' : 'kept',
                  providerType: server.providerType,
                  serverId: server.serverId,
                  serverName: server.serverName,
                  jobId: server.jobId,
                },
              }
            : {}),
        },
        manager,
      );
    });
    this.tokens.forget(id);
    this.accessChanged(id);
  }

  async verifyClient(principal: RequestPrincipal, id: string): Promise<ClientEntity> {
    const client = await this.access.authorizeClient(principal, id, 'operate', { withSecrets: true });
    if (client.status === 'inactive') throw clientInactive(client);
    const verified = await this.health.checkAndRecord(client);
    await this.clients.touchLastUsed([id], new Date());
    return verified;
  }

  /**
   * Stores the key the remote agent-manager now has (the key is the remote's: the controller cannot change it
   * there). The key is checked with the remote first; when the remote does not accept it the old key stays
   * (409 KEY_NOT_ACCEPTED naming the remote's answer) unless `force` stores it anyway. Keycloak clients are
   * refused (409 CONFLICT): their secret is changed with an update.
   */
  async rotateClientKey(
    principal: RequestPrincipal,
    id: string,
    request: RotateClientKeyRequest,
  ): Promise<ClientWithKey> {
    const current = await this.access.authorizeClient(principal, id, 'manage', { withSecrets: true });
    assertRotatable(current);
    if (current.status === 'inactive' && !request.force) throw inactiveRotation(current);
    // Checked outside the transaction: a slow or dead remote never holds a lock.
    const check =
      current.status === 'active'
        ? await this.health.check(Object.assign(new ClientEntity(), current, { apiKey: request.apiKey }))
        : null;
    const accepted = check?.config !== undefined;
    if (check && !accepted && !request.force) throw keyNotAccepted(current, check);
    const saved = await this.inTransaction(async (manager) => {
      const client = await this.lockManageable(principal, id, manager);
      assertRotatable(client);
      setApiKey(client, request.apiKey);
      client.keyRotatedAt = new Date();
      const saved = await this.clients.save(client, manager);
      await this.audit.record(
        {
          action: 'client.rotate_key',
          targetType: 'client',
          targetId: id,
          changes: { apiKey: { from: '[redacted]', to: '[redacted]' } },
          details: {
            acceptedByRemote: accepted,
            forced: request.force && !accepted,
            ...(check && !accepted ? { remoteState: check.healthState } : {}),
          },
        },
        manager,
      );
      return saved;
    });
    this.clientChanged(id);
    const client = check ? await this.health.recordResult(saved, check) : saved;
    return { client, apiKey: request.apiKey };
  }

  async setClientStatus(principal: RequestPrincipal, id: string, status: ClientStatus): Promise<ClientEntity> {
    const client = await this.inTransaction(async (manager) => {
      const client = await this.lockManageable(principal, id, manager);
      return this.applyStatus(client, status, manager);
    });
    if (status === 'inactive') this.accessChanged(id);
    else this.clientChanged(id);
    return client;
  }

  async listHealthHistory(
    principal: RequestPrincipal,
    id: string,
    paging: PagingQuery,
  ): Promise<[ClientHealthEventEntity[], number]> {
    await this.access.authorizeClient(principal, id, 'read');
    return this.clients.findHealthHistory(id, paging.limit, paging.offset);
  }

  /** Applies one action to many clients; each id gets its own result, and `dryRun` changes nothing. */
  async bulkUpdateClients(principal: RequestPrincipal, request: BulkClientRequest): Promise<BulkClientResponse> {
    const visible = await this.clients.findManyWithMembership(
      this.policy.visibility(principal),
      principal.userId,
      request.ids,
      {
        withSecrets: request.action === 'verify',
      },
    );
    const byId = new Map(visible.map((found) => [found.client.id, found]));
    const needed: ClientAction = request.action === 'verify' ? 'operate' : 'manage';
    const results: BulkClientResponse['results'] = [];
    const actionable: ClientEntity[] = [];
    for (const id of request.ids) {
      const found = byId.get(id);
      const relation = found ? this.policy.relation(principal, found) : 'none';
      const client = found?.client;
      if (!client || relation === 'none') results.push({ id, result: 'not_found' });
      else if (!this.policy.allows(relation, needed)) results.push({ id, result: 'forbidden' });
      else if (request.action === 'verify' && client.status === 'inactive') {
        results.push({ id, result: 'CLIENT_INACTIVE', message: 'inactive clients are not called' });
      } else {
        actionable.push(client);
        results.push({ id, result: 'ok', ...(request.dryRun ? { message: `would ${request.action}` } : {}) });
      }
    }
    if (request.action === 'delete') await this.holdBackClientsOnServers(actionable, results);
    if (request.dryRun || actionable.length === 0) return { action: request.action, dryRun: request.dryRun, results };

    if (request.action === 'verify') {
      const checked = await this.health.checkAndRecordMany(actionable);
      for (const result of results) {
        const client = checked.get(result.id);
        if (client) result.health = toClientResponse(client).health;
      }
      return { action: request.action, dryRun: false, results };
    }
    await this.inTransaction(async (manager) => {
      for (const client of actionable) {
        const locked = await this.clients.lockById(client.id, manager);
        if (!locked) continue;
        if (request.action === 'delete') {
          await this.clients.delete(client.id, manager);
          await this.audit.record(
            {
              action: 'client.delete',
              targetType: 'client',
              targetId: client.id,
              changes: diffFields(locked, null, AUDITED_FIELDS, SECRET_FIELDS),
              details: { bulk: true },
            },
            manager,
          );
        } else {
          await this.applyStatus(locked, request.action === 'activate' ? 'active' : 'inactive', manager, {
            bulk: true,
          });
        }
      }
    });
    if (request.action === 'delete') for (const client of actionable) this.tokens.forget(client.id);
    for (const client of actionable) {
      if (request.action === 'activate') this.clientChanged(client.id);
      else this.accessChanged(client.id);
    }
    return { action: request.action, dryRun: false, results };
  }

  /**
   * Bulk delete never decides about a cloud server: a client on one is taken out of `actionable` and reported,
   * to be deleted on its own with `?server=delete|keep`.
   */
  private async holdBackClientsOnServers(
    actionable: ClientEntity[],
    results: BulkClientResponse['results'],
  ): Promise<void> {
    const servers = await this.servers.findServers(actionable.map((client) => client.id));
    if (servers.size === 0) return;
    for (const [index, result] of results.entries()) {
      const server = servers.get(result.id);
      if (!server) continue;
      results[index] = {
        id: result.id,
        result: 'CLIENT_HAS_SERVER',
        message: `runs on cloud server ${server.serverName} (${server.providerType} ${server.serverId}): delete this client on its own, saying whether the server is deleted too or kept (?server=delete|keep)`,
      };
    }
    actionable.splice(0, actionable.length, ...actionable.filter((client) => !servers.has(client.id)));
  }

  private async applyStatus(
    client: ClientEntity,
    status: ClientStatus,
    manager: EntityManager,
    details?: Record<string, unknown>,
  ): Promise<ClientEntity> {
    if (client.status === status) return client;
    const before = { ...client };
    client.status = status;
    const saved = await this.clients.save(client, manager);
    await this.audit.record(
      {
        action: 'client.status',
        targetType: 'client',
        targetId: client.id,
        changes: diffFields(before, saved, ['status']),
        details,
      },
      manager,
    );
    return saved;
  }

  /** Who may use the client narrowed (deactivated, deleted): open links are checked again, caches dropped. */
  private accessChanged(clientId: string): void {
    this.events.publish({ type: 'accessChanged', clientId });
  }

  /** The row changed (connection, credentials, name, activated): cached copies are dropped on every replica. */
  private clientChanged(clientId: string): void {
    this.events.publish({ type: 'clientChanged', clientId });
  }

  /** The Keycloak server is called like the remote itself, so it meets the same endpoint policy when saved. */
  private async checkKeycloakServer<T extends string | null | undefined>(url: T): Promise<T> {
    return typeof url === 'string' ? ((await this.endpoints.checkEndpoint(url, 'keycloakAuthServerUrl')) as T) : url;
  }

  /** Finds a client the caller can see (else 404), checks management rights (else 403), and locks it. */
  private async lockManageable(principal: RequestPrincipal, id: string, manager: EntityManager): Promise<ClientEntity> {
    await this.access.authorizeClient(principal, id, 'manage', { manager });
    const locked = await this.clients.lockById(id, manager);
    if (!locked) throw clientNotFound();
    return locked;
  }

  private async inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.clients.transaction(work);
    } catch (error) {
      if (isUniqueViolation(error, 'UQ_clients_name_lower')) throw nameTaken();
      throw error;
    }
  }
}

const KEYCLOAK_FIELDS = ['keycloakClientId', 'keycloakClientSecret', 'keycloakRealm', 'keycloakAuthServerUrl'] as const;

/** Copies an update onto the row; switching authentication type needs the new type's credentials. */
function applyUpdate(client: ClientEntity, request: UpdateClientRequest & { endpoint?: string }): void {
  const type = request.authenticationType ?? client.authenticationType;
  if (type !== client.authenticationType) {
    if (type === 'api_key' && !request.apiKey) throw missingCredential('apiKey');
    if (type === 'keycloak') {
      for (const field of ['keycloakClientId', 'keycloakClientSecret', 'keycloakRealm'] as const) {
        if (!request[field]) throw missingCredential(field);
      }
    }
  }
  if (type === 'api_key' && KEYCLOAK_FIELDS.some((field) => request[field] !== undefined && request[field] !== null)) {
    throw new DomainError('VALIDATION_FAILED', 'Keycloak fields apply only to keycloak clients', {
      fields: [{ field: 'authenticationType', location: 'body', message: 'is api_key' }],
    });
  }
  if (type === 'keycloak' && request.apiKey) {
    throw new DomainError('VALIDATION_FAILED', 'apiKey applies only to api_key clients', {
      fields: [{ field: 'apiKey', location: 'body', message: 'client uses keycloak' }],
    });
  }
  if (request.name !== undefined) client.name = request.name;
  if (request.description !== undefined) client.description = request.description;
  if (request.endpoint !== undefined) client.endpoint = request.endpoint;
  if (request.agentWsPort !== undefined) client.agentWsPort = request.agentWsPort;
  if (type !== client.authenticationType) {
    client.authenticationType = type;
    client.keyCreatedAt = new Date();
    client.keyRotatedAt = null;
    if (type === 'api_key') {
      client.keycloakClientId =
        client.keycloakClientSecret =
        client.keycloakRealm =
        client.keycloakAuthServerUrl =
          null;
    } else {
      setApiKey(client, null);
    }
  }
  if (request.apiKey !== undefined && request.apiKey !== client.apiKey) {
    if (client.apiKey !== null) client.keyRotatedAt = new Date();
    setApiKey(client, request.apiKey);
  }
  if (request.keycloakClientId !== undefined) client.keycloakClientId = request.keycloakClientId;
  if (request.keycloakClientSecret !== undefined) client.keycloakClientSecret = request.keycloakClientSecret;
  if (request.keycloakRealm !== undefined) client.keycloakRealm = request.keycloakRealm;
  if (request.keycloakAuthServerUrl !== undefined) client.keycloakAuthServerUrl = request.keycloakAuthServerUrl;
}
