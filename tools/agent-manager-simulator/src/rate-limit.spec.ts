import { Throttler } from './rate-limit';

describe('Throttler', () => {
  let now = 1_000_000;
  const clock = (): number => now;
  let throttler: Throttler;

  beforeEach(() => {
    now = 1_000_000;
    throttler = new Throttler(3, 60_000, clock);
  });

  afterEach(() => throttler.close());

  it('allows `limit` hits, then blocks for the window and reports the times in seconds', () => {
    expect(throttler.hit('k')).toEqual({ blocked: false, totalHits: 1, timeToExpire: 60, timeToBlockExpire: 0 });
    now += 10_000;
    expect(throttler.hit('k').totalHits).toBe(2);
    expect(throttler.hit('k')).toMatchObject({ blocked: false, totalHits: 3, timeToExpire: 50 });
    const blocked = throttler.hit('k');
    expect(blocked).toMatchObject({ blocked: true, timeToBlockExpire: 60 });
    now += 30_000;
    expect(throttler.hit('k')).toMatchObject({ blocked: true, timeToBlockExpire: 30 });
  });

  it('counts keys separately', () => {
    for (let i = 0; i < 3; i++) throttler.hit('a');
    expect(throttler.hit('a').blocked).toBe(true);
    expect(throttler.hit('b').blocked).toBe(false);
  });

  it('lets requests through again when the block ends, counting from that request', () => {
    for (let i = 0; i < 4; i++) throttler.hit('k');
    now += 60_000;
    expect(throttler.hit('k')).toMatchObject({ blocked: false, totalHits: 1 });
  });

  it('expires each hit `ttl` after it was made', () => {
    throttler.hit('k');
    now += 30_000;
    throttler.hit('k');
    throttler.hit('k');
    now += 30_001;
    expect(throttler.hit('k')).toMatchObject({ blocked: false, totalHits: 3 });
  });

  it('forgets everything on reset', () => {
    for (let i = 0; i < 4; i++) throttler.hit('k');
    throttler.reset();
    expect(throttler.hit('k')).toMatchObject({ blocked: false, totalHits: 1 });
  });
});
