import { Injectable } from '@nestjs/common';
import { EndpointPolicy } from '@agent-controller/agent-manager-client';
import { AuditService, diffFields } from '@agent-controller/audit';
import { TeamsService } from '@agent-controller/clients';
import { DomainError, RequestPrincipal } from '@agent-controller/core';
import {
  CreatedWebhook,
  CreateWebhookRequest,
  PagingQuery,
  UpdateWebhookRequest,
  Webhook,
  WebhookDelivery,
} from '@agent-controller/shared-contracts';
import { randomUUID } from 'node:crypto';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookEnvelope } from './webhook-events';
import { generateWebhookSecret } from './webhook-signature';
import { WebhookEntity } from './webhook.entity';
import { WebhookOwnership, WebhooksRepository } from './webhooks.repository';

const AUDITED_FIELDS = ['name', 'url', 'events', 'teamId', 'selector', 'format', 'enabled', 'secret'] as const;
const SECRET_FIELDS = ['secret'] as const;
const TEAM_ID = { field: 'teamId', location: 'body' as const };

const notFound = () => new DomainError('NOT_FOUND', 'Webhook not found');

function teamIdProblem(code: 'VALIDATION_FAILED' | 'FORBIDDEN', message: string): DomainError {
  return new DomainError(code, message, { fields: [{ ...TEAM_ID, message }] });
}

export function toWebhookResponse(webhook: WebhookEntity): Webhook {
  return {
    id: webhook.id,
    name: webhook.name,
    url: webhook.url,
    events: webhook.events,
    teamId: webhook.teamId,
    selector: webhook.selector,
    format: webhook.format,
    enabled: webhook.enabled,
    disabledReason: webhook.disabledReason,
    consecutiveFailures: webhook.consecutiveFailures,
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
  };
}

export function toDeliveryResponse(delivery: WebhookDeliveryEntity): WebhookDelivery {
  return {
    id: delivery.id,
    webhookId: delivery.webhookId,
    event: delivery.event,
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.status === 'pending' ? (delivery.nextAttemptAt?.toISOString() ?? null) : null,
    responseCode: delivery.lastResponseCode,
    durationMs: delivery.lastDurationMs,
    error: delivery.lastError,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    log: delivery.log ?? [],
    payload: delivery.payload,
  };
}

