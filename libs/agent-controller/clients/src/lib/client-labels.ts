import { MAX_LABELS } from '@agent-controller/shared-contracts';

export type LabelMap = Record<string, string>;

/**
 * Keys in alphabetical order. PostgreSQL keeps jsonb keys in its own order (shortest first), a request in the
 * caller's: sorting both makes answers stable and audit diffs see only real changes.
 */
export function canonicalLabels(labels: LabelMap): LabelMap {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `labels` with `added` on top (a key already there takes the new value), or why that is too many. */
export function mergeLabels(labels: LabelMap, added: LabelMap): { labels: LabelMap } | { problem: string } {
  const merged = canonicalLabels({ ...labels, ...added });
  const count = Object.keys(merged).length;
  if (count > MAX_LABELS) return { problem: `would have ${count} labels; at most ${MAX_LABELS}` };
  return { labels: merged };
}

/** `labels` without `keys` (keys it does not have are ignored). */
export function removeLabels(labels: LabelMap, keys: readonly string[]): LabelMap {
  return canonicalLabels(Object.fromEntries(Object.entries(labels).filter(([key]) => !keys.includes(key))));
}
