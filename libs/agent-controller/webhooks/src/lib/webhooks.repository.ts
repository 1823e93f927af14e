import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEntity } from './webhook.entity';

/** Which webhooks a caller owns: every one (global admins), or those of the teams they administer. */
export type WebhookOwnership = { kind: 'all' } | { kind: 'teams'; teamIds: string[] };

@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  list(owned: WebhookOwnership): Promise<WebhookEntity[]> {
    if (owned.kind === 'teams' && owned.teamIds.length === 0) return Promise.resolve([]);
    return this.dataSource.manager.find(WebhookEntity, {
      where: owned.kind === 'all' ? {} : { teamId: In(owned.teamIds) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** The webhook when the caller owns it (else null: 404, as for one that does not exist). */
  async findOwned(
    owned: WebhookOwnership,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<WebhookEntity | null> {
    const webhook = await manager.findOneBy(WebhookEntity, { id });
    if (!webhook) return null;
    if (owned.kind === 'teams' && (!webhook.teamId || !owned.teamIds.includes(webhook.teamId))) return null;
    return webhook;
  }

  save(webhook: WebhookEntity, manager: EntityManager): Promise<WebhookEntity> {
    return manager.save(WebhookEntity, webhook);
  }

  async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(WebhookEntity, { id });
  }

  findDeliveries(webhookId: string, limit: number, offset: number): Promise<[WebhookDeliveryEntity[], number]> {
    return this.dataSource.manager.findAndCount(WebhookDeliveryEntity, {
      where: { webhookId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
  }

  findDelivery(webhookId: string, id: string): Promise<WebhookDeliveryEntity | null> {
    return this.dataSource.manager.findOneBy(WebhookDeliveryEntity, { webhookId, id });
  }

  /** A new pending delivery, due after `dueInMs` (a caller about to send it at once keeps the worker off it). */
  async insertDelivery(
    values: Pick<WebhookDeliveryEntity, 'webhookId' | 'event' | 'payload'>,
    dueInMs = 0,
  ): Promise<WebhookDeliveryEntity> {
    const repository = this.dataSource.getRepository(WebhookDeliveryEntity);
    return repository.save(
      repository.create({ ...values, status: 'pending', nextAttemptAt: new Date(Date.now() + dueInMs), log: [] }),
    );
  }

  findDeliveryById(id: string): Promise<WebhookDeliveryEntity | null> {
    return this.dataSource.manager.findOneBy(WebhookDeliveryEntity, { id });
  }
}
