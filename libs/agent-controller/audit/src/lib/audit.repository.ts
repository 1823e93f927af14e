import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditQuery } from '@agent-controller/shared-contracts';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(values: Partial<AuditEventEntity>, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.save(manager.create(AuditEventEntity, values));
  }

  findPage(query: AuditQuery): Promise<[AuditEventEntity[], number]> {
    const builder = this.dataSource.manager
      .createQueryBuilder(AuditEventEntity, 'event')
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
    return builder.getManyAndCount();
  }
}
