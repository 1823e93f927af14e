import { DomainError, LoginAccountLimits } from '@agent-controller/core';

/** The longest slow-down between two attempts; past it, only the lock slows a guesser further. */
export const MAX_DELAY_SECONDS = 60;

/**
 * The waits after the 1st, 2nd, … counted failure beyond the free ones: doubling from the configured delay up to
 * MAX_DELAY_SECONDS, which every later failure waits too. The repository applies it inside its UPDATE.
 */
export function delaySchedule(limits: Pick<LoginAccountLimits, 'delaySeconds'>): number[] {
  const schedule: number[] = [];
  for (let delay = Math.min(limits.delaySeconds, MAX_DELAY_SECONDS); ; delay = Math.min(delay * 2, MAX_DELAY_SECONDS)) {
    schedule.push(delay);
    if (delay === MAX_DELAY_SECONDS) return schedule;
  }
}

/** Seconds the next attempt must wait once `failures` attempts were counted in the window (0: none). */
export function delayAfter(failures: number, limits: LoginAccountLimits): number {
  const beyondFree = failures - limits.freeFailures;
  if (beyondFree <= 0) return 0;
  const schedule = delaySchedule(limits);
  return schedule[Math.min(beyondFree, schedule.length) - 1];
}

/** Why an attempt was not let through, as the database saw it (its clock, not this process's). */
export interface ThrottleState {
  lockedUntil: Date | null;
  nextAttemptAt: Date | null;
  now: Date;
}

/**
 * The 429 for an attempt that was not let through: the lock names its end, the slow-down when to try again; both
 * carry `retryAfterSeconds`, which the exception filter sends as `Retry-After`. The same for unknown e-mails.
 */
export function refusalFor(state: ThrottleState): DomainError {
  const { lockedUntil, nextAttemptAt, now } = state;
  if (lockedUntil && lockedUntil > now) {
    const until = lockedUntil.toISOString();
    return new DomainError('LOGIN_LOCKED', `Too many failed log-ins for this account: it is locked until ${until}`, {
      lockedUntil: until,
      retryAfterSeconds: secondsBetween(now, lockedUntil),
    });
  }
  const retryAt = nextAttemptAt && nextAttemptAt > now ? nextAttemptAt : new Date(now.getTime() + 1000);
  const seconds = secondsBetween(now, retryAt);
  return new DomainError('LOGIN_THROTTLED', `Too many failed log-ins for this account: try again in ${seconds} s`, {
    retryAt: retryAt.toISOString(),
    retryAfterSeconds: seconds,
  });
}

function secondsBetween(from: Date, to: Date): number {
  return Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 1000));
}
