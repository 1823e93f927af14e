import { encryptedColumn } from '@agent-controller/database';
import { AgentType, ClientAuthenticationType, ClientStatus, HealthState } from '@agent-controller/shared-contracts';
import { UserEntity } from '@agent-controller/auth';
import { TeamEntity } from './teams/team.entity';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** The remote's configuration as last fetched from `GET /api/config`. */
export interface StoredClientConfig {
  gitRepositoryUrl: string | null;
  agentTypes: AgentType[];
  fetchedAt: string;
}

/** One remote agent-manager this controller manages. */
@Entity('clients')
// Case-insensitive uniqueness lives in an expression index the migration creates (TypeORM cannot express it).
@Index('UQ_clients_name_lower', { synchronize: false })
@Index('IDX_clients_created_at', ['createdAt'])
@Index('IDX_clients_user_id', ['userId'])
@Index('IDX_clients_environment', ['environment'])
@Index('IDX_clients_team_id', ['teamId'])
// GIN with jsonb_ops (not jsonb_path_ops): both containment (@>, selector `=`/`in`) and key existence (?) use it.
@Index('IDX_clients_labels', { synchronize: false })
@Check('CHK_clients_authentication_type', `"authentication_type" IN ('api_key', 'keycloak')`)
@Check('CHK_clients_status', `"status" IN ('active', 'inactive')`)
@Check('CHK_clients_agent_ws_port', `"agent_ws_port" BETWEEN 1 AND 65535`)
export class ClientEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 2048 })
  endpoint!: string;

  @Column({ name: 'authentication_type', type: 'varchar', length: 16 })
  authenticationType!: ClientAuthenticationType;

  // Secrets are not loaded (nor decrypted) unless a query asks for them: only calls to the remote need them.
  @Column({ name: 'api_key', type: 'text', nullable: true, transformer: encryptedColumn, select: false })
  apiKey!: string | null;

  /** Whether the stored key is short (see isWeakApiKey): kept beside the key so reads never decrypt it. */
  @Column({ name: 'weak_api_key', type: 'boolean', default: false })
  weakApiKey!: boolean;

  @Column({ name: 'keycloak_client_id', type: 'varchar', length: 255, nullable: true })
  keycloakClientId!: string | null;

  @Column({ name: 'keycloak_client_secret', type: 'text', nullable: true, transformer: encryptedColumn, select: false })
  keycloakClientSecret!: string | null;

  @Column({ name: 'keycloak_realm', type: 'varchar', length: 255, nullable: true })
  keycloakRealm!: string | null;

  @Column({ name: 'keycloak_auth_server_url', type: 'varchar', length: 2048, nullable: true })
  keycloakAuthServerUrl!: string | null;

  @Column({ name: 'agent_ws_port', type: 'integer', default: 8080 })
  agentWsPort!: number;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: ClientStatus;

  /** The creator; null for clients made with the API key or whose creator was deleted. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'user_id' })
  creator?: UserEntity | null;

  @Column({ type: 'jsonb', nullable: true })
  config!: StoredClientConfig | null;

  @Column({ name: 'health_state', type: 'varchar', length: 16, default: 'unknown' })
  healthState!: HealthState;

  @Column({ name: 'health_reason', type: 'varchar', length: 1000, nullable: true })
  healthReason!: string | null;

  @Column({ name: 'health_checked_at', type: 'timestamptz', nullable: true })
  healthCheckedAt!: Date | null;

  @Column({ name: 'health_last_seen_at', type: 'timestamptz', nullable: true })
  healthLastSeenAt!: Date | null;

  @Column({ name: 'health_latency_ms', type: 'integer', nullable: true })
  healthLatencyMs!: number | null;

  @Column({ name: 'key_created_at', type: 'timestamptz', nullable: true })
  keyCreatedAt!: Date | null;

  @Column({ name: 'key_rotated_at', type: 'timestamptz', nullable: true })
  keyRotatedAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'is_auto_provisioned', type: 'boolean', default: false })
  isAutoProvisioned!: boolean;

  /** One of the configured environments (CLIENT_ENVIRONMENTS); checked by the service, which knows the list. */
  @Column({ type: 'text', default: 'production' })
  environment!: string;

  /** Kubernetes-style labels, key → value (at most 20, syntax checked by the shared schema). */
  @Column({ type: 'jsonb', default: {} })
  labels!: Record<string, string>;

  /** The team whose members reach the client; a team with clients cannot be deleted (RESTRICT). */
  @Column({ name: 'team_id', type: 'uuid', nullable: true })
  teamId!: string | null;

  @ManyToOne(() => TeamEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'team_id', foreignKeyConstraintName: 'FK_clients_team_id' })
  team?: TeamEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
