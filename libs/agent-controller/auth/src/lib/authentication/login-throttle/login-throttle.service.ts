import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, appConfig } from '@agent-controller/core';
import { PeriodicTasks } from '@agent-controller/database';
import { EntityManager } from 'typeorm';
import { refusalFor } from './login-throttle.policy';
import { LoginThrottleRepository } from './login-throttle.repository';

/**
 * Stale rows are swept this often, by every replica (deleting twice is harmless); they are harmless meanwhile:
 * the next attempt starts them over.
 */
const SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * The per-account log-in budget (users mode), on top of the per-address one: a few quick failures, then a
 * doubling wait between attempts, then a timed lock. Keyed by the e-mail tried, so unknown e-mails are
 * answered the same way and the budget holds however many addresses a guesser uses.
 */
@Injectable()
export class LoginThrottle implements OnApplicationBootstrap {
  constructor(
    private readonly throttles: LoginThrottleRepository,
    private readonly tasks: PeriodicTasks,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  /** Counts the attempt before the password is checked; 429 (LOGIN_LOCKED / LOGIN_THROTTLED) when over budget. */
  async admit(email: string): Promise<void> {
    const result = await this.throttles.admit(email, this.config.rateLimit.loginAccount);
    if (!result.admitted) throw refusalFor(result.state);
  }

  /** After the right password: the count starts over. */
  forgive(email: string): Promise<void> {
    return this.throttles.forget(email);
  }

  /** An admin's unlock; true when a log-in lock was running. */
  async clear(email: string, manager: EntityManager): Promise<boolean> {
    const wasLocked = await this.throttles.isLocked(email, manager);
    await this.throttles.forget(email, manager);
    return wasLocked;
  }

  onApplicationBootstrap(): void {
    if (this.config.auth.method !== 'users') return;
    this.tasks.schedule('LoginThrottleSweep', { everyMs: SWEEP_INTERVAL_MS }, () =>
      this.throttles.deleteStale(this.config.rateLimit.loginAccount.windowSeconds),
    );
  }
}
