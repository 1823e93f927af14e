import { UserRole } from '@agent-controller/shared-contracts';
import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('users')
@Check('CHK_users_role', `"role" IN ('admin', 'user')`)
@Check('CHK_users_email_lower_case', `"email" = lower("email")`)
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 254, unique: true })
  email!: string;

  /** argon2id hash; null for users who only sign in through an identity provider. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'user' })
  role!: UserRole;

  /** The identity provider's subject (`sub`) for users who sign in through Keycloak. */
  @Column({ name: 'keycloak_subject', type: 'varchar', length: 255, nullable: true, unique: true })
  keycloakSubject!: string | null;

  @Column({ name: 'locked_at', type: 'timestamptz', nullable: true })
  lockedAt!: Date | null;

  /** Bumped when a password changes or the user is locked: older tokens stop working at once. */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion!: number;

  /** Set on each successful sign-in; kept off `updated_at` so signing in is not an edit. */
  @Column({ name: 'last_sign_in_at', type: 'timestamptz', nullable: true })
  lastSignInAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
