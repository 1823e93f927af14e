import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A team: the clients it holds are reached by its members (admins as client admins, members as client users). */
@Entity('teams')
@Index('UQ_teams_name_lower', { synchronize: false })
export class TeamEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Defaults for a client created in the team; its own values win. */
  @Column({ name: 'default_agent_ws_port', type: 'integer', nullable: true })
  defaultAgentWsPort!: number | null;

  @Column({ name: 'default_keycloak_realm', type: 'varchar', length: 255, nullable: true })
  defaultKeycloakRealm!: string | null;

  @Column({ name: 'default_keycloak_auth_server_url', type: 'varchar', length: 2048, nullable: true })
  defaultKeycloakAuthServerUrl!: string | null;

  @Column({ name: 'default_labels', type: 'jsonb', default: {} })
  defaultLabels!: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
