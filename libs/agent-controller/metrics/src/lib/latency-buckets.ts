/**
 * Upper bounds (ms, inclusive) of the latency buckets, shared by the Prometheus histogram and the stored hourly
 * usage. Stored rows hold one count per bound plus one overflow count, by position: changing the bounds needs
 * a migration of `client_usage_hourly.latency_buckets`. The last bound is the default long remote timeout.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000,
];

/** One count per bound, and the overflow (slower than the last bound). */
export const LATENCY_BUCKET_COUNT = LATENCY_BOUNDS_MS.length + 1;

export function emptyLatencyBuckets(): number[] {
  return new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
}

export function latencyBucketIndex(durationMs: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => durationMs <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

/** Adds `from` to `into` element-wise (in place); a shorter array counts as zeros where it ends. */
export function addLatencyBuckets(into: number[], from: readonly number[]): number[] {
  for (let i = 0; i < from.length; i++) into[i] = (into[i] ?? 0) + from[i];
  return into;
}

/**
 * The `quantile` (0..1] of the calls counted in `buckets`, by nearest rank: the upper bound of the bucket that
 * holds the call at rank ceil(quantile × total). So `p95Ms = 250` reads "95 % of the calls took at most 250 ms".
 * A rank in the overflow bucket reports the last bound (the calls took longer). Null when nothing was counted.
 */
export function latencyPercentile(buckets: readonly number[], quantile: number): number | null {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(quantile * total));
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= rank) return LATENCY_BOUNDS_MS[Math.min(i, LATENCY_BOUNDS_MS.length - 1)];
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
}
