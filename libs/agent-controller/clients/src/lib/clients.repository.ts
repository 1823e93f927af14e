import { Injectable, Optional } from '@nestjs/common';
import { ChangeListeners } from '@agent-controller/audit';
import { TokenGrant } from '@agent-controller/core';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ClientFilter,
  ClientRole,
  ClientSortField,
  CLIENT_STATUSES,
  HEALTH_SORT_ORDER,
  HealthState,
  HEALTH_STATES,
  ListClientsQuery,
} from '@agent-controller/shared-contracts';
import { Brackets, DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import type { BulkFields } from './client-bulk-changes';
import { ClientHealthEventEntity } from './client-health-event.entity';
import type { HealthStripSource } from './client-health-strip';
import { ClientEntity } from './client.entity';
import { selectorCondition, SqlCondition } from './label-selector.sql';
import { tokenScopeCondition } from './token-scope';

/**
 * Which clients a caller may see: every one, or those the user created, is a member of, or reaches through their
 * team. Applied in SQL, never in memory.
 */
export type ClientVisibility = ({ kind: 'all' } | { kind: 'user'; userId: string }) & {
  /** A scoped API token narrows either further to its clients. */
  token?: TokenGrant;
};

/** A client row together with the caller's membership role on it (if any), as read in one query. */
export interface ClientWithMembership {
  client: ClientEntity;
  memberRole: ClientRole | null;
}

export type HealthUpdate = Pick<
  ClientEntity,
  'healthState' | 'healthReason' | 'healthCheckedAt' | 'healthLastSeenAt' | 'healthLatencyMs'
> & { config?: ClientEntity['config'] };

const SECRET_COLUMNS = ['client.apiKey', 'client.keycloakClientSecret'];

/** Created by the user, the user is a member, or a member of its team: decided in SQL so paging and totals stay right. */
const VISIBLE_TO_USER = (alias: string) =>
  `(${alias}.user_id = :userId OR EXISTS (SELECT 1 FROM client_users member WHERE member.client_id = ${alias}.id AND member.user_id = :userId)` +
  ` OR EXISTS (SELECT 1 FROM team_members team_member WHERE team_member.team_id = ${alias}.team_id AND team_member.user_id = :userId))`;

/**
 * The same rule for a list: the ids of the user's clients (direct memberships, and their teams' clients) are read
 * once (an init plan) and the clients fetched by primary key, OR'd with the creator index in a bitmap. The EXISTS
 * form above, cheapest for a few known ids, made a list walk every client and probe its membership (a member of 100
 * among 10,000: 6.5 ms → 0.8 ms in PostgreSQL). The teams' clients go into the same id list: as a third OR branch
 * (`team_id = ANY(…)`) the planner, blind to the teams array, walked the created_at index over every client again
 * (member of 100: 4–6 ms instead of 1–1.6 ms).
 */
export const LISTED_TO_USER = (alias: string) =>
  `(${alias}.user_id = :userId OR ${alias}.id = ANY(ARRAY(` +
  `SELECT member.client_id FROM client_users member WHERE member.user_id = :userId UNION ALL ` +
  `SELECT team_client.id FROM team_members team_member JOIN clients team_client ON team_client.team_id = team_member.team_id ` +
  `WHERE team_member.user_id = :userId)))`;

/**
 * The list rule as a condition on `alias` (a row of clients) with its parameters, for every list over clients
 * (here and in other modules: usage ranking, fleet agents): the user's clients, narrowed to a token's scope.
 */
export function clientsListedTo(visibility: ClientVisibility, alias: string): SqlCondition {
  const scope = tokenScopeCondition(visibility.token, alias);
  if (visibility.kind !== 'user') return scope;
  return {
    sql: `${LISTED_TO_USER(alias)} AND ${scope.sql}`,
    parameters: { userId: visibility.userId, ...scope.parameters },
  };
}

/**
 * Everyone with a membership role on the client (columns user_id, role): its direct members, and its team's members
 * as the role the team gives them (a team admin relates as a client admin, a team member as a client user). A user
 * may appear twice; the strongest role wins (STRONGEST_ROLE).
 */
const MEMBERSHIPS = (alias: string) =>
  `SELECT member.user_id, member.role FROM client_users member WHERE member.client_id = ${alias}.id
   UNION ALL
   SELECT team_member.user_id, CASE team_member.role WHEN 'admin' THEN 'admin' ELSE 'user' END
   FROM team_members team_member WHERE team_member.team_id = ${alias}.team_id`;
const STRONGEST_ROLE = `CASE WHEN bool_or(roles.role = 'admin') THEN 'admin' ELSE 'user' END`;

/** The caller's membership role on the row (direct or through the team), read in the same query. */
const MEMBER_ROLE = (alias: string) =>
  `(SELECT ${STRONGEST_ROLE} FROM (${MEMBERSHIPS(alias)}) roles WHERE roles.user_id = :memberUserId HAVING count(*) > 0)`;

/** The SQL each sort field orders by; `health` follows HEALTH_SORT_ORDER rather than the alphabet. */
const SORT_EXPRESSIONS: Record<ClientSortField, string> = {
  name: 'lower(client.name)',
  health: `array_position(ARRAY[${HEALTH_SORT_ORDER.map((state) => `'${state}'`).join(', ')}]::varchar[], client.health_state)`,
  lastSeen: 'client.health_last_seen_at',
  latency: 'client.health_latency_ms',
  createdAt: 'client.created_at',
};

/** Who relates to a client: its creator and its members (direct or through its team) with their roles (fleet events, DESIGN §4). */
export interface ClientAudience {
  creatorId: string | null;
  memberRoles: ReadonlyMap<string, ClientRole>;
}

/** What the fleet summary counts and names, as read in one query. */
export interface ClientsSummaryRow {
  byHealth: Record<HealthState, number>;
  byStatus: Record<ClientEntity['status'], number>;
  changedCount: number;
  changed: { id: string; name: string; health: HealthState; changedAt: Date }[];
  jobsCount: number;
  jobs: { id: string; clientName: string; createdAt: Date }[];
}

/** Whose provisioning jobs the summary counts: all, or those one user started (as the jobs list shows them). */
export type JobOwnerFilter = { kind: 'all' } | { kind: 'owner'; userId: string | null };

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&');
}

