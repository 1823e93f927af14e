import { nextAttemptAt, retryDelayMs } from './webhook-retry';

const POLICY = { baseMs: 10_000, maxMs: 3_600_000, retryForMs: 86_400_000 };

describe('webhook retry backoff', () => {
  it('waits 10 s after the first failure and doubles each time', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(POLICY, attempt))).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000,
    ]);
  });

  it('never waits more than the cap, however many attempts', () => {
    expect(retryDelayMs(POLICY, 10)).toBe(3_600_000);
    expect(retryDelayMs(POLICY, 1_000)).toBe(3_600_000);
  });

  it('schedules the next attempt from now, and gives up once past 24 h since the delivery was made', () => {
    const createdAt = new Date('2026-01-01T00:00:00Z');
    const now = new Date('2026-01-01T00:01:00Z');
    expect(nextAttemptAt(POLICY, 2, createdAt, now)).toEqual(new Date('2026-01-01T00:01:20Z'));
    const late = new Date('2026-01-01T23:30:00Z');
    expect(nextAttemptAt(POLICY, 20, createdAt, late)).toBeNull();
  });

  it('retries for about a day: the attempts a dead receiver gets add up to under 24 h', () => {
    let elapsed = 0;
    let attempts = 1;
    const createdAt = new Date(0);
    for (;;) {
      const next = nextAttemptAt(POLICY, attempts, createdAt, new Date(elapsed));
      if (!next) break;
      elapsed = next.getTime();
      attempts += 1;
    }
    expect(elapsed).toBeLessThanOrEqual(86_400_000);
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(40);
  });
});
