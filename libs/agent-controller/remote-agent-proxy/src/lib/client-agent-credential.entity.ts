import { ClientEntity } from '@agent-controller/clients';
import { encryptedColumn } from '@agent-controller/database';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

/** An agent's one-time password as the remote issued it, kept (encrypted) so the gateway can log the agent in. */
@Entity('client_agent_credentials')
@Unique('UQ_client_agent_credentials_client_agent', ['clientId', 'agentId'])
export class ClientAgentCredentialEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => ClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: ClientEntity;

  /** The remote's agent id (a UUID on the remote; no foreign key: it lives there). */
  @Column({ name: 'agent_id', type: 'uuid' })
  agentId!: string;

  @Column({ type: 'text', transformer: encryptedColumn, select: false })
  password!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
