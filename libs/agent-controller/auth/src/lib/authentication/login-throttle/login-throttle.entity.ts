import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The log-in budget of one account, keyed by the normalised e-mail that was tried (known or not, so the answer
 * never tells whether an account exists). Only changed by single atomic statements (LoginThrottleRepository),
 * so replicas sharing the database share the budget.
 */
@Entity('login_throttles')
export class LoginThrottleEntity {
  @PrimaryColumn({ type: 'varchar', length: 254 })
  email!: string;

  /** Attempts counted in the current window; an attempt counts when it starts and is forgiven by a success. */
  @Column({ type: 'integer', default: 0 })
  failures!: number;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt!: Date;

  /** The next attempt is refused before this time (the slow-down). */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  /** Every attempt is refused before this time (the lock), even with the right password. */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;
}
