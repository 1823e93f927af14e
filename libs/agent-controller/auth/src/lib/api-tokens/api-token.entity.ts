import { TokenAccess } from '@agent-controller/shared-contracts';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

/** A scoped API token. Only its keyed hash is stored; the token itself is shown once. */
@Entity('api_tokens')
@Index('UQ_api_tokens_token_hash', ['tokenHash'], { unique: true })
@Index('IDX_api_tokens_user_id', ['userId'])
@Check('CHK_api_tokens_access', `"access" IN ('read', 'operate', 'manage')`)
export class ApiTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ type: 'varchar', length: 16 })
  access!: TokenAccess;

  @Column({ name: 'client_ids', type: 'uuid', array: true, nullable: true })
  clientIds!: string[] | null;

  @Column({ name: 'team_ids', type: 'uuid', array: true, nullable: true })
  teamIds!: string[] | null;

  @Column({ type: 'text', nullable: true })
  selector!: string | null;

  @Column({ name: 'allowed_cidrs', type: 'text', array: true, nullable: true })
  allowedCidrs!: string[] | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'last_used_ip', type: 'varchar', length: 64, nullable: true })
  lastUsedIp!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
