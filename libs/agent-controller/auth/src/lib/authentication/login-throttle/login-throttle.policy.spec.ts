import { LoginAccountLimits } from '@agent-controller/core';
import { delayAfter, delaySchedule, refusalFor } from './login-throttle.policy';

const limits: LoginAccountLimits = {
  freeFailures: 3,
  delaySeconds: 1,
  maxFailures: 10,
  windowSeconds: 900,
  lockSeconds: 900,
};

describe('log-in throttle policy', () => {
  describe('delaySchedule', () => {
    it('doubles from the configured delay up to 60 s', () => {
      expect(delaySchedule({ delaySeconds: 1 })).toEqual([1, 2, 4, 8, 16, 32, 60]);
      expect(delaySchedule({ delaySeconds: 5 })).toEqual([5, 10, 20, 40, 60]);
      expect(delaySchedule({ delaySeconds: 60 })).toEqual([60]);
    });
  });

  describe('delayAfter', () => {
    it('lets the free failures through at once, then makes each further one wait longer, at most 60 s', () => {
      const waits = Array.from({ length: 12 }, (_, index) => delayAfter(index + 1, limits));
      expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
    });

    it('slows down from the first failure when none are free', () => {
      expect(delayAfter(1, { ...limits, freeFailures: 0 })).toBe(1);
    });
  });

  describe('refusalFor', () => {
    const now = new Date('2026-12-06T16:00:00.000Z');

    it('names the end of a running lock, in the message, the details and retryAfterSeconds', () => {
      const lockedUntil = new Date('2026-12-06T16:14:59.200Z');
      const error = refusalFor({ lockedUntil, nextAttemptAt: new Date('2026-12-06T16:01:00.000Z'), now });
      expect(error.status).toBe(429);
      expect(error.code).toBe('LOGIN_LOCKED');
      expect(error.message).toContain('2026-12-06T16:14:59.200Z');
      expect(error.details).toEqual({ lockedUntil: '2026-12-06T16:14:59.200Z', retryAfterSeconds: 900 });
    });

    it('tells how long to wait during the slow-down', () => {
      const error = refusalFor({ lockedUntil: null, nextAttemptAt: new Date('2026-12-06T16:00:03.500Z'), now });
      expect(error.status).toBe(429);
      expect(error.code).toBe('LOGIN_THROTTLED');
      expect(error.details).toEqual({ retryAt: '2026-12-06T16:00:03.500Z', retryAfterSeconds: 4 });
      expect(error.message).toContain('4 s');
    });

    it('counts a lock that has just ended as a slow-down of at least a second, never 0', () => {
      const error = refusalFor({ lockedUntil: now, nextAttemptAt: null, now });
      expect(error.code).toBe('LOGIN_THROTTLED');
      expect(error.details?.['retryAfterSeconds']).toBe(1);
    });
  });
});
