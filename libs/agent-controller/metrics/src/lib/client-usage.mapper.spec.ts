import { ClientUsageHourlyEntity } from './client-usage-hourly.entity';
import { toClientUsageResponse, toTopUsageResponse, usageWindowStart } from './client-usage.mapper';
import { emptyLatencyBuckets, latencyBucketIndex } from './latency-buckets';

const CLIENT_ID = '0b7c5a8e-1f7e-4c1e-9d55-0a4a4b0f5b11';
const NOW = new Date('2026-05-10T12:34:56.000Z');

function row(hour: string, requests: number, errors: number, durations: number[]): ClientUsageHourlyEntity {
  const latencyBuckets = emptyLatencyBuckets();
  for (const duration of durations) latencyBuckets[latencyBucketIndex(duration)] += 1;
  return { clientId: CLIENT_ID, hour: new Date(hour), requests, errors, latencyBuckets };
}

describe('usageWindowStart', () => {
  it('is the start of the hour 23 hours before the current one', () => {
    expect(usageWindowStart(NOW).toISOString()).toBe('2026-05-09T13:00:00.000Z');
  });

  it('is the start of the current hour for a window of one hour, and a week back for 168', () => {
    expect(usageWindowStart(NOW, 1).toISOString()).toBe('2026-05-10T12:00:00.000Z');
    expect(usageWindowStart(NOW, 168).toISOString()).toBe('2026-05-03T13:00:00.000Z');
  });
});

describe('toTopUsageResponse', () => {
  it('keeps the ranking and adds each error rate', () => {
    const since = new Date('2026-05-09T13:00:00.000Z');
    const client = { name: 'c', health: 'healthy' as const, status: 'active' as const };
    const answer = toTopUsageResponse({ hours: 24, by: 'errors' }, since, [
      { ...client, id: 'b', requests: 8, errors: 2 },
      { ...client, id: 'a', requests: 400, errors: 1 },
    ]);

    expect(answer).toMatchObject({ hours: 24, by: 'errors', since: '2026-05-09T13:00:00.000Z' });
    expect(answer.clients.map(({ id, errorRate }) => [id, errorRate])).toEqual([
      ['b', 0.25],
      ['a', 0.0025],
    ]);
  });
});

describe('toClientUsageResponse', () => {
  it('has 24 hours oldest first, ending with the current one, zeros and null percentiles where nothing ran', () => {
    const usage = toClientUsageResponse(CLIENT_ID, [], NOW);

    expect(usage).toMatchObject({ clientId: CLIENT_ID, windowHours: 24 });
    expect(usage.hourly).toHaveLength(24);
    expect(usage.hourly[0].hour).toBe('2026-05-09T13:00:00.000Z');
    expect(usage.hourly[23].hour).toBe('2026-05-10T12:00:00.000Z');
    expect(usage.hourly[5]).toEqual({
      hour: '2026-05-09T18:00:00.000Z',
      requests: 0,
      errors: 0,
      p50Ms: null,
      p95Ms: null,
    });
    expect(usage.totals).toEqual({ requests: 0, errors: 0, errorRate: 0, p50Ms: null, p95Ms: null });
  });

  it('puts each stored hour in its place and sums the window, percentiles from the summed buckets', () => {
    const rows = [row('2026-05-09T20:00:00.000Z', 3, 1, [40, 40, 4000]), row('2026-05-10T12:00:00.000Z', 1, 0, [200])];

    const usage = toClientUsageResponse(CLIENT_ID, rows, NOW);

    expect(usage.hourly[7]).toEqual({
      hour: '2026-05-09T20:00:00.000Z',
      requests: 3,
      errors: 1,
      p50Ms: 50,
      p95Ms: 5000,
    });
    expect(usage.hourly[23]).toEqual({
      hour: '2026-05-10T12:00:00.000Z',
      requests: 1,
      errors: 0,
      p50Ms: 250,
      p95Ms: 250,
    });
    expect(usage.totals).toEqual({ requests: 4, errors: 1, errorRate: 0.25, p50Ms: 50, p95Ms: 5000 });
  });
});
