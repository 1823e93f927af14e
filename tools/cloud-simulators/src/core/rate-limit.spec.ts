import { SlidingWindowLimiter, TokenBucketLimiter } from './rate-limit';

describe('SlidingWindowLimiter (DigitalOcean)', () => {
  it('counts each request for an hour and resets when the oldest expires', () => {
    let now = 1_000_000;
    const limiter = new SlidingWindowLimiter(3, 100, () => now);
    expect(limiter.hit('t')).toEqual({ limit: 3, remaining: 2, reset: 1000 + 3600, limited: false });
    now += 10_000;
    limiter.hit('t');
    expect(limiter.hit('t')).toMatchObject({ remaining: 0, limited: false });
    expect(limiter.hit('t')).toMatchObject({ remaining: 0, limited: true, reset: 1000 + 3600 });
    expect(limiter.peek('other')).toMatchObject({ remaining: 3 });
    now = 1_000_000 + 3_600_000;
    expect(limiter.hit('t')).toMatchObject({ remaining: 0, limited: false });
  });

  it('refuses a burst over the per-minute limit with retryAfter', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(5000, 2, () => now);
    limiter.hit('t');
    now = 20_000;
    limiter.hit('t');
    expect(limiter.hit('t')).toMatchObject({ limited: true, retryAfter: 40, remaining: 4998 });
    now = 60_001;
    expect(limiter.hit('t')).toMatchObject({ limited: false });
  });
});

describe('TokenBucketLimiter (Hetzner)', () => {
  it('allows a burst, refills one a second at 3600/h, and reports when it is full again', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(3600, () => now);
    expect(limiter.hit('t')).toEqual({ limit: 3600, remaining: 3599, reset: 1, limited: false });
    for (let i = 0; i < 3599; i++) limiter.hit('t');
    expect(limiter.hit('t')).toMatchObject({ remaining: 0, limited: true, reset: 3600 });
    now = 2000;
    expect(limiter.hit('t')).toMatchObject({ remaining: 1, limited: false });
    limiter.reset();
    expect(limiter.peek('t')).toMatchObject({ remaining: 3600 });
  });
});
