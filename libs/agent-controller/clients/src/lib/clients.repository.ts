import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ClientRole, ListClientsQuery } from '@agent-controller/shared-contracts';
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
      .orderBy('client.created_at', 'DESC')
      .addOrderBy('client.id', 'DESC')
      .limit(query.limit)
      .offset(query.offset);
    const { entities, raw } = await page.getRawAndEntities<{ total_count: string }>();
    if (raw.length > 0) return [entities, Number(raw[0].total_count)];
    const total =
      query.offset > 0
        ? await filtered('client', this.dataSource.manager.createQueryBuilder(ClientEntity, 'client')).getCount()
        : 0;
    return [entities, total];
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