/** The list's filters (and the caller's visibility) on `alias`, all in SQL so paging and totals stay right. */
function whereListed(
  builder: SelectQueryBuilder<ClientEntity>,
  alias: string,
  visibility: ClientVisibility,
  filter: ClientFilter,
): SelectQueryBuilder<ClientEntity> {
  const listed = clientsListedTo(visibility, alias);
  builder.andWhere(listed.sql, listed.parameters);
  if (filter.status) builder.andWhere(`${alias}.status = :status`, { status: filter.status });
  if (filter.health) builder.andWhere(`${alias}.health_state = :health`, { health: filter.health });
  if (filter.teamId === 'none') builder.andWhere(`${alias}.team_id IS NULL`);
  else if (filter.teamId) builder.andWhere(`${alias}.team_id = :teamId`, { teamId: filter.teamId });
  if (filter.environment) builder.andWhere(`${alias}.environment = :environment`, { environment: filter.environment });
  if (filter.selector) {
    const { sql, parameters } = selectorCondition(filter.selector, `${alias}.labels`);
    builder.andWhere(sql, parameters);
  }
  if (filter.search) {
    builder.andWhere(
      new Brackets((where) =>
        where
          .where(`${alias}.name ILIKE :pattern`)
          .orWhere(`${alias}.description ILIKE :pattern`)
          .orWhere(`${alias}.endpoint ILIKE :pattern`),
      ),
      { pattern: `%${escapeLike(filter.search)}%` },
    );
  }
  return builder;
}

