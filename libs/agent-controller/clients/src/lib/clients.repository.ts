import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ClientRole,
  ClientSortField,
  CLIENT_STATUSES,
  HEALTH_SORT_ORDER,
  HealthState,
  HEALTH_STATES,
  ListClientsQuery,
} from '@agent-controller/shared-contracts';
import { Brackets, DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { ClientHealthEventEntity } from './client-health-event.entity';
import { ClientEntity } from './client.entity';

/** Which clients a caller may see: every one, or those the user created. Applied in SQL, never in memory. */
export type ClientVisibility = { kind: 'all' } | { kind: 'user'; userId: string };

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

/** Created by the user, or the user is a member: decided in SQL so paging and totals stay right. */
const VISIBLE_TO_USER = (alias: string) =>
  `(${alias}.user_id = :userId OR EXISTS (SELECT 1 FROM client_users member WHERE member.client_id = ${alias}.id AND member.user_id = :userId))`;

/**
 * The same rule for a list: the user's memberships are read once (an init plan) and the clients fetched by primary
 * key, OR'd with the creator index in a bitmap. The EXISTS form above, cheapest for a few known ids, made a list
 * walk every client and probe its membership (a member of 100 among 10,000: 6.5 ms → 0.8 ms in PostgreSQL).
 */
const LISTED_TO_USER = (alias: string) =>
  `(${alias}.user_id = :userId OR ${alias}.id = ANY(ARRAY(SELECT member.client_id FROM client_users member WHERE member.user_id = :userId)))`;

/** The caller's membership role on the row, read in the same query. */
const MEMBER_ROLE = (alias: string) =>
  `(SELECT member.role FROM client_users member WHERE member.client_id = ${alias}.id AND member.user_id = :memberUserId)`;

/** The SQL each sort field orders by; `health` follows HEALTH_SORT_ORDER rather than the alphabet. */
const SORT_EXPRESSIONS: Record<ClientSortField, string> = {
  name: 'lower(client.name)',
  health: `array_position(ARRAY[${HEALTH_SORT_ORDER.map((state) => `'${state}'`).join(', ')}]::varchar[], client.health_state)`,
  lastSeen: 'client.health_last_seen_at',
  latency: 'client.health_latency_ms',
  createdAt: 'client.created_at',
};

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

@Injectable()
export class ClientsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
    const filtered = (alias: string, builder: SelectQueryBuilder<ClientEntity>) => {
      if (visibility.kind === 'user') builder.andWhere(LISTED_TO_USER(alias), { userId: visibility.userId });
      if (query.status) builder.andWhere(`${alias}.status = :status`, { status: query.status });
      if (query.health) builder.andWhere(`${alias}.health_state = :health`, { health: query.health });
      if (query.search) {
        builder.andWhere(
          new Brackets((where) =>
            where
              .where(`${alias}.name ILIKE :pattern`)
              .orWhere(`${alias}.description ILIKE :pattern`)
              .orWhere(`${alias}.endpoint ILIKE :pattern`),
          ),
          { pattern: `%${escapeLike(query.search)}%` },
        );
      }
      return builder;
    };
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
    const visibleClients =
      visibility.kind === 'user'
        ? `SELECT * FROM clients client WHERE ${LISTED_TO_USER('client')}`
        : 'SELECT * FROM clients';
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
        userId: visibility.kind === 'user' ? visibility.userId : null,
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

  /** Reads the row with its secrets and holds it until the caller's transaction ends, so concurrent edits queue. */
  lockById(id: string, manager: EntityManager): Promise<ClientEntity | null> {
    return this.visible({ kind: 'all' }, manager, true)
      .where('client.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
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
      await manager.insert(ClientHealthEventEntity, {
        clientId: id,
        from: previous,
        to: update.healthState,
        reason: update.healthReason,
        at: update.healthCheckedAt ?? new Date(),
      });
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
