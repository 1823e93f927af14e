import { UserEntity } from '@agent-controller/auth';
import { ClientEntity } from '@agent-controller/clients';
import { encryptedColumn } from '@agent-controller/database';
import {
  ClientAuthenticationType,
  JobStatus,
  ProviderType,
  ProvisioningStep,
} from '@agent-controller/shared-contracts';
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

/** What the new client and its server are made of, without secrets (those are in `secrets`). */
export interface ProvisioningSettings {
  description: string | null;
  authenticationType: ClientAuthenticationType;
  agentWsPort: number;
  keycloakClientId: string | null;
  keycloakRealm: string | null;
  keycloakAuthServerUrl: string | null;
  gitRepositoryUrl: string | null;
  gitUsername: string | null;
  agentDefaultImage: string | null;
  /** Agent-manager settings passed on as its environment; absent in jobs made before they existed. */
  autoEnrichEnabledGlobal?: boolean | null;
  autoEnrichVectorMaxCosineDistance?: number | null;
}

/** Secrets of the job, one encrypted JSON value; only the steps that need them read it. */
export interface ProvisioningSecrets {
  apiKey?: string;
  keycloakClientSecret?: string;
  gitToken?: string;
  gitPassword?: string;
  gitPrivateKey?: string;
  cursorApiKey?: string;
}

/**
 * One provisioning run, persisted step by step so any replica can resume it after a restart, and so a
 * server never exists without a row that says where it is.
 */
@Entity('provisioning_jobs')
@Index('IDX_provisioning_jobs_created_at', ['createdAt'])
export class ProvisioningJobEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  status!: JobStatus;

  @Column({ name: 'provider_type', type: 'varchar', length: 32 })
  providerType!: ProviderType;

  @Column({ name: 'server_type', type: 'varchar', length: 64 })
  serverType!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  location!: string | null;

  @Column({ name: 'client_name', type: 'varchar', length: 255 })
  clientName!: string;

  @Column({ type: 'jsonb' })
  settings!: ProvisioningSettings;

  @Column({ type: 'text', transformer: encryptedColumn, select: false })
  secrets!: string;

  @Column({ type: 'jsonb' })
  steps!: ProvisioningStep[];

  /** The cloud's server name: derived from the job id, so a lost create can be found again. */
  @Column({ name: 'server_name', type: 'varchar', length: 255 })
  serverName!: string;

  @Column({ name: 'server_id', type: 'varchar', length: 64, nullable: true })
  serverId!: string | null;

  @Column({ name: 'server_ipv4', type: 'varchar', length: 64, nullable: true })
  serverIpv4!: string | null;

  @Column({ name: 'server_deleted_at', type: 'timestamptz', nullable: true })
  serverDeletedAt!: Date | null;

  @Index('IDX_provisioning_jobs_client_id')
  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId!: string | null;

  @ManyToOne(() => ClientEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'client_id' })
  client?: ClientEntity;

  @Column({ type: 'jsonb' })
  warnings!: string[];

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by' })
  creator?: UserEntity;

  /** SHA-256 of the single-use token the server fetches its environment with; cleared once used. */
  @Column({ name: 'bootstrap_token_hash', type: 'varchar', length: 64, nullable: true, select: false })
  bootstrapTokenHash!: string | null;

  @Column({ name: 'bootstrap_expires_at', type: 'timestamptz', nullable: true })
  bootstrapExpiresAt!: Date | null;

  /** Which process runs the job, until when; an expired lease is taken over by any replica. */
  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @Index('IDX_provisioning_jobs_lease')
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
