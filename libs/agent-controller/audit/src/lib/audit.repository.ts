import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditQuery } from '@agent-controller/shared-contracts';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** The target id as a uuid, or NULL for any other text (CASE keeps the cast from seeing it). */
const TARGET_UUID = `CASE WHEN event.target_id ~ '${UUID_PATTERN}' THEN event.target_id::uuid END`;

/**
 * The target's name now (client name, user e-mail, provisioning job's client name), looked up by primary key in
 * the page's own query; for a target deleted since, the name the event itself recorded (a delete's `changes`).
 */
const TARGET_NAME = `COALESCE(
  CASE event.target_type
    WHEN 'client' THEN (SELECT target.name FROM clients target WHERE target.id = ${TARGET_UUID})
    WHEN 'user' THEN (SELECT target.email FROM users target WHERE target.id = ${TARGET_UUID})
    WHEN 'provisioning_job' THEN
      (SELECT target.client_name FROM provisioning_jobs target WHERE target.id = ${TARGET_UUID})
  END,
  event.changes -> 'name' ->> 'from',
  event.changes -> 'email' ->> 'from',
  event.details ->> 'name'
)`;

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(values: Partial<AuditEventEntity>, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.save(manager.create(AuditEventEntity, values));
  }

  /** Many events in a few multi-row INSERTs (a bulk run over thousands of clients), in the caller's transaction. */
  async insertMany(values: Partial<AuditEventEntity>[], manager: EntityManager): Promise<void> {
    // ~12 parameters a row: chunks of 1,000 rows stay well below PostgreSQL's 65,535 per statement.
    await manager.save(
      values.map((event) => manager.create(AuditEventEntity, event)),
      { chunk: 1000 },
    );
  }

  async findPage(query: AuditQuery): Promise<[AuditEventEntity[], number]> {
    const builder = this.dataSource.manager
      .createQueryBuilder(AuditEventEntity, 'event')
      .addSelect(TARGET_NAME, 'target_name')
      .orderBy('event.occurred_at', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .take(query.limit)
      .skip(query.offset);
    if (query.actor) {
      const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(query.actor);
      builder.andWhere(isUuid ? 'event.actor_id = :actor' : 'event.actor_email = :actor', {
        actor: isUuid ? query.actor : query.actor.toLowerCase(),
      });
    }
    if (query.action?.endsWith('.')) {
      builder.andWhere('event.action LIKE :prefix', { prefix: `${query.action.replace(/[\\%_]/g, '\\$&')}%` });
    } else if (query.action) {
      builder.andWhere('event.action = :action', { action: query.action });
    }
    if (query.targetId) builder.andWhere('event.target_id = :targetId', { targetId: query.targetId });
    if (query.from) builder.andWhere('event.occurred_at >= :from', { from: new Date(query.from) });
    if (query.to) builder.andWhere('event.occurred_at < :to', { to: new Date(query.to) });
    const { entities, raw } = await builder.getRawAndEntities<{ target_name: string | null }>();
    const total = await builder.getCount();
    // No joins: raw rows and entities are the same rows in the same order.
    entities.forEach((event, index) => (event.targetName = raw[index]?.target_name ?? null));
    return [entities, total];
  }
}
