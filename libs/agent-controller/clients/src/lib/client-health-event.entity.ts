import { HealthState } from '@agent-controller/shared-contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ClientEntity } from './client.entity';

/** One change of a client's health state; the history the console draws as a timeline. */
@Entity('client_health_events')
@Index('IDX_client_health_events_client_at', ['clientId', 'at'])
export class ClientHealthEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: ClientEntity;

  @Column({ name: 'from_state', type: 'varchar', length: 16 })
  from!: HealthState;

  @Column({ name: 'to_state', type: 'varchar', length: 16 })
  to!: HealthState;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;
}
