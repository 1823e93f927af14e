/** How retries are paced: the first after `baseMs`, each next twice as long, never more than `maxMs`. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** A delivery still failing this long after it was made is given up. */
  retryForMs: number;
}

/** The wait after failed attempt number `attempt` (1 for the first). */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  return Math.min(policy.baseMs * 2 ** exponent, policy.maxMs);
}

/** When to try again after failed attempt `attempt`, or null when the delivery is given up. */
export function nextAttemptAt(policy: RetryPolicy, attempt: number, createdAt: Date, now: Date): Date | null {
  const next = new Date(now.getTime() + retryDelayMs(policy, attempt));
  return next.getTime() - createdAt.getTime() > policy.retryForMs ? null : next;
}
