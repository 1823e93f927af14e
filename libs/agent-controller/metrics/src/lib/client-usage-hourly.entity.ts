import { ClientEntity } from '@agent-controller/clients';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * Proxied calls of one client in one UTC hour. Every replica adds its own counts to the row (never sets
 * them), so the sum is right however many replicas served the client. Indexed by hour too: the busiest-clients
 * ranking reads one window of hours of every client (a day of a week's rows), and retention deletes by hour.
 */
@Entity('client_usage_hourly')
@Index('IDX_client_usage_hourly_hour', ['hour'])
export class ClientUsageHourlyEntity {
  @PrimaryColumn({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: ClientEntity;

  /** Start of the UTC hour. */
  @PrimaryColumn({ type: 'timestamptz' })
  hour!: Date;

  @Column({ type: 'int' })
  requests!: number;

  @Column({ type: 'int' })
  errors!: number;

  /** Calls per latency bucket, by position in `LATENCY_BOUNDS_MS` (plus the overflow last). */
  @Column({ name: 'latency_buckets', type: 'int', array: true })
  latencyBuckets!: number[];
}
