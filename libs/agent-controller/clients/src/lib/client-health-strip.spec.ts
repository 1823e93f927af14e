import { buildHealthStrip, healthStripStart, HealthStripSource } from './client-health-strip';

const FROM = new Date('2026-05-10T00:00:00.000Z');
const HOUR_MS = 3_600_000;

function source(overrides: Partial<HealthStripSource>): HealthStripSource {
  return {
    id: 'c1',
    createdAt: new Date(FROM.getTime() - 7 * 24 * HOUR_MS),
    current: 'healthy',
    before: null,
    firstFrom: null,
    hours: [],
    ...overrides,
  };
}

describe('healthStripStart', () => {
  it('starts 23 whole hours before the hour now falls in', () => {
    expect(healthStripStart(new Date('2026-05-10T23:41:07.000Z')).toISOString()).toBe('2026-05-10T00:00:00.000Z');
    expect(healthStripStart(new Date('2026-05-10T23:00:00.000Z')).toISOString()).toBe('2026-05-10T00:00:00.000Z');
  });
});

describe('buildHealthStrip', () => {
  it('fills every hour with the current state when nothing changed', () => {
    expect(buildHealthStrip(source({ current: 'degraded' }), FROM)).toEqual(Array(24).fill('degraded'));
  });

  it('colours an hour by the worst state it saw, and carries the state it ended in', () => {
    const strip = buildHealthStrip(
      source({
        current: 'healthy',
        before: 'healthy',
        firstFrom: 'healthy',
        hours: [
          // Down and back up within hour 3; down at hour 10, degraded at 12, healthy again at 15.
          { hour: 3, states: ['unreachable', 'healthy'], last: 'healthy' },
          { hour: 10, states: ['unreachable'], last: 'unreachable' },
          { hour: 12, states: ['degraded'], last: 'degraded' },
          { hour: 15, states: ['healthy'], last: 'healthy' },
        ],
      }),
      FROM,
    );
    expect(strip.slice(0, 5)).toEqual(['healthy', 'healthy', 'healthy', 'unreachable', 'healthy']);
    // Hour 12 began unreachable, so it stays red although it ended degraded.
    expect(strip.slice(9, 17)).toEqual([
      'healthy',
      'unreachable',
      'unreachable',
      'unreachable',
      'degraded',
      'degraded',
      'degraded',
      'healthy',
    ]);
  });

  it('starts from the first change’s earlier state when no change came before the window', () => {
    const strip = buildHealthStrip(
      source({
        current: 'healthy',
        firstFrom: 'auth_failed',
        hours: [{ hour: 5, states: ['healthy'], last: 'healthy' }],
      }),
      FROM,
    );
    expect(strip.slice(0, 6)).toEqual(Array(6).fill('auth_failed'));
    expect(strip[6]).toBe('healthy');
  });

  it('leaves the hours before the client was added empty', () => {
    const strip = buildHealthStrip(
      source({
        createdAt: new Date(FROM.getTime() + 20.5 * HOUR_MS),
        current: 'healthy',
        firstFrom: 'unknown',
        hours: [{ hour: 20, states: ['healthy'], last: 'healthy' }],
      }),
      FROM,
    );
    expect(strip.slice(0, 20)).toEqual(Array(20).fill(null));
    // The hour it was added in began unchecked, which says nothing: it reads as what the first check found.
    expect(strip.slice(20)).toEqual(['healthy', 'healthy', 'healthy', 'healthy']);
  });
});
