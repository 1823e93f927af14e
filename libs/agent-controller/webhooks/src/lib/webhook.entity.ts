import { TeamEntity } from '@agent-controller/clients';
import { encryptedColumn } from '@agent-controller/database';
import type { WebhookEvent, WebhookFormat } from '@agent-controller/shared-contracts';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** Where events are POSTed, which ones, for which clients (a team, a label selector), signed with its secret. */
@Entity('webhooks')
@Index('IDX_webhooks_team_id', ['teamId'])
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'text', array: true })
  events!: WebhookEvent[];

  /** Deleting the team deletes its webhooks (their owners were its admins). */
  @Column({ name: 'team_id', type: 'uuid', nullable: true })
  teamId!: string | null;

  @ManyToOne(() => TeamEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'team_id' })
  team?: TeamEntity | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  selector!: string | null;

  @Column({ type: 'text', transformer: encryptedColumn, select: false })
  secret!: string;

  @Column({ type: 'varchar', length: 16, default: 'json' })
  format!: WebhookFormat;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'disabled_reason', type: 'varchar', length: 1000, nullable: true })
  disabledReason!: string | null;

  /** Failed attempts since the last success: at WEBHOOK_DISABLE_AFTER_FAILURES the webhook is disabled. */
  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
