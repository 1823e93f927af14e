import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LoginAccountLimits } from '@agent-controller/core';
import { DataSource, EntityManager } from 'typeorm';
import { delaySchedule, MAX_DELAY_SECONDS, ThrottleState } from './login-throttle.policy';

/** An attempt either goes ahead (counted) or is refused with the state that refused it. */
export type AdmitResult = { admitted: true; failures: number } | { admitted: false; state: ThrottleState };

interface StateRow {
  locked_until: Date | null;
  next_attempt_at: Date | null;
  now: Date;
}

/**
 * Every query on `login_throttles`. Each change is one statement, so concurrent attempts (from any replica)
 * queue on the row and each sees the previous one's effect: a burst cannot slip past the budget.
 */
@Injectable()
export class LoginThrottleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts an attempt before the password is checked, unless the account is locked or must still wait. */
  async admit(email: string, limits: LoginAccountLimits): Promise<AdmitResult> {
    // A window that has passed (and no lock running) starts over; a new e-mail gets its row.
    await this.dataSource.query(
      `INSERT INTO login_throttles (email, failures, window_started_at) VALUES ($1, 0, now())
       ON CONFLICT (email) DO UPDATE SET failures = 0, window_started_at = now(), next_attempt_at = NULL,
         locked_until = NULL
       WHERE login_throttles.window_started_at <= now() - make_interval(secs => $2::float8)
         AND (login_throttles.locked_until IS NULL OR login_throttles.locked_until <= now())`,
      [email, limits.windowSeconds],
    );
    // In SET, "failures" is the count before this attempt.
    const admitted = rowsOf<{ failures: number }>(
      await this.dataSource.query(
        `UPDATE login_throttles SET
           failures = failures + 1,
           next_attempt_at = CASE WHEN failures + 1 > $2::int THEN now() + make_interval(
             secs => COALESCE(($3::int[])[failures + 1 - $2::int], $4::int)) END,
           locked_until = CASE WHEN failures + 1 >= $5::int THEN now() + make_interval(secs => $6::float8) END
         WHERE email = $1
           AND (locked_until IS NULL OR locked_until <= now())
           AND (next_attempt_at IS NULL OR next_attempt_at <= now())
         RETURNING failures`,
        [email, limits.freeFailures, delaySchedule(limits), MAX_DELAY_SECONDS, limits.maxFailures, limits.lockSeconds],
      ),
    );
    if (admitted.length > 0) return { admitted: true, failures: admitted[0].failures };
    const [row] = await this.dataSource.query<StateRow[]>(
      `SELECT locked_until, next_attempt_at, now() AS now FROM login_throttles WHERE email = $1`,
      [email],
    );
    // No row: a success forgave the account meanwhile; the caller may simply try again.
    return {
      admitted: false,
      state: row
        ? { lockedUntil: row.locked_until, nextAttemptAt: row.next_attempt_at, now: row.now }
        : { lockedUntil: null, nextAttemptAt: null, now: new Date() },
    };
  }

  /** A successful log-in, or an admin's unlock: the count and any lock end. */
  async forget(email: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(`DELETE FROM login_throttles WHERE email = $1`, [email]);
  }

  /** Whether the account's log-in is locked right now (for an admin's unlock to report what it cleared). */
  async isLocked(email: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM login_throttles WHERE email = $1 AND locked_until > now()`,
      [email],
    );
    return rows.length > 0;
  }

  /** Drops the rows whose window and lock have both passed: they would start over anyway. */
  async deleteStale(windowSeconds: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM login_throttles
       WHERE window_started_at <= now() - make_interval(secs => $1::float8)
         AND (locked_until IS NULL OR locked_until <= now())`,
      [windowSeconds],
    );
  }
}

/** node-postgres answers `[rows, count]` for UPDATE … RETURNING through TypeORM's query(). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}
