import {
  addLatencyBuckets,
  emptyLatencyBuckets,
  LATENCY_BOUNDS_MS,
  LATENCY_BUCKET_COUNT,
  latencyBucketIndex,
  latencyPercentile,
} from './latency-buckets';

/** Buckets with `count` calls at each of the given bounds (the overflow bucket for a non-bound). */
function bucketsWith(entries: Array<[durationMs: number, count: number]>): number[] {
  const buckets = emptyLatencyBuckets();
  for (const [durationMs, count] of entries) buckets[latencyBucketIndex(durationMs)] += count;
  return buckets;
}

describe('latencyBucketIndex', () => {
  it('puts a duration in the first bucket whose upper bound it does not exceed (bounds inclusive)', () => {
    expect(latencyBucketIndex(0)).toBe(0);
    expect(latencyBucketIndex(10)).toBe(0);
    expect(latencyBucketIndex(10.5)).toBe(1);
    expect(latencyBucketIndex(250)).toBe(LATENCY_BOUNDS_MS.indexOf(250));
    expect(latencyBucketIndex(251)).toBe(LATENCY_BOUNDS_MS.indexOf(500));
  });

  it('puts anything slower than the last bound in the overflow bucket', () => {
    expect(latencyBucketIndex(300_001)).toBe(LATENCY_BUCKET_COUNT - 1);
    expect(emptyLatencyBuckets()).toHaveLength(LATENCY_BUCKET_COUNT);
  });
});

describe('addLatencyBuckets', () => {
  it('adds element-wise in place and treats missing elements as zero', () => {
    const into = [1, 2, 3];
    expect(addLatencyBuckets(into, [10, 20, 30, 40])).toBe(into);
    expect(into).toEqual([11, 22, 33, 40]);
    expect(addLatencyBuckets([5, 5], [1])).toEqual([6, 5]);
  });
});

describe('latencyPercentile', () => {
  it('is null when nothing was counted', () => {
    expect(latencyPercentile(emptyLatencyBuckets(), 0.5)).toBeNull();
    expect(latencyPercentile([], 0.95)).toBeNull();
  });

  it('reports the upper bound of the bucket holding the nearest-rank call', () => {
    // 10 calls: 5 ≤ 50 ms, 4 ≤ 250 ms, 1 ≤ 2500 ms.
    const buckets = bucketsWith([
      [50, 5],
      [250, 4],
      [2500, 1],
    ]);
    expect(latencyPercentile(buckets, 0.5)).toBe(50); // rank 5
    expect(latencyPercentile(buckets, 0.6)).toBe(250); // rank 6
    expect(latencyPercentile(buckets, 0.9)).toBe(250); // rank 9
    expect(latencyPercentile(buckets, 0.95)).toBe(2500); // rank ceil(9.5) = 10
  });

  it('gives a single call as every percentile', () => {
    const buckets = bucketsWith([[700, 1]]);
    expect(latencyPercentile(buckets, 0.5)).toBe(1000);
    expect(latencyPercentile(buckets, 0.95)).toBe(1000);
  });

  it('reports the last bound for calls in the overflow bucket', () => {
    expect(latencyPercentile(bucketsWith([[900_000, 3]]), 0.95)).toBe(300_000);
  });

  it('reads stored arrays shorter than the current bucket list', () => {
    expect(latencyPercentile([0, 2, 2], 0.5)).toBe(25);
  });
});
