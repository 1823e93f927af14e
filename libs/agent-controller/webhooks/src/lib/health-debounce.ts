/** A client's health changes not announced yet, folded into one. */
export interface PendingHealth {
  /** The state before the first change of the run: what subscribers last heard (or would have). */
  from: string;
  to: string;
  reason: string | null;
  /** Transitions folded in. */
  changes: number;
  firstChangedAt: Date;
  lastChangedAt: Date;
}

export interface HealthTransition {
  from: string;
  to: string;
  reason: string | null;
  at: Date;
}

/** Adds a transition to what is pending (nothing pending: it starts a run from its `from`). */
export function foldHealthChange(pending: PendingHealth | null, change: HealthTransition): PendingHealth {
  if (!pending) {
    return {
      from: change.from,
      to: change.to,
      reason: change.reason,
      changes: 1,
      firstChangedAt: change.at,
      lastChangedAt: change.at,
    };
  }
  return { ...pending, to: change.to, reason: change.reason, changes: pending.changes + 1, lastChangedAt: change.at };
}

export type HealthSettlement =
  | { kind: 'wait' }
  /** The remote came back to where it started before the new state held: nothing to tell. */
  | { kind: 'drop' }
  | { kind: 'announce'; from: string; to: string; reason: string | null; suppressedChanges: number; since: Date };

/** What to do with a pending run once `holdMs` may have passed since its last change. */
export function settleHealth(pending: PendingHealth, now: Date, holdMs: number): HealthSettlement {
  if (now.getTime() - pending.lastChangedAt.getTime() < holdMs) return { kind: 'wait' };
  if (pending.from === pending.to) return { kind: 'drop' };
  return {
    kind: 'announce',
    from: pending.from,
    to: pending.to,
    reason: pending.reason,
    suppressedChanges: pending.changes - 1,
    since: pending.lastChangedAt,
  };
}
