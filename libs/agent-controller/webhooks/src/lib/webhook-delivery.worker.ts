import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EndpointPolicy, sendRemoteRequest } from '@agent-controller/agent-manager-client';
import { AuditService } from '@agent-controller/audit';
import { AppConfig, appConfig } from '@agent-controller/core';
import { PeriodicTasks, returnedRows } from '@agent-controller/database';
import { WebhookDeliveryAttempt } from '@agent-controller/shared-contracts';
import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { renderBody, WebhookEnvelope } from './webhook-events';
import { WebhookOutbox } from './webhook-outbox';
import { nextAttemptAt, RetryPolicy } from './webhook-retry';
import { signWebhook } from './webhook-signature';
import { WebhookEntity } from './webhook.entity';
import { WebhookMetrics } from './webhook.metrics';

/** Deliveries one replica sends at once per poll. */
const BATCH = 10;
/** How long finished deliveries stay in a webhook's log. */
const DELIVERY_LOG_DAYS = 30;
const PRUNE_EVERY_MS = 3_600_000;

interface AttemptResult {
  succeeded: boolean;
  responseCode: number | null;
  durationMs: number;
  error: string | null;
}

/**
 * Sends due deliveries on every replica: each poll claims a batch with `FOR UPDATE SKIP LOCKED` and leases it
 * (`claim_token`, `next_attempt_at` pushed past the attempt's time limit), so no two replicas send one delivery at
 * once and a replica that dies mid-attempt leaves it to another once the lease lapses (at least once). Failures
 * are retried with exponential backoff; a webhook failing WEBHOOK_DISABLE_AFTER_FAILURES attempts in a row is
 * disabled (audited as `webhook.disabled`). A receiver's failure never leaves the worker.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly policy: RetryPolicy;

  constructor(
    private readonly outbox: WebhookOutbox,
    private readonly endpoints: EndpointPolicy,
    private readonly audit: AuditService,
    private readonly tasks: PeriodicTasks,
    private readonly metrics: WebhookMetrics,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    const { retryBaseMs, retryMaxMs, retryForMs } = config.webhooks;
    this.policy = { baseMs: retryBaseMs, maxMs: retryMaxMs, retryForMs };
  }

  onApplicationBootstrap(): void {
    this.tasks.schedule('WebhookDelivery', { everyMs: this.config.webhooks.pollMs }, (signal) => this.poll(signal));
    // Idempotent, so every replica may run it; a bounded batch an hour keeps each run short.
    this.tasks.schedule('WebhookDeliveryPruning', { everyMs: PRUNE_EVERY_MS, firstAfterMs: 60_000 }, () =>
      this.pruneFinished(),
    );
  }

  /** Finished deliveries (succeeded, given up) leave the log after DELIVERY_LOG_DAYS. */
  async pruneFinished(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT id FROM webhook_deliveries
         WHERE status <> 'pending' AND created_at < now() - make_interval(days => $1)
         LIMIT 10000)`,
      [DELIVERY_LOG_DAYS],
    );
  }

  /** How long a claim keeps other replicas off: the attempt's time limit, twice, and some slack. */
  private get leaseMs(): number {
    return this.config.webhooks.timeoutMs * 2 + 5000;
  }

  async poll(signal?: AbortSignal): Promise<void> {
    await this.outbox.settleHealth(this.config.webhooks.healthHoldMs);
    while (!signal?.aborted) {
      const claimed = await this.claimDue();
      if (claimed.length === 0) return;
      await Promise.all(claimed.map(({ delivery, webhook, token }) => this.attempt(delivery, webhook, token)));
      if (claimed.length < BATCH) return;
    }
  }

  /** Claims a delivery just made (a test ping) and sends it now. */
  async deliverNow(deliveryId: string): Promise<void> {
    const claimed = await this.claim(deliveryId);
    await Promise.all(claimed.map(({ delivery, webhook, token }) => this.attempt(delivery, webhook, token)));
  }

  private claimDue() {
    return this.claim();
  }

  private async claim(
    deliveryId?: string,
  ): Promise<{ delivery: WebhookDeliveryEntity; webhook: WebhookEntity; token: string }[]> {
    const token = randomUUID();
    const which = deliveryId
      ? `delivery.id = $3`
      : `delivery.status = 'pending' AND delivery.next_attempt_at <= now() AND webhook.enabled`;
    const rows: unknown = await this.dataSource.query(
      `UPDATE webhook_deliveries SET claim_token = $1, next_attempt_at = now() + make_interval(secs => $2)
       WHERE id IN (
         SELECT delivery.id FROM webhook_deliveries delivery JOIN webhooks webhook ON webhook.id = delivery.webhook_id
         WHERE ${which} AND delivery.status = 'pending'
         ORDER BY delivery.next_attempt_at LIMIT ${BATCH}
         FOR UPDATE OF delivery SKIP LOCKED)
       RETURNING id`,
      deliveryId ? [token, this.leaseMs / 1000, deliveryId] : [token, this.leaseMs / 1000],
    );
    const ids = returnedIds(rows);
    if (ids.length === 0) return [];
    const deliveries = await this.dataSource.manager.findBy(WebhookDeliveryEntity, { id: In(ids) });
    const webhooks = await this.dataSource.manager
      .createQueryBuilder(WebhookEntity, 'webhook')
      .addSelect('webhook.secret')
      .whereInIds([...new Set(deliveries.map((delivery) => delivery.webhookId))])
      .getMany();
    const byId = new Map(webhooks.map((webhook) => [webhook.id, webhook]));
    return deliveries.flatMap((delivery) => {
      const webhook = byId.get(delivery.webhookId);
      return webhook ? [{ delivery, webhook, token }] : [];
    });
  }

  private async attempt(delivery: WebhookDeliveryEntity, webhook: WebhookEntity, token: string): Promise<void> {
    try {
      const result = await this.send(delivery, webhook);
      this.metrics.attempted(delivery.event, result.succeeded ? 'succeeded' : 'failed', result.durationMs);
      await this.record(delivery, webhook, token, result);
    } catch (error) {
      // Only the database can get here (sending never throws): the lease lapses and the delivery is tried again.
      this.logger.warn({ err: error, deliveryId: delivery.id }, 'Could not record a webhook attempt');
    }
  }

  /** One POST; every failure becomes a result (blocked target, DNS, refused, timeout, non-2xx). */
  private async send(delivery: WebhookDeliveryEntity, webhook: WebhookEntity): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const url = new URL(webhook.url);
      const address = await this.endpoints.resolve(url);
      const envelope = delivery.payload as unknown as WebhookEnvelope;
      const body = renderBody(webhook.format, envelope);
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await sendRemoteRequest({
        url,
        address,
        method: 'POST',
        headers: {
          'user-agent': 'agent-controller-webhooks/1',
          'x-webhook-id': delivery.id,
          'x-webhook-event': delivery.event,
          'x-webhook-timestamp': String(timestamp),
          'x-webhook-signature': signWebhook(webhook.secret, timestamp, body),
        },
        body,
        timeoutMs: this.config.webhooks.timeoutMs,
      });
      const succeeded = response.status >= 200 && response.status < 300;
      return {
        succeeded,
        responseCode: response.status,
        durationMs: elapsed(),
        error: succeeded ? null : `HTTP ${response.status}${response.body ? `: ${response.body.slice(0, 200)}` : ''}`,
      };
    } catch (error) {
      return {
        succeeded: false,
        responseCode: null,
        durationMs: elapsed(),
        error: (error instanceof Error ? error.message : String(error)).slice(0, 1000),
      };
    }
  }

  /** The attempt's outcome, the next try, and the webhook's failure count, in one transaction. */
  private async record(
    delivery: WebhookDeliveryEntity,
    webhook: WebhookEntity,
    token: string,
    result: AttemptResult,
  ): Promise<void> {
    const now = new Date();
    const attempt = delivery.attempts + 1;
    const entry: WebhookDeliveryAttempt = { attempt, at: now.toISOString(), ...result };
    const next = result.succeeded ? null : nextAttemptAt(this.policy, attempt, delivery.createdAt, now);
    const status = result.succeeded ? 'succeeded' : next ? 'pending' : 'failed';
    await this.dataSource.transaction(async (manager) => {
      const updated = await manager
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({
          status,
          attempts: attempt,
          nextAttemptAt: next,
          claimToken: null,
          lastResponseCode: result.responseCode,
          lastDurationMs: result.durationMs,
          lastError: result.error,
          deliveredAt: result.succeeded ? now : null,
          log: () => `log || :entry::jsonb`,
        })
        .setParameter('entry', JSON.stringify([entry]))
        .where('id = :id AND claim_token = :token', { id: delivery.id, token })
        .execute();
      // Another replica took the delivery over (this one was too slow): its record counts, not this one.
      if (!updated.affected) return;
      if (result.succeeded) {
        await manager.update(
          WebhookEntity,
          { id: webhook.id },
          { consecutiveFailures: 0, updatedAt: () => 'updated_at' },
        );
        return;
      }
      const rows: unknown = await manager.query(
        `UPDATE webhooks SET consecutive_failures = consecutive_failures + 1 WHERE id = $1
         RETURNING consecutive_failures, enabled`,
        [webhook.id],
      );
      const [counted] = returnedRows<{ consecutive_failures: number; enabled: boolean }>(rows);
      const limit = this.config.webhooks.disableAfterFailures;
      if (!counted || !counted.enabled || counted.consecutive_failures < limit) return;
      const reason =
        `Disabled after ${counted.consecutive_failures} consecutive failed deliveries (last: ${result.error ?? 'unknown'})`.slice(
          0,
          1000,
        );
      await manager.update(WebhookEntity, { id: webhook.id }, { enabled: false, disabledReason: reason });
      await this.audit.record(
        {
          action: 'webhook.disabled',
          targetType: 'webhook',
          targetId: webhook.id,
          changes: { enabled: { from: true, to: false } },
          details: { reason, consecutiveFailures: counted.consecutive_failures, url: webhook.url },
        },
        manager,
      );
      this.logger.warn({ webhookId: webhook.id, reason }, 'Webhook disabled');
    });
  }
}

const returnedIds = (result: unknown) => returnedRows<{ id: string }>(result).map((row) => row.id);
