import { ProviderType } from '@agent-controller/shared-contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A labelled server of this controller that no live job or client accounts for, as the reconciler saw it. */
@Entity('provisioning_orphans')
export class OrphanServerEntity {
  @PrimaryColumn({ name: 'provider_type', type: 'varchar', length: 32 })
  providerType!: ProviderType;

  @PrimaryColumn({ name: 'server_id', type: 'varchar', length: 64 })
  serverId!: string;

  @Column({ name: 'server_name', type: 'varchar', length: 255 })
  serverName!: string;

  @Column({ name: 'job_id', type: 'varchar', length: 64, nullable: true })
  jobId!: string | null;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
