import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A controller process sharing this database, as it last said it was alive (every few seconds). Rows of
 * replicas that stopped saying so are removed; nothing else depends on this table.
 */
@Entity('replicas')
export class ReplicaEntity {
  /** Made by the process when it starts; a restart is a new replica. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  hostname!: string;

  @Column({ type: 'integer' })
  pid!: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  /** Whether it shares Socket.IO events and rate limits with the fleet through Redis (REDIS_URL). */
  @Column({ name: 'has_redis', type: 'boolean' })
  hasRedis!: boolean;
}
