import { ClientEntity } from '@agent-controller/clients';
import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';

/**
 * A client's health change not announced yet: written in the transaction of the transition, folded with the next
 * ones until the state has held WEBHOOK_HEALTH_HOLD_SECONDS, then turned into deliveries (or dropped when the
 * remote came back to where it started).
 */
@Entity('webhook_health_pending')
export class WebhookHealthPendingEntity {
  @PrimaryColumn({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @OneToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: ClientEntity;

  /** The state before the first change of this run (the last one announced, or held). */
  @Column({ name: 'from_state', type: 'varchar', length: 16 })
  from!: string;

  @Column({ name: 'to_state', type: 'varchar', length: 16 })
  to!: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason!: string | null;

  @Column({ type: 'integer' })
  changes!: number;

  @Column({ name: 'first_changed_at', type: 'timestamptz' })
  firstChangedAt!: Date;

  @Column({ name: 'last_changed_at', type: 'timestamptz' })
  lastChangedAt!: Date;
}
