import { z } from 'zod';

/** The usage answer covers the current UTC hour and the 23 before it. */
export const USAGE_WINDOW_HOURS = 24;

const requests = z.number().int().min(0).describe('Proxied calls answered');
const errors = z
  .number()
  .int()
  .min(0)
  .describe('Calls answered with a status of 500 or more, or with a REMOTE_* code; 4xx caused by the caller are not');
const p50Ms = z
  .number()
  .nullable()
  .describe('Median latency: upper bound (ms) of the latency bucket holding it; null without calls');
const p95Ms = z
  .number()
  .nullable()
  .describe('95th percentile latency: upper bound (ms) of the latency bucket holding it; null without calls');

export const clientUsageHourSchema = z.object({
  hour: z.iso.datetime().describe('Start of the UTC hour'),
  requests,
  errors,
  p50Ms,
  p95Ms,
});
export type ClientUsageHour = z.infer<typeof clientUsageHourSchema>;

export const clientUsageSchema = z.object({
  clientId: z.uuid(),
  windowHours: z.literal(USAGE_WINDOW_HOURS),
  totals: z.object({
    requests,
    errors,
    errorRate: z.number().min(0).max(1).describe('errors / requests; 0 without calls'),
    p50Ms,
    p95Ms,
  }),
  hourly: z
    .array(clientUsageHourSchema)
    .describe('One entry per hour of the window, oldest first; hours without calls have zeros'),
});
export type ClientUsage = z.infer<typeof clientUsageSchema>;
