import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ChangeListeners, RecordedChange } from '@agent-controller/audit';
import { currentRequestContext } from '@agent-controller/core';
import { labelsMatch, parseLabelSelector, WebhookEvent } from '@agent-controller/shared-contracts';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { foldHealthChange, PendingHealth, settleHealth } from './health-debounce';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { EventClient, eventOfAudit, OutboxEvent, WebhookEnvelope } from './webhook-events';
import { WebhookHealthPendingEntity } from './webhook-health-pending.entity';
import { WebhookEntity } from './webhook.entity';

interface ClientRow {
  id: string;
  name: string;
  team_id: string | null;
  labels: Record<string, string> | null;
  environment: string | null;
  status: string;
  health_state: string;
}

/** Whether a webhook wants events of this client (no client: only webhooks without a scope). */
export function inScope(webhook: Pick<WebhookEntity, 'teamId' | 'selector'>, client: EventClient | null): boolean {
  if (!webhook.teamId && !webhook.selector) return true;
  if (!client) return false;
  if (webhook.teamId && client.teamId !== webhook.teamId) return false;
  if (webhook.selector) {
    const parsed = parseLabelSelector(webhook.selector);
    return parsed.ok && labelsMatch(parsed.requirements, client.labels);
  }
  return true;
}

/**
 * Writes webhook events into the outbox inside the transaction of the change they tell: audited changes (clients,
 * provisioning jobs, orphaned servers) and health transitions, which wait in `webhook_health_pending` until the
 * new state has held long enough (see health-debounce.ts).
 */
@Injectable()
export class WebhookOutbox implements OnModuleInit {
  constructor(
    private readonly listeners: ChangeListeners,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.listeners.listen((changes, manager) => this.write(changes, manager ?? this.dataSource.manager));
  }

  private async write(changes: readonly RecordedChange[], manager: EntityManager): Promise<void> {
    // A bulk change tells thousands of changes at once: the subscribers of each event type are read once.
    const subscribers = new Map<WebhookEvent, Promise<WebhookEntity[]>>();
    const subscribersOf = (type: WebhookEvent) => {
      if (!subscribers.has(type)) subscribers.set(type, this.subscribers(type, manager));
      return subscribers.get(type) as Promise<WebhookEntity[]>;
    };
    for (const change of changes) {
      if (change.kind === 'health') {
        await this.holdHealthChange(change, manager);
        continue;
      }
      const event = eventOfAudit(change.entry);
      if (event) await this.enqueue(event, manager, new Date(), await subscribersOf(event.type));
    }
  }

  /** Fans one event out to the enabled webhooks that want it, as pending deliveries. */
  async enqueue(
    event: OutboxEvent,
    manager: EntityManager,
    occurredAt = new Date(),
    subscribers?: WebhookEntity[],
  ): Promise<number> {
    const webhooks = subscribers ?? (await this.subscribers(event.type, manager));
    if (webhooks.length === 0) return 0;
    const client = event.deletedClient ?? (event.clientId ? await this.clientOf(event.clientId, manager) : null);
    const targets = webhooks.filter((webhook) => inScope(webhook, client));
    if (targets.length === 0) return 0;
    const principal = currentRequestContext()?.principal;
    const envelope: WebhookEnvelope = {
      id: randomUUID(),
      type: event.type,
      occurredAt: occurredAt.toISOString(),
      data: {
        ...(client ? { client } : event.clientId ? { client: { id: event.clientId } } : {}),
        ...event.data,
        ...(principal ? { actor: { type: principal.kind, id: principal.userId, email: principal.email } } : {}),
      },
    };
    await manager.save(
      targets.map((webhook) =>
        manager.create(WebhookDeliveryEntity, {
          webhookId: webhook.id,
          event: event.type,
          payload: envelope as unknown as Record<string, unknown>,
          status: 'pending',
          nextAttemptAt: occurredAt,
          log: [],
        }),
      ),
    );
    return targets.length;
  }

  private subscribers(type: WebhookEvent, manager: EntityManager): Promise<WebhookEntity[]> {
    return manager
      .createQueryBuilder(WebhookEntity, 'webhook')
      .where('webhook.enabled AND :type = ANY(webhook.events)', { type })
      .getMany();
  }

  private async clientOf(id: string, manager: EntityManager): Promise<EventClient | null> {
    const rows: ClientRow[] = await manager.query(
      'SELECT id, name, team_id, labels, environment, status, health_state FROM clients WHERE id = $1',
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      name: row.name,
      teamId: row.team_id,
      labels: row.labels ?? {},
      environment: row.environment,
      status: row.status,
      healthState: row.health_state,
    };
  }

  /**
   * Folds a transition into the client's pending run (the client row is locked by the caller, so transitions of
   * one client arrive one at a time). The first check of a new client (from `unknown`) starts nothing.
   */
  private async holdHealthChange(
    change: Extract<RecordedChange, { kind: 'health' }>,
    manager: EntityManager,
  ): Promise<void> {
    const pendings = manager.getRepository(WebhookHealthPendingEntity);
    const pending = await pendings.findOneBy({ clientId: change.clientId });
    if (!pending) {
      if (change.from === 'unknown') return;
      if ((await this.subscribers('client.health_changed', manager)).length === 0) return;
    }
    const folded = foldHealthChange(pending, change);
    await pendings.save({ clientId: change.clientId, ...folded });
  }

  /** Turns runs whose state has held `holdMs` into deliveries, or drops them; any replica may, none twice. */
  async settleHealth(holdMs: number, now = new Date()): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const due: WebhookHealthPendingEntity[] = await manager
        .createQueryBuilder(WebhookHealthPendingEntity, 'pending')
        .where('pending.last_changed_at <= :heldSince', { heldSince: new Date(now.getTime() - holdMs) })
        .orderBy('pending.last_changed_at', 'ASC')
        .limit(100)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      let announced = 0;
      for (const pending of due) {
        const settled = settleHealth(pending as PendingHealth, now, holdMs);
        if (settled.kind === 'wait') continue;
        await manager.delete(WebhookHealthPendingEntity, { clientId: pending.clientId });
        if (settled.kind === 'drop') continue;
        announced += await this.enqueue(
          {
            type: 'client.health_changed',
            clientId: pending.clientId,
            data: {
              from: settled.from,
              to: settled.to,
              reason: settled.reason,
              since: settled.since.toISOString(),
              suppressedChanges: settled.suppressedChanges,
            },
          },
          manager,
          now,
        );
      }
      return announced;
    });
  }
}
