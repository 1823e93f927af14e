import { Injectable } from '@nestjs/common';
import { EndpointPolicy, KeycloakTokenProvider } from '@agent-controller/agent-manager-client';
import { AuditEntry, AuditService, diffFields } from '@agent-controller/audit';
import { DomainError, FleetEvents, RequestPrincipal } from '@agent-controller/core';
import { isDatabaseUnavailable, isForeignKeyViolation, isUniqueViolation } from '@agent-controller/database';
import {
  BulkClientRequest,
  BulkClientResponse,
  ClientFilter,
  ClientHealthStrips,
  ClientRole,
  ClientStatus,
  CLIENTS_SUMMARY_LIST_LIMIT,
  HEALTH_STRIP_HOURS,
  ClientsSummary,
  CreateClientRequest,
  isWeakApiKey,
  ListClientsQuery,
  MAX_BULK_SELECTED,
  PagingQuery,
  RotateClientKeyRequest,
  ServerOnDelete,
  UpdateClientRequest,
} from '@agent-controller/shared-contracts';
import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ClientAccess } from './client-access';
import {
  ClientAccessPolicy,
  ClientAction,
  clientInactive,
  clientNotFound,
  ClientRelation,
} from './client-access.policy';
import { ClientHealthEventEntity } from './client-health-event.entity';
import { buildHealthStrip, healthStripStart } from './client-health-strip';
import { ClientEntity } from './client.entity';
import {
  BULK_FIELDS,
  BulkFieldAction,
  bulkFieldChange,
  BulkFields,
  bulkFieldsOf,
  isBulkFieldAction,
} from './client-bulk-changes';
import { ClientEnvironments } from './client-environments';
import { canonicalLabels, mergeLabels } from './client-labels';
import { ClientView, toClientHealth } from './client.mapper';
import { ClientsRepository } from './clients.repository';
import { ClientHealthRecorder } from './client-health.recorder';
import { ClientServer, ClientServers } from './client-servers';
import { CheckResult } from './connection-checker';
import { noSuchTeam, TeamField } from './teams/team-rights';
import { newClientInTokenScope } from './token-scope';
import { TeamEntity } from './teams/team.entity';
import { TeamsService } from './teams/teams.service';

/** A client's port when neither its request nor its team names one. */
const DEFAULT_AGENT_WS_PORT = 8080;
const TEAM_ID: TeamField = { field: 'teamId', location: 'body' };
const TARGET_TEAM_ID: TeamField = { field: 'targetTeamId', location: 'body' };

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
  'environment',
  'labels',
  'teamId',
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

function missingRealm(): DomainError {
  return new DomainError('VALIDATION_FAILED', 'keycloakRealm is required: the team sets no default realm', {
    fields: [{ field: 'keycloakRealm', location: 'body', message: 'required for keycloak authentication' }],
  });
}

