import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * The single pending first-run setup token (only its hash). Kept in the database, not in memory, so any
 * replica can accept it; consuming it deletes the row, which is what makes setup happen exactly once.
 */
@Entity('setup_tokens')
@Check('CHK_setup_tokens_singleton', '"id" = 1')
export class SetupTokenEntity {
  @PrimaryColumn({ type: 'smallint', default: 1 })
  id!: number;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
