/**
 * Every PostgreSQL advisory lock key of the controller, in one place so no two uses collide. Any fixed numbers
 * work; they only have to be the same in every replica (and stay the same across versions, so a rolling
 * upgrade never has an old and a new replica leading the same task).
 */
export const ADVISORY_LOCKS = {
  /** Held while one replica migrates the schema; the others wait for it. */
  migrations: 715_204_981,
  /** Held by the replica that runs the client health prober. */
  prober: 715_204_982,
  /** Held by the replica that runs the orphan reconciler. */
  reconciler: 728_341_002,
} as const;

/** Periodic work that exactly one replica of the fleet runs, named by the lock that elects it. */
export type LeaderTask = Exclude<keyof typeof ADVISORY_LOCKS, 'migrations'>;
