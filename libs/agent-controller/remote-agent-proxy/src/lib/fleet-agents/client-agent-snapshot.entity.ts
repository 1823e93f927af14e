import { ClientEntity } from '@agent-controller/clients';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * One agent of one client as its remote listed it at `snapshotAt` (refreshed by the health prober), so the
 * fleet's agents can be listed and searched without calling every remote. The trigram indexes serve the
 * case-insensitive substring search (ILIKE); the expression index the list's order by name.
 */
@Entity('client_agent_snapshots')
@Index('IDX_client_agent_snapshots_name_trgm', { synchronize: false })
@Index('IDX_client_agent_snapshots_description_trgm', { synchronize: false })
@Index('IDX_client_agent_snapshots_name_order', { synchronize: false })
@Index('IDX_client_agent_snapshots_agent_type', ['agentType'])
export class ClientAgentSnapshotEntity {
  @PrimaryColumn({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: ClientEntity;

  /** The remote's agent id (no foreign key: the agent lives there). */
  @PrimaryColumn({ name: 'agent_id', type: 'uuid' })
  agentId!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'agent_type', type: 'varchar', length: 50, nullable: true })
  agentType!: string | null;

  @Column({ name: 'container_type', type: 'varchar', length: 50, nullable: true })
  containerType!: string | null;

  /** From the remote's `containerStats` (Socket.IO only); null until one was heard. */
  @Column({ type: 'boolean', nullable: true })
  running!: boolean | null;

  @Column({ name: 'state_reported_at', type: 'timestamptz', nullable: true })
  stateReportedAt!: Date | null;

  /** The remote's own `createdAt`. */
  @Column({ name: 'remote_created_at', type: 'timestamptz', nullable: true })
  remoteCreatedAt!: Date | null;

  @Column({ name: 'snapshot_at', type: 'timestamptz' })
  snapshotAt!: Date;
}