@Injectable()
export class ClientsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() private readonly listeners: ChangeListeners = new ChangeListeners(),
  ) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  private visible(
    visibility: ClientVisibility,
    manager: EntityManager = this.dataSource.manager,
    withSecrets = false,
  ): SelectQueryBuilder<ClientEntity> {
    const builder = manager.createQueryBuilder(ClientEntity, 'client');
    if (withSecrets) builder.addSelect(SECRET_COLUMNS);
    if (visibility.kind === 'user') builder.where(VISIBLE_TO_USER('client'), { userId: visibility.userId });
    return builder;
  }

  /**
   * One page and the total in one round trip: the count is an uncorrelated sub-query (computed once),
   * while the page still walks the created_at index. A page past the end counts separately.
   */
  async findPage(visibility: ClientVisibility, query: ListClientsQuery): Promise<[ClientEntity[], number]> {
    const filtered = (alias: string, builder: SelectQueryBuilder<ClientEntity>) =>
      whereListed(builder, alias, visibility, query);
    const page = filtered('client', this.dataSource.manager.createQueryBuilder(ClientEntity, 'client'))
      .addSelect((sub) => filtered('counted', sub.select('COUNT(*)').from(ClientEntity, 'counted')), 'total_count')
      .limit(query.limit)
      .offset(query.offset);
    // `-createdAt` is the default order; taking the default path keeps its index walk (created_at is never null).
    if (query.sort && query.sort !== '-createdAt') {
      const descending = query.sort.startsWith('-');
      const field = (descending ? query.sort.slice(1) : query.sort) as ClientSortField;
      const direction = descending ? 'DESC' : 'ASC';
      page.orderBy(SORT_EXPRESSIONS[field], direction, 'NULLS LAST').addOrderBy('client.id', direction);
    } else {
      // Newest first along the created_at index, so the first page stays cheap on a large fleet.
      page.orderBy('client.created_at', 'DESC').addOrderBy('client.id', 'DESC');
    }
    const { entities, raw } = await page.getRawAndEntities<{ total_count: string }>();
    if (raw.length > 0) return [entities, Number(raw[0].total_count)];
    const total =
      query.offset > 0
        ? await filtered('client', this.dataSource.manager.createQueryBuilder(ClientEntity, 'client')).getCount()
        : 0;
    return [entities, total];
  }

  /**
   * The ids of the visible clients a filter matches, in the list's default order (newest first), at most `limit`,
   * and how many match in all: what a bulk run selects by instead of ids.
   */
  async findMatchingIds(
    visibility: ClientVisibility,
    filter: ClientFilter,
    limit: number,
  ): Promise<{ ids: string[]; total: number }> {
    const rows = await whereListed(
      this.dataSource.manager.createQueryBuilder(ClientEntity, 'client'),
      'client',
      visibility,
      filter,
    )
      .select('client.id', 'id')
      .addSelect('COUNT(*) OVER ()', 'total')
      .orderBy('client.created_at', 'DESC')
      .addOrderBy('client.id', 'DESC')
      .limit(limit)
      .getRawMany<{ id: string; total: string }>();
    return { ids: rows.map((row) => row.id), total: rows.length === 0 ? 0 : Number(rows[0].total) };
  }

  /**
   * The fleet at a glance in one statement: counts by health and status, the clients whose health changed since
   * `since` (from client_health_events) and the running provisioning jobs, all limited to what the caller may see.
   * The jobs table belongs to the provisioning module (which depends on this one), hence plain SQL here.
   */
  async summarize(
    visibility: ClientVisibility,
    jobOwner: JobOwnerFilter,
    since: Date,
    limit: number,
  ): Promise<ClientsSummaryRow> {
    const listed = clientsListedTo(visibility, 'client');
    const visibleClients = `SELECT * FROM clients client WHERE ${listed.sql}`;
    const visibleJobs =
      jobOwner.kind === 'all'
        ? 'TRUE'
        : jobOwner.userId === null
          ? 'job.created_by IS NULL'
          : 'job.created_by = :jobOwner';
    const sql = `
      WITH visible AS (${visibleClients}),
      changed AS (
        SELECT DISTINCT ON (event.client_id) event.client_id, event.at
        FROM client_health_events event JOIN visible ON visible.id = event.client_id
        WHERE event.at > :since ORDER BY event.client_id, event.at DESC
      ),
      running AS (SELECT job.id, job.client_name, job.created_at FROM provisioning_jobs job
        WHERE job.status = 'running' AND ${visibleJobs})
      SELECT
        (SELECT COALESCE(json_object_agg(health_state, n), '{}') FROM
          (SELECT health_state, COUNT(*) AS n FROM visible GROUP BY health_state) counted) AS by_health,
        (SELECT COALESCE(json_object_agg(status, n), '{}') FROM
          (SELECT status, COUNT(*) AS n FROM visible GROUP BY status) counted) AS by_status,
        (SELECT COUNT(*) FROM changed) AS changed_count,
        (SELECT COALESCE(json_agg(json_build_object('id', latest.id, 'name', latest.name,
            'health', latest.health_state, 'changedAt', latest.at) ORDER BY latest.at DESC, latest.id), '[]')
          FROM (SELECT visible.id, visible.name, visible.health_state, changed.at
            FROM changed JOIN visible ON visible.id = changed.client_id
            ORDER BY changed.at DESC, visible.id LIMIT :limit) latest) AS changed,
        (SELECT COUNT(*) FROM running) AS jobs_count,
        (SELECT COALESCE(json_agg(json_build_object('id', newest.id, 'clientName', newest.client_name,
            'createdAt', newest.created_at) ORDER BY newest.created_at DESC, newest.id), '[]')
          FROM (SELECT * FROM running ORDER BY created_at DESC, id LIMIT :limit) newest) AS jobs`;
    const [query, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      sql,
      {
        since,
        limit,
        ...listed.parameters,
        jobOwner: jobOwner.kind === 'owner' ? jobOwner.userId : null,
      },
      {},
    );
    const [row] = await this.dataSource.query(query, parameters);
    const counts = <K extends string>(keys: readonly K[], found: Record<string, string | number>) =>
      Object.fromEntries(keys.map((key) => [key, Number(found[key] ?? 0)])) as Record<K, number>;
    const json = <T>(value: T | string): T => (typeof value === 'string' ? JSON.parse(value) : value);
    return {
      byHealth: counts(HEALTH_STATES, json(row.by_health)),
      byStatus: counts(CLIENT_STATUSES, json(row.by_status)),
      changedCount: Number(row.changed_count),
      changed: json<{ id: string; name: string; health: HealthState; changedAt: string }[]>(row.changed).map(
        (client) => ({ ...client, changedAt: new Date(client.changedAt) }),
      ),
      jobsCount: Number(row.jobs_count),
      jobs: json<{ id: string; clientName: string; createdAt: string }[]>(row.jobs).map((job) => ({
        ...job,
        createdAt: new Date(job.createdAt),
      })),
    };
  }

  /** One visible client with the caller's membership role on it, in one query. */
  /**
   * What the health strips of some clients are drawn from, in one statement: for each visible client its state
   * before `from`, the state the first change after it started in, and per hour the states entered and the last
   * one. Invisible or unknown ids are simply absent.
   */
  async findHealthStripSources(visibility: ClientVisibility, ids: string[], from: Date): Promise<HealthStripSource[]> {
    const listed = clientsListedTo(visibility, 'client');
    const sql = `
      WITH visible AS (
        SELECT client.id, client.created_at, client.health_state FROM clients client
        WHERE client.id = ANY(CAST(:ids AS uuid[])) AND ${listed.sql}
      ),
      hourly AS (
        SELECT event.client_id, floor(extract(epoch FROM (event.at - CAST(:from AS timestamptz))) / 3600)::int AS hour,
          array_agg(DISTINCT event.to_state) AS states,
          (array_agg(event.to_state ORDER BY event.at DESC, event.id DESC))[1] AS last_state
        FROM client_health_events event JOIN visible ON visible.id = event.client_id
        WHERE event.at >= CAST(:from AS timestamptz)
        GROUP BY event.client_id, hour
      )
      SELECT visible.id, visible.created_at, visible.health_state,
        (SELECT event.to_state FROM client_health_events event WHERE event.client_id = visible.id AND event.at < CAST(:from AS timestamptz)
          ORDER BY event.at DESC, event.id DESC LIMIT 1) AS before_state,
        (SELECT event.from_state FROM client_health_events event WHERE event.client_id = visible.id
          AND event.at >= CAST(:from AS timestamptz) ORDER BY event.at, event.id LIMIT 1) AS first_from,
        COALESCE((SELECT json_agg(json_build_object('hour', hourly.hour, 'states', hourly.states,
          'last', hourly.last_state)) FROM hourly WHERE hourly.client_id = visible.id), '[]') AS hours
      FROM visible`;
    const [query, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      sql,
      { ids, from, ...listed.parameters },
      {},
    );
    const rows: {
      id: string;
      created_at: Date | string;
      health_state: HealthState;
      before_state: HealthState | null;
      first_from: HealthState | null;
      hours: HealthStripSource['hours'] | string;
    }[] = await this.dataSource.query(query, parameters);
    return rows.map((row) => ({
      id: row.id,
      createdAt: new Date(row.created_at),
      current: row.health_state,
      before: row.before_state,
      firstFrom: row.first_from,
      hours: typeof row.hours === 'string' ? JSON.parse(row.hours) : row.hours,
    }));
  }

  async findWithMembership(
    visibility: ClientVisibility,
    userId: string | null,
    id: string,
    { manager, withSecrets = false }: { manager?: EntityManager; withSecrets?: boolean } = {},
  ): Promise<ClientWithMembership | null> {
    const [found] = await this.findManyWithMembership(visibility, userId, [id], { manager, withSecrets });
    return found ?? null;
  }

  async findManyWithMembership(
    visibility: ClientVisibility,
    userId: string | null,
    ids: string[],
    { manager, withSecrets = false }: { manager?: EntityManager; withSecrets?: boolean } = {},
  ): Promise<ClientWithMembership[]> {
    const { entities, raw } = await this.visible(visibility, manager, withSecrets)
      .addSelect(MEMBER_ROLE('client'), 'member_role')
      .andWhere('client.id IN (:...ids)', { ids })
      .setParameter('memberUserId', userId)
      .getRawAndEntities<{ client_id: string; member_role: ClientRole | null }>();
    const roles = new Map(raw.map((row) => [row.client_id, row.member_role]));
    return entities.map((client) => ({ client, memberRole: roles.get(client.id) ?? null }));
  }

  /** The creator and members of each existing client among `ids`, in one query (a deleted client is absent). */
  async findAudiences(ids: string[]): Promise<Map<string, ClientAudience>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; user_id: string | null; roles: Record<string, ClientRole> | string }[] =
      await this.dataSource.query(
        `SELECT client.id, client.user_id,
           COALESCE(json_object_agg(member.user_id, member.role) FILTER (WHERE member.user_id IS NOT NULL), '{}') AS roles
         FROM clients client LEFT JOIN LATERAL (
           SELECT roles.user_id, ${STRONGEST_ROLE} AS role FROM (${MEMBERSHIPS('client')}) roles GROUP BY roles.user_id
         ) member ON TRUE
         WHERE client.id = ANY($1::uuid[]) GROUP BY client.id`,
        [ids],
      );
    return new Map(
      rows.map((row) => {
        const roles = typeof row.roles === 'string' ? (JSON.parse(row.roles) as Record<string, ClientRole>) : row.roles;
        return [row.id, { creatorId: row.user_id, memberRoles: new Map(Object.entries(roles)) }];
      }),
    );
  }

  /**
   * The user's membership roles on these clients (direct or through their team), by client id (clients they are no
   * member of are absent).
   */
  async findMemberRoles(userId: string, clientIds: string[]): Promise<Map<string, ClientRole>> {
    // The user's rows first (both by index), then the strongest per client: a lateral join over every listed
    // client's memberships cost four times as much.
    const rows: { client_id: string; role: ClientRole }[] = await this.dataSource.query(
      `SELECT roles.client_id, ${STRONGEST_ROLE} AS role FROM (
         SELECT member.client_id, member.role FROM client_users member
         WHERE member.user_id = $1 AND member.client_id = ANY($2::uuid[])
         UNION ALL
         SELECT client.id, CASE team_member.role WHEN 'admin' THEN 'admin' ELSE 'user' END
         FROM team_members team_member JOIN clients client ON client.team_id = team_member.team_id
         WHERE team_member.user_id = $1 AND client.id = ANY($2::uuid[])
       ) roles GROUP BY roles.client_id`,
      [userId, clientIds],
    );
    return new Map(rows.map((row) => [row.client_id, row.role]));
  }

  /** Whether a client has this name (names are unique case-insensitively). */
  async nameTaken(name: string): Promise<boolean> {
    return this.dataSource
      .createQueryBuilder(ClientEntity, 'client')
      .where('lower(client.name) = lower(:name)', { name: name.trim() })
      .getExists();
  }

  /** The client with this name and endpoint, if any (a provisioning step finding the client it made before). */
  async findIdByNameAndEndpoint(name: string, endpoint: string): Promise<string | null> {
    const found = await this.dataSource
      .createQueryBuilder(ClientEntity, 'client')
      .select('client.id')
      .where('lower(client.name) = lower(:name) AND client.endpoint = :endpoint', { name: name.trim(), endpoint })
      .getOne();
    return found?.id ?? null;
  }

  /** Marks a client a provisioning job made, so its page shows the cloud server it runs on. */
  async markAutoProvisioned(id: string): Promise<void> {
    await this.dataSource.manager.update(ClientEntity, { id }, { isAutoProvisioned: true });
  }

  /** Reads the row with its secrets and holds it until the caller's transaction ends, so concurrent edits queue. */
  lockById(id: string, manager: EntityManager): Promise<ClientEntity | null> {
    return this.visible({ kind: 'all' }, manager, true)
      .where('client.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  /**
   * Locks many rows (without their secrets) for the caller's transaction in one statement, in id order, so two bulk
   * runs over overlapping clients take their locks in the same order.
   */
  lockManyById(ids: string[], manager: EntityManager): Promise<ClientEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return manager
      .createQueryBuilder(ClientEntity, 'client')
      .where('client.id = ANY(CAST(:ids AS uuid[]))', { ids })
      .orderBy('client.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Writes each listed client's bulk-changeable fields in one statement (a bulk change). */
  async updateBulkFields(rows: (BulkFields & { id: string })[], manager: EntityManager): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `UPDATE clients AS client SET environment = changed.environment, labels = changed.labels,
         team_id = changed."teamId", agent_ws_port = changed."agentWsPort", keycloak_realm = changed."keycloakRealm",
         keycloak_auth_server_url = changed."keycloakAuthServerUrl", updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS changed(id uuid, environment text, labels jsonb, "teamId" uuid,
         "agentWsPort" integer, "keycloakRealm" text, "keycloakAuthServerUrl" text)
       WHERE client.id = changed.id`,
      [JSON.stringify(rows)],
    );
  }

  insert(values: Partial<ClientEntity>, manager: EntityManager): Promise<ClientEntity> {
    return manager.save(manager.create(ClientEntity, values));
  }

  save(client: ClientEntity, manager: EntityManager): Promise<ClientEntity> {
    return manager.save(client);
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(ClientEntity, { id });
  }

  /**
   * Records a check's result. The state change (if any) and its history row are written together, and
   * only if the state still is what the checker saw, so two concurrent checks cannot both log a change.
   */
  async recordHealth(id: string, update: HealthUpdate): Promise<{ changedFrom?: ClientEntity['healthState'] }> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lockById(id, manager);
      if (!current) return {};
      const previous = current.healthState;
      await manager.update(ClientEntity, { id }, { ...update, updatedAt: () => 'updated_at' });
      if (previous === update.healthState) return {};
      const at = update.healthCheckedAt ?? new Date();
      await manager.insert(ClientHealthEventEntity, {
        clientId: id,
        from: previous,
        to: update.healthState,
        reason: update.healthReason,
        at,
      });
      // Told in this transaction: a webhook's outbox row commits with the transition, or neither does.
      await this.listeners.told(
        [{ kind: 'health', clientId: id, from: previous, to: update.healthState, reason: update.healthReason, at }],
        manager,
      );
      return { changedFrom: previous };
    });
  }

  findHealthHistory(clientId: string, limit: number, offset: number): Promise<[ClientHealthEventEntity[], number]> {
    return this.dataSource.manager.findAndCount(ClientHealthEventEntity, {
      where: { clientId },
      order: { at: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
  }

  /** Active clients whose last check is older than `olderThan`, least recently checked first. */
  findDueForCheck(olderThan: Date, limit: number): Promise<ClientEntity[]> {
    return this.visible({ kind: 'all' }, undefined, true)
      .where('client.status = :status', { status: 'active' })
      .andWhere(
        new Brackets((where) =>
          where
            .where('client.health_checked_at IS NULL')
            .orWhere('client.health_checked_at < :olderThan', { olderThan }),
        ),
      )
      .orderBy('client.health_checked_at', 'ASC', 'NULLS FIRST')
      .limit(limit)
      .getMany();
  }

  async touchLastUsed(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.manager.update(
      ClientEntity,
      { id: In(ids) },
      { lastUsedAt: at, updatedAt: () => 'updated_at' },
    );
  }
}
