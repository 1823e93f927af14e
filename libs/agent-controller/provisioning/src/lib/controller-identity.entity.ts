import { CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The one row that names this controller installation (shared by its replicas through the database). Cloud
 * servers are labelled with it, so the reconciler only ever considers servers this controller made.
 */
@Entity('controller_identity')
export class ControllerIdentityEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
