import { Module } from '@nestjs/common';
import { AgentManagerClientModule } from '@agent-controller/agent-manager-client';
import { AuditModule } from '@agent-controller/audit';
import { ClientsModule } from '@agent-controller/clients';
import { MetricsModule } from '@agent-controller/metrics';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookHealthPendingEntity } from './webhook-health-pending.entity';
import { WebhookOutbox } from './webhook-outbox';
import { WebhookEntity } from './webhook.entity';
import { WebhookMetrics } from './webhook.metrics';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

export const WEBHOOK_ENTITIES = [WebhookEntity, WebhookDeliveryEntity, WebhookHealthPendingEntity];

/** Outgoing webhooks: an outbox written with each change, delivered signed and retried by every replica. */
@Module({
  imports: [AgentManagerClientModule, AuditModule, ClientsModule, MetricsModule],
  controllers: [WebhooksController],
  providers: [WebhookDeliveryWorker, WebhookMetrics, WebhookOutbox, WebhooksRepository, WebhooksService],
})
export class WebhooksModule {}
