import { USAGE_RETENTION_HOURS } from '@agent-controller/shared-contracts';

export const HOUR_MS = 3_600_000;

/** Hourly usage rows older than this are deleted by the recorder. */
export const USAGE_RETENTION_MS = USAGE_RETENTION_HOURS * HOUR_MS;

/** The start of the UTC hour `at` falls in: the key of an hourly usage row. */
export function startOfHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}
