import type { WebhookDeliveryAttempt, WebhookDeliveryStatus } from '@agent-controller/shared-contracts';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookEntity } from './webhook.entity';

/**
 * The outbox: one row per event and webhook, written in the transaction of the change it tells. The delivery
 * worker of any replica claims due rows (`FOR UPDATE SKIP LOCKED`, then a lease through `claim_token` and
 * `next_attempt_at`) and records every attempt in `log`.
 */
@Entity('webhook_deliveries')
@Index('IDX_webhook_deliveries_webhook_created', ['webhookId', 'createdAt'])
@Index('IDX_webhook_deliveries_due', ['nextAttemptAt'], { where: `status = 'pending'` })
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId!: string;

  @ManyToOne(() => WebhookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id' })
  webhook?: WebhookEntity;

  @Column({ type: 'varchar', length: 64 })
  event!: string;

  /** The JSON envelope `{id, type, occurredAt, data}`; Slack formatting is applied when sent. */
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: WebhookDeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** When it is due; while claimed, when the claim lapses (another replica may then take it). */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'claim_token', type: 'uuid', nullable: true })
  claimToken!: string | null;

  @Column({ name: 'last_response_code', type: 'integer', nullable: true })
  lastResponseCode!: number | null;

  @Column({ name: 'last_duration_ms', type: 'integer', nullable: true })
  lastDurationMs!: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;

  @Column({ type: 'jsonb', default: [] })
  log!: WebhookDeliveryAttempt[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}
