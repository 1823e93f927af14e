import { ClientUsage, TopUsage, TopUsageQuery, USAGE_WINDOW_HOURS } from '@agent-controller/shared-contracts';
import { ClientUsageHourlyEntity } from './client-usage-hourly.entity';
import { ClientUsageTotal } from './client-usage.repository';
import { addLatencyBuckets, emptyLatencyBuckets, latencyPercentile } from './latency-buckets';
import { HOUR_MS, startOfHour } from './usage-hours';

/** The first hour of the window of `hours` hours that ends with the hour `now` is in. */
export function usageWindowStart(now: Date, hours = USAGE_WINDOW_HOURS): Date {
  return new Date(startOfHour(now).getTime() - (hours - 1) * HOUR_MS);
}

/** Ranked totals → the top-usage answer, with each client's error rate. */
export function toTopUsageResponse(
  query: Pick<TopUsageQuery, 'hours' | 'by'>,
  since: Date,
  clients: ClientUsageTotal[],
): TopUsage {
  return {
    hours: query.hours,
    since: since.toISOString(),
    by: query.by,
    clients: clients.map((client) => ({
      ...client,
      errorRate: client.requests === 0 ? 0 : Math.min(1, client.errors / client.requests),
    })),
  };
}

/** Stored hours → the usage answer: every hour of the window, oldest first, missing hours as zeros. */
export function toClientUsageResponse(clientId: string, rows: ClientUsageHourlyEntity[], now: Date): ClientUsage {
  const byHour = new Map(rows.map((row) => [row.hour.getTime(), row]));
  const start = usageWindowStart(now).getTime();
  const allBuckets = emptyLatencyBuckets();
  let requests = 0;
  let errors = 0;
  const hourly = Array.from({ length: USAGE_WINDOW_HOURS }, (_, index) => {
    const hour = start + index * HOUR_MS;
    const row = byHour.get(hour);
    const buckets = row?.latencyBuckets ?? [];
    requests += row?.requests ?? 0;
    errors += row?.errors ?? 0;
    addLatencyBuckets(allBuckets, buckets);
    return {
      hour: new Date(hour).toISOString(),
      requests: row?.requests ?? 0,
      errors: row?.errors ?? 0,
      p50Ms: latencyPercentile(buckets, 0.5),
      p95Ms: latencyPercentile(buckets, 0.95),
    };
  });
  return {
    clientId,
    windowHours: USAGE_WINDOW_HOURS,
    totals: {
      requests,
      errors,
      errorRate: requests === 0 ? 0 : errors / requests,
      p50Ms: latencyPercentile(allBuckets, 0.5),
      p95Ms: latencyPercentile(allBuckets, 0.95),
    },
    hourly,
  };
}