/**
 * Webhooks and their deliveries. Owned by global admins (any scope; the api-key holder is one) or by a team's
 * admins (then scoped to that team). Others are refused (403); a webhook the caller does not own is 404.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly teams: TeamsService,
    private readonly endpoints: EndpointPolicy,
    private readonly audit: AuditService,
    private readonly worker: WebhookDeliveryWorker,
  ) {}

  async listWebhooks(principal: RequestPrincipal): Promise<Webhook[]> {
    const owned = await this.ownership(principal);
    return (await this.webhooks.list(owned)).map(toWebhookResponse);
  }

  async getWebhook(principal: RequestPrincipal, id: string): Promise<Webhook> {
    return toWebhookResponse(await this.findOwned(principal, id));
  }

  async createWebhook(principal: RequestPrincipal, request: CreateWebhookRequest): Promise<CreatedWebhook> {
    const owned = await this.ownership(principal);
    const teamId = await this.checkTeam(principal, owned, request.teamId ?? null);
    const url = await this.endpoints.checkEndpoint(request.url, 'url');
    const secret = request.secret ?? generateWebhookSecret();
    const created = await this.webhooks.inTransaction(async (manager) => {
      const webhook = Object.assign(new WebhookEntity(), {
        name: request.name ?? null,
        url,
        events: request.events,
        teamId,
        selector: request.selector ?? null,
        secret,
        format: request.format,
        enabled: request.enabled,
        disabledReason: null,
        consecutiveFailures: 0,
        createdBy: principal.userId,
      });
      const saved = await this.webhooks.save(webhook, manager);
      await this.audit.record(
        {
          action: 'webhook.create',
          targetType: 'webhook',
          targetId: saved.id,
          changes: diffFields(null, saved, AUDITED_FIELDS, SECRET_FIELDS),
        },
        manager,
      );
      return saved;
    });
    return { ...toWebhookResponse(created), secret };
  }

  async updateWebhook(principal: RequestPrincipal, id: string, request: UpdateWebhookRequest): Promise<Webhook> {
    const owned = await this.ownership(principal);
    const teamId = request.teamId === undefined ? undefined : await this.checkTeam(principal, owned, request.teamId);
    const url = request.url === undefined ? undefined : await this.endpoints.checkEndpoint(request.url, 'url');
    const saved = await this.webhooks.inTransaction(async (manager) => {
      const webhook = await this.webhooks.findOwned(owned, id, manager);
      if (!webhook) throw notFound();
      const before = { ...webhook };
      const defined = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);
      Object.assign(webhook, {
        name: defined(request.name, webhook.name),
        url: defined(url, webhook.url),
        events: defined(request.events, webhook.events),
        teamId: defined(teamId, webhook.teamId),
        selector: defined(request.selector, webhook.selector),
        format: defined(request.format, webhook.format),
        enabled: defined(request.enabled, webhook.enabled),
      });
      if (request.secret !== undefined) webhook.secret = request.secret;
      // Enabled again by hand: the failure count starts over and the reason goes.
      if (request.enabled === true) Object.assign(webhook, { disabledReason: null, consecutiveFailures: 0 });
      const changes = diffFields(before, webhook, AUDITED_FIELDS, SECRET_FIELDS);
      if (request.secret !== undefined) changes['secret'] = { from: '[redacted]', to: '[redacted]' };
      const saved = await this.webhooks.save(webhook, manager);
      await this.audit.record({ action: 'webhook.update', targetType: 'webhook', targetId: id, changes }, manager);
      return saved;
    });
    return toWebhookResponse(saved);
  }

  async deleteWebhook(principal: RequestPrincipal, id: string): Promise<void> {
    const owned = await this.ownership(principal);
    await this.webhooks.inTransaction(async (manager) => {
      const webhook = await this.webhooks.findOwned(owned, id, manager);
      if (!webhook) throw notFound();
      await this.webhooks.delete(id, manager);
      await this.audit.record(
        {
          action: 'webhook.delete',
          targetType: 'webhook',
          targetId: id,
          changes: diffFields(webhook, null, AUDITED_FIELDS, SECRET_FIELDS),
        },
        manager,
      );
    });
  }

  /** Sends a `ping` now (whether or not the webhook is enabled) and answers with its delivery. */
  async testWebhook(principal: RequestPrincipal, id: string): Promise<WebhookDelivery> {
    const webhook = await this.findOwned(principal, id);
    const envelope: WebhookEnvelope = {
      id: randomUUID(),
      type: 'ping',
      occurredAt: new Date().toISOString(),
      data: { webhook: { id: webhook.id, name: webhook.name }, message: 'This is a test from Agent Controller' },
    };
    // Due later than the worker's next look: this request sends it itself, at once.
    const delivery = await this.webhooks.insertDelivery(
      { webhookId: id, event: 'ping', payload: envelope as unknown as Record<string, unknown> },
      60_000,
    );
    await this.worker.deliverNow(delivery.id);
    return toDeliveryResponse((await this.webhooks.findDeliveryById(delivery.id)) ?? delivery);
  }

  async listDeliveries(
    principal: RequestPrincipal,
    id: string,
    paging: PagingQuery,
  ): Promise<[WebhookDelivery[], number]> {
    await this.findOwned(principal, id);
    const [rows, total] = await this.webhooks.findDeliveries(id, paging.limit, paging.offset);
    return [rows.map(toDeliveryResponse), total];
  }

  /** Queues the same payload again as a new delivery (its own id and attempts), due at once. */
  async redeliver(principal: RequestPrincipal, id: string, deliveryId: string): Promise<WebhookDelivery> {
    await this.findOwned(principal, id);
    const original = await this.webhooks.findDelivery(id, deliveryId);
    if (!original) throw new DomainError('NOT_FOUND', 'Delivery not found');
    const copy = await this.webhooks.insertDelivery({
      webhookId: id,
      event: original.event,
      payload: original.payload,
    });
    return toDeliveryResponse(copy);
  }

  private async findOwned(principal: RequestPrincipal, id: string): Promise<WebhookEntity> {
    const webhook = await this.webhooks.findOwned(await this.ownership(principal), id);
    if (!webhook) throw notFound();
    return webhook;
  }

  /** Global admins own every webhook, team admins their teams'; anyone else may not use webhooks at all. */
  private async ownership(principal: RequestPrincipal): Promise<WebhookOwnership> {
    if (principal.isGlobalAdmin) return { kind: 'all' };
    const teamIds = (await this.teams.rightsOf(principal)).adminTeamIds();
    if (teamIds.length === 0) throw new DomainError('FORBIDDEN', 'Only global admins and team admins manage webhooks');
    return { kind: 'teams', teamIds };
  }

  /** The team a webhook is scoped to: one the caller administers; team admins must name one. */
  private async checkTeam(
    principal: RequestPrincipal,
    owned: WebhookOwnership,
    teamId: string | null,
  ): Promise<string | null> {
    if (teamId === null) {
      if (owned.kind === 'all') return null;
      throw teamIdProblem('VALIDATION_FAILED', 'teamId is required: a team admin’s webhook belongs to their team');
    }
    const rights = await this.teams.rightsOf(principal);
    await this.teams.findVisible(rights, teamId, TEAM_ID);
    if (!rights.administers(teamId)) throw teamIdProblem('FORBIDDEN', 'you are not an admin of that team');
    return teamId;
  }
}
