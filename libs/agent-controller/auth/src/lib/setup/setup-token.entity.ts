import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A pending first-run setup token (only its hash): one per replica start, so whichever replica's log an operator
 * reads, its token works. Kept in the database, not in memory, so any replica can accept any of them; setup
 * consumes them all, which is what makes it happen exactly once.
 */
@Entity('setup_tokens')
export class SetupTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
