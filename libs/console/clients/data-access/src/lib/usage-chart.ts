import type { ClientUsageHour } from '@agent-controller/shared-contracts';

export interface UsageBar {
  hour: string;
  requests: number;
  errors: number;
  x: number;
  width: number;
  /** Height of the whole bar (requests) and of its error part, in chart units. */
  height: number;
  errorHeight: number;
}

/** Lays out one bar per hour in a `width` × `height` chart, scaled to the busiest hour (never divides by 0). */
export function usageBars(hourly: readonly ClientUsageHour[], width: number, height: number, gap = 2): UsageBar[] {
  if (hourly.length === 0) return [];
  const max = Math.max(1, ...hourly.map((hour) => hour.requests));
  const slot = width / hourly.length;
  return hourly.map((hour, index) => ({
    hour: hour.hour,
    requests: hour.requests,
    errors: hour.errors,
    x: index * slot + gap / 2,
    width: Math.max(1, slot - gap),
    height: (hour.requests / max) * height,
    errorHeight: (Math.min(hour.errors, hour.requests) / max) * height,
  }));
}

/** The chart in one sentence, for screen readers. */
export function usageSummary(hourly: readonly ClientUsageHour[]): string {
  const total = hourly.reduce((sum, hour) => sum + hour.requests, 0);
  if (total === 0) return `No requests in the last ${hourly.length} hours.`;
  const busiest = hourly.reduce((best, hour) => (hour.requests > best.requests ? hour : best));
  const errors = hourly.reduce((sum, hour) => sum + hour.errors, 0);
  const time = busiest.hour.slice(11, 16);
  return `${total} requests and ${errors} errors in the last ${hourly.length} hours; busiest hour ${time} UTC with ${busiest.requests} requests.`;
}