function tooManyLabels(problem: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `With the team's default labels the client ${problem}`, {
    fields: [{ field: 'labels', location: 'body', message: problem }],
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

/** What the audit keeps of a deleted client's cloud server, and whether it went too. */
function serverDetails(server: ClientServer, choice: ServerOnDelete): Record<string, unknown> {
  return {
    server: choice === 'delete' ? 'deleted' : 'kept',
    providerType: server.providerType,
    serverId: server.serverId,
    serverName: server.serverName,
    jobId: server.jobId,
  };
}

/**
 * A bulk delete's clients on cloud servers: without a `server` choice they are held back (reported, not deleted);
 * with one, a dry run says what would happen to each server.
 */
function sortOutServers(
  actionable: ClientEntity[],
  results: BulkClientResponse['results'],
  servers: Map<string, ClientServer>,
  request: Pick<BulkClientRequest, 'server' | 'dryRun'>,
): void {
  if (servers.size === 0) return;
  for (const [id, server] of servers) {
    const name = `${server.serverName} (${server.providerType} ${server.serverId})`;
    if (!request.server) {
      setResult(results, id, {
        result: 'CLIENT_HAS_SERVER',
        message: `runs on cloud server ${name}: say whether the server is deleted too or kept (server: delete|keep)`,
      });
    } else if (request.dryRun) {
      setResult(results, id, {
        result: 'ok',
        message:
          request.server === 'delete'
            ? `would delete, and its cloud server ${name}`
            : `would delete, keeping its cloud server ${name} running (listed as an orphan)`,
      });
    }
  }
  if (!request.server) actionable.splice(0, actionable.length, ...actionable.filter(({ id }) => !servers.has(id)));
}

/** A cloud's refusal to delete a server, as a bulk result; anything else is not the cloud's and propagates. */
function cloudFailure(error: unknown): { code: string; message: string } {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  throw error;
}

function setResult(
  results: BulkClientResponse['results'],
  id: string,
  result: Omit<BulkClientResponse['results'][number], 'id'>,
): void {
  const index = results.findIndex((entry) => entry.id === id);
  if (index >= 0) results[index] = { id, ...result };
}

export interface ClientWithKey extends ClientView {
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
    private readonly environments: ClientEnvironments,
    private readonly teams: TeamsService,
  ) {}

  /** One page of the clients the caller may see, each with the caller's relation to it. */
  async listClients(principal: RequestPrincipal, query: ListClientsQuery): Promise<[ClientView[], number]> {
    if (query.environment !== undefined) this.environments.check(query.environment, 'environment', 'query');
    const [clients, total] = await this.clients.findPage(this.policy.visibility(principal), query);
    // Only a member's role needs reading: global admins and creators are known from the principal and the row.
    const memberOf = clients.filter((client) => !principal.isGlobalAdmin && client.userId !== principal.userId);
    const roles =
      principal.userId && memberOf.length > 0
        ? await this.clients.findMemberRoles(
            principal.userId,
            memberOf.map((client) => client.id),
          )
        : new Map<string, ClientRole>();
    const views = clients.map((client) => ({
      client,
      relation: this.policy.relation(principal, { client, memberRole: roles.get(client.id) ?? null }),
    }));
    return [views, total];
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

  /** The last 24 hours of health of the listed clients the caller may see, each hour at its worst; one query. */
  async healthStrips(principal: RequestPrincipal, ids: string[], now = new Date()): Promise<ClientHealthStrips> {
    const from = healthStripStart(now);
    const sources = await this.clients.findHealthStripSources(this.policy.visibility(principal), ids, from);
    const byId = new Map(sources.map((source) => [source.id, source]));
    return {
      from: from.toISOString(),
      hours: HEALTH_STRIP_HOURS,
      strips: ids.flatMap((id) => {
        const source = byId.get(id);
        return source ? [{ id, hours: buildHealthStrip(source, from) }] : [];
      }),
    };
  }

  getClient(principal: RequestPrincipal, id: string): Promise<ClientView> {
    return this.access.authorizeClientAccess(principal, id, 'read');
  }

  /** `autoProvisioned`: made by a provisioning job for the server it created (not a field callers may set). */
  async createClient(
    principal: RequestPrincipal,
    request: CreateClientRequest,
    { autoProvisioned = false }: { autoProvisioned?: boolean } = {},
  ): Promise<ClientWithKey> {
    const endpoint = await this.endpoints.checkEndpoint(request.endpoint);
    const environment =
      request.environment === undefined
        ? this.environments.defaultName
        : this.environments.check(request.environment, 'environment');
    const team = request.teamId ? await this.teamToJoin(principal, null, request.teamId) : null;
    const isApiKey = request.authenticationType === 'api_key';
    const apiKey = isApiKey ? (request.apiKey ?? generateApiKey()) : null;
    // The team's defaults fill what the request leaves out.
    const keycloakRealm = isApiKey ? null : (request.keycloakRealm ?? team?.defaultKeycloakRealm ?? null);
    if (!isApiKey && !keycloakRealm) throw missingRealm();
    const keycloakAuthServerUrl = isApiKey
      ? null
      : await this.checkKeycloakServer(
          request.keycloakAuthServerUrl ?? team?.defaultKeycloakAuthServerUrl ?? undefined,
        );
    const labels = mergeLabels(team?.defaultLabels ?? {}, request.labels ?? {});
    if ('problem' in labels) throw tooManyLabels(labels.problem);
    if (!newClientInTokenScope(principal.token, { teamId: team?.id ?? null, labels: labels.labels })) {
      throw new DomainError('FORBIDDEN', "The client would be outside this API token's clients", {
        reason: 'token_access',
      });
    }
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
          keycloakRealm,
          keycloakAuthServerUrl: keycloakAuthServerUrl ?? null,
          agentWsPort: request.agentWsPort ?? team?.defaultAgentWsPort ?? DEFAULT_AGENT_WS_PORT,
          userId: principal.userId,
          keyCreatedAt: new Date(),
          isAutoProvisioned: autoProvisioned,
          environment,
          labels: labels.labels,
          teamId: team?.id ?? null,
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
    this.events.publish({ type: 'clientCreated', clientId: created.id });
    // Verified after the commit: a slow or dead remote never holds a transaction open. The client is stored by
    // now, so losing the database while recording its health must not answer "not created": the prober records
    // it later.
    const verified = await this.health.checkAndRecord(created).catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) return created;
      throw error;
    });
    return { client: verified, relation: creatorRelation(principal), apiKey: apiKey ?? undefined };
  }

  async updateClient(principal: RequestPrincipal, id: string, request: UpdateClientRequest): Promise<ClientView> {
    const endpoint = request.endpoint === undefined ? undefined : await this.endpoints.checkEndpoint(request.endpoint);
    const keycloakAuthServerUrl = await this.checkKeycloakServer(request.keycloakAuthServerUrl);
    if (request.environment !== undefined) this.environments.check(request.environment, 'environment');
    const { client, relation, reverify, changed, moved } = await this.inTransaction(async (manager) => {
      const { client, relation } = await this.lockManageable(principal, id, manager);
      const before = { ...client, labels: canonicalLabels(client.labels) };
      const moved =
        request.teamId !== undefined && request.teamId !== client.teamId
          ? { from: client.teamId, to: request.teamId }
          : null;
      if (moved) {
        if (moved.to !== null) await this.teamToJoin(principal, moved.from, moved.to, manager);
        else (await this.teams.rightsOf(principal, manager)).assertMayMove(moved.from, null, TEAM_ID);
        client.teamId = moved.to;
      }
      applyUpdate(client, { ...request, endpoint, keycloakAuthServerUrl });
      const saved = await this.clients.save(client, manager);
      const changes = diffFields(
        before,
        { ...saved, labels: canonicalLabels(saved.labels) },
        AUDITED_FIELDS,
        SECRET_FIELDS,
      );
      await this.audit.record({ action: 'client.update', targetType: 'client', targetId: id, changes }, manager);
      const connectionChanged = Object.keys(changes).some((field) => !NOT_CONNECTION_FIELDS.has(field));
      return {
        client: saved,
        relation,
        reverify: connectionChanged,
        changed: Object.keys(changes).length > 0,
        moved,
      };
    });
    this.tokens.forget(client.id);
    // A move changes who reaches the client: their caches and open links are checked again, and the members of
    // both teams hear of it on their watching consoles.
    if (moved) {
      this.accessChanged(id);
      await this.teams.clientMoved(id, [moved.from, moved.to]);
    } else if (changed) this.clientChanged(id);
    return {
      client: reverify && client.status === 'active' ? await this.health.checkAndRecord(client) : client,
      relation,
    };
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
      const { client } = await this.lockManageable(principal, id, manager);
      await this.clients.delete(id, manager);
      if (server && serverChoice === 'keep') await this.servers.keepServer(server, manager);
      await this.audit.record(
        {
          action: 'client.delete',
          targetType: 'client',
          targetId: id,
          changes: diffFields(client, null, AUDITED_FIELDS, SECRET_FIELDS),
          ...(server && serverChoice ? { details: serverDetails(server, serverChoice) } : {}),
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
    const { saved, relation } = await this.inTransaction(async (manager) => {
      const { client, relation } = await this.lockManageable(principal, id, manager);
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
      return { saved, relation };
    });
    this.clientChanged(id);
    const client = check ? await this.health.recordResult(saved, check) : saved;
    return { client, relation, apiKey: request.apiKey };
  }

  async setClientStatus(principal: RequestPrincipal, id: string, status: ClientStatus): Promise<ClientView> {
    const view = await this.inTransaction(async (manager) => {
      const { client, relation } = await this.lockManageable(principal, id, manager);
      return { client: await this.applyStatus(client, status, manager), relation };
    });
    if (status === 'inactive') this.accessChanged(id);
    else this.clientChanged(id);
    return view;
  }

  async listHealthHistory(
    principal: RequestPrincipal,
    id: string,
    paging: PagingQuery,
  ): Promise<[ClientHealthEventEntity[], number]> {
    await this.access.authorizeClient(principal, id, 'read');
    return this.clients.findHealthHistory(id, paging.limit, paging.offset);
  }

  /**
   * Applies one action to many clients, given by ids or selected by filters (at most MAX_BULK_SELECTED, else 422
   * BULK_TOO_MANY_CLIENTS: nothing is done). Each client gets its own result; `dryRun` changes nothing.
   */
  async bulkUpdateClients(principal: RequestPrincipal, request: BulkClientRequest): Promise<BulkClientResponse> {
    if (request.environment !== undefined) this.environments.check(request.environment, 'environment');
    if (request.targetEnvironment !== undefined)
      this.environments.check(request.targetEnvironment, 'targetEnvironment');
    const visibility = this.policy.visibility(principal);
    // Only a move reads the caller's team roles.
    const teamRights = request.action === 'move_to_team' ? await this.teams.rightsOf(principal) : undefined;
    if (request.targetTeamId && teamRights) {
      await this.teams.findVisible(teamRights, request.targetTeamId, TARGET_TEAM_ID);
    }
    const ids = request.ids ?? (await this.selectForBulk(principal, request));
    const visible =
      ids.length === 0
        ? []
        : await this.clients.findManyWithMembership(visibility, principal.userId, ids, {
            withSecrets: request.action === 'verify',
          });
    const byId = new Map(visible.map((found) => [found.client.id, found]));
    const teams = await this.teamsOf(
      request.action,
      visible.map(({ client }) => client),
    );
    const needed: ClientAction = request.action === 'verify' ? 'operate' : 'manage';
    const results: BulkClientResponse['results'] = [];
    const actionable: ClientEntity[] = [];
    for (const id of ids) {
      const found = byId.get(id);
      const relation = found ? this.policy.relation(principal, found) : 'none';
      const client = found?.client;
      const change =
        client && isBulkFieldAction(request.action)
          ? bulkFieldChange(client, { ...request, action: request.action }, teams)
          : undefined;
      if (!client || relation === 'none') results.push({ id, result: 'not_found' });
      else if (!this.policy.permits(principal, relation, needed)) results.push({ id, result: 'forbidden' });
      else if (request.action === 'move_to_team' && !teamRights?.mayMove(client.teamId, request.targetTeamId ?? null)) {
        results.push({ id, result: 'forbidden', message: 'needs admin rights on its team and the target team' });
      } else if (request.action === 'verify' && client.status === 'inactive') {
        results.push({ id, result: 'CLIENT_INACTIVE', message: 'inactive clients are not called' });
      } else if (change && 'problem' in change) {
        results.push({ id, result: 'VALIDATION_FAILED', message: change.problem });
      } else {
        actionable.push(client);
        results.push({ id, result: 'ok', ...(request.dryRun ? { message: `would ${request.action}` } : {}) });
      }
    }
    const servers = request.action === 'delete' ? await this.servers.findServers(actionable.map(({ id }) => id)) : null;
    if (servers) sortOutServers(actionable, results, servers, request);
    if (request.dryRun || actionable.length === 0) return { action: request.action, dryRun: request.dryRun, results };
    if (servers) return this.deleteMany(actionable, servers, request.server, results);

    if (request.action === 'verify') {
      const checked = await this.health.checkAndRecordMany(actionable);
      for (const result of results) {
        const client = checked.get(result.id);
        if (!client) continue;
        result.health = toClientHealth(client);
        // A bulk check calls many remotes at once: the trail says who did, and what each answered.
        await this.audit.record({
          action: 'client.verify',
          targetType: 'client',
          targetId: client.id,
          outcome: client.healthState === 'healthy' ? 'success' : 'failure',
          details: { bulk: true, health: client.healthState, reason: client.healthReason },
        });
      }
      await this.clients.touchLastUsed([...checked.keys()], new Date());
      return { action: request.action, dryRun: false, results };
    }
    if (isBulkFieldAction(request.action)) {
      const fieldRequest = { ...request, action: request.action };
      const changed = await this.inTransaction((manager) =>
        this.applyFieldChanges(actionable, fieldRequest, teams, results, manager),
      );
      for (const id of changed) {
        if (request.action === 'move_to_team') this.accessChanged(id);
        else this.clientChanged(id);
      }
      return { action: request.action, dryRun: false, results };
    }
    await this.inTransaction(async (manager) => {
      for (const client of actionable) {
        const locked = await this.clients.lockById(client.id, manager);
        if (!locked) continue;
        await this.applyStatus(locked, request.action === 'activate' ? 'active' : 'inactive', manager, { bulk: true });
      }
    });
    for (const client of actionable) {
      if (request.action === 'activate') this.clientChanged(client.id);
      else this.accessChanged(client.id);
    }
    return { action: request.action, dryRun: false, results };
  }

  /** The ids a filter run acts on: what the caller can see and the filters match, newest first, within the cap. */
  private async selectForBulk(principal: RequestPrincipal, filter: ClientFilter): Promise<string[]> {
    const { ids, total } = await this.clients.findMatchingIds(
      this.policy.visibility(principal),
      filter,
      MAX_BULK_SELECTED,
    );
    if (total > MAX_BULK_SELECTED) {
      throw new DomainError(
        'BULK_TOO_MANY_CLIENTS',
        `${total} clients match; a bulk run takes at most ${MAX_BULK_SELECTED}. Nothing was done: narrow the selection (selector, environment, status, health, search) or run it in parts`,
        { matched: total, limit: MAX_BULK_SELECTED },
      );
    }
    return ids;
  }

  /** The teams of these clients, for an action that reads them (`apply_team_defaults`). */
  private async teamsOf(
    action: BulkClientRequest['action'],
    clients: ClientEntity[],
  ): Promise<Map<string, TeamEntity>> {
    if (action !== 'apply_team_defaults') return new Map();
    const ids = [...new Set(clients.flatMap((client) => (client.teamId ? [client.teamId] : [])))];
    return new Map((await this.teams.findTeams(ids)).map((team) => [team.id, team]));
  }

  /**
   * A bulk change of fields (environment, labels, team, team defaults), set-based so thousands of clients take a few
   * statements: the rows are locked together, the change worked out again on each locked row (it may have changed
   * since it was read), then written and audited (`client.update`, per client) in one go. Returns the ids that
   * changed.
   */
  private async applyFieldChanges(
    clients: ClientEntity[],
    request: BulkClientRequest & { action: BulkFieldAction },
    teams: ReadonlyMap<string, TeamEntity>,
    results: BulkClientResponse['results'],
    manager: EntityManager,
  ): Promise<string[]> {
    const resultOf = new Map(results.map((result) => [result.id, result]));
    const locked = await this.clients.lockManyById(
      clients.map((client) => client.id),
      manager,
    );
    const updates: (BulkFields & { id: string })[] = [];
    const entries: AuditEntry[] = [];
    for (const client of locked) {
      const change = bulkFieldChange(client, request, teams);
      if ('problem' in change) {
        Object.assign(resultOf.get(client.id) ?? {}, { result: 'VALIDATION_FAILED', message: change.problem });
        continue;
      }
      const after = { ...change, labels: canonicalLabels(change.labels) };
      const changes = diffFields(
        { ...bulkFieldsOf(client), labels: canonicalLabels(client.labels) },
        after,
        BULK_FIELDS,
      );
      if (Object.keys(changes).length === 0) continue;
      updates.push({ id: client.id, ...after });
      entries.push({
        action: 'client.update',
        targetType: 'client',
        targetId: client.id,
        changes,
        details: { bulk: true },
      });
    }
    await this.clients.updateBulkFields(updates, manager);
    await this.audit.recordMany(entries, manager);
    return updates.map((update) => update.id);
  }

  /**
   * Deletes the clients a bulk run may delete. With `server=delete` their cloud servers go first, one at a time and
   * outside the transaction (a slow cloud holds no lock, and its rate limit is respected): a server the cloud does
   * not delete keeps its client, reported with the cloud's error. With `server=keep` the servers are listed as
   * orphans in the transaction that deletes their clients.
   */
  private async deleteMany(
    actionable: ClientEntity[],
    servers: Map<string, ClientServer>,
    choice: ServerOnDelete | undefined,
    results: BulkClientResponse['results'],
  ): Promise<BulkClientResponse> {
    let deletable = actionable;
    if (choice === 'delete') {
      deletable = [];
      for (const client of actionable) {
        const server = servers.get(client.id);
        const failure = server && (await this.servers.deleteServer(server).then(() => null, cloudFailure));
        if (server && failure) {
          setResult(results, client.id, { result: failure.code, message: `${server.serverName}: ${failure.message}` });
        } else {
          deletable.push(client);
        }
      }
    }
    await this.inTransaction(async (manager) => {
      for (const client of deletable) {
        const locked = await this.clients.lockById(client.id, manager);
        if (!locked) continue;
        await this.clients.delete(client.id, manager);
        const server = servers.get(client.id);
        if (server && choice === 'keep') await this.servers.keepServer(server, manager);
        await this.audit.record(
          {
            action: 'client.delete',
            targetType: 'client',
            targetId: client.id,
            changes: diffFields(locked, null, AUDITED_FIELDS, SECRET_FIELDS),
            details: { bulk: true, ...(server && choice ? serverDetails(server, choice) : {}) },
          },
          manager,
        );
      }
    });
    for (const client of deletable) {
      this.tokens.forget(client.id);
      this.accessChanged(client.id);
    }
    return { action: 'delete', dryRun: false, results };
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

  /**
   * The team a client joins (from team `from`, or from none), when the caller sees it (else 404 naming `teamId`)
   * and administers both teams (else 403).
   */
  private async teamToJoin(
    principal: RequestPrincipal,
    from: string | null,
    to: string,
    manager?: EntityManager,
  ): Promise<TeamEntity> {
    const rights = await this.teams.rightsOf(principal, manager);
    const team = await this.teams.findVisible(rights, to, TEAM_ID, manager);
    rights.assertMayMove(from, to, TEAM_ID);
    return team;
  }

  /** Finds a client the caller can see (else 404), checks management rights (else 403), and locks it. */
  private async lockManageable(principal: RequestPrincipal, id: string, manager: EntityManager): Promise<ClientView> {
    const { relation } = await this.access.authorizeClientAccess(principal, id, 'manage', { manager });
    const locked = await this.clients.lockById(id, manager);
    if (!locked) throw clientNotFound();
    return { client: locked, relation };
  }

  private async inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.clients.transaction(work);
    } catch (error) {
      if (isUniqueViolation(error, 'UQ_clients_name_lower')) throw nameTaken();
      // The team was deleted while the client was put in it.
      if (isForeignKeyViolation(error, 'FK_clients_team_id')) throw noSuchTeam(TEAM_ID);
      throw error;
    }
  }
}

/** Whoever creates a client is its creator, unless they are a global admin (who relates to every client so). */
function creatorRelation(principal: RequestPrincipal): ClientRelation {
  return principal.isGlobalAdmin ? 'global_admin' : 'creator';
}

/** Changes that leave the remote's address and credentials alone, so the client is not checked again. */
const NOT_CONNECTION_FIELDS = new Set(['name', 'description', 'status', 'environment', 'labels', 'teamId']);

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
  if (request.environment !== undefined) client.environment = request.environment;
  if (request.labels !== undefined) client.labels = canonicalLabels(request.labels);
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
