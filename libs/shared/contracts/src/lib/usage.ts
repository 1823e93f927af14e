import { z } from 'zod';
import { CLIENT_STATUSES, namedClientShape } from './clients';

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

/** Hourly usage is kept this long (the recorder deletes older rows), so a ranking cannot look further back. */
export const USAGE_RETENTION_HOURS = 7 * 24;

/** What `GET /api/clients/usage/top` ranks clients by. */
export const TOP_USAGE_ORDERS = ['requests', 'errors'] as const;
export type TopUsageOrder = (typeof TOP_USAGE_ORDERS)[number];

export const TOP_USAGE_MAX_LIMIT = 50;

export const topUsageQuerySchema = z.strictObject({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(USAGE_RETENTION_HOURS)
    .default(USAGE_WINDOW_HOURS)
    .describe(
      `The window: the current UTC hour and the ones before it, 1–${USAGE_RETENTION_HOURS} hours in all ` +
        `(usage is kept ${USAGE_RETENTION_HOURS} hours)`,
    ),
  by: z
    .enum(TOP_USAGE_ORDERS)
    .default('requests')
    .describe('Rank by proxied calls or by errors; ties go by the other count, then by id'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(TOP_USAGE_MAX_LIMIT)
    .default(5)
    .describe(`How many clients, 1–${TOP_USAGE_MAX_LIMIT}`),
});
export type TopUsageQuery = z.infer<typeof topUsageQuerySchema>;

export const topUsageSchema = z.object({
  hours: z.number().int().describe('The window asked for'),
  since: z.iso.datetime().describe('Start of the first UTC hour of the window'),
  by: z.enum(TOP_USAGE_ORDERS),
  clients: z
    .array(
      z.object({
        ...namedClientShape,
        status: z.enum(CLIENT_STATUSES),
        requests,
        errors,
        errorRate: z.number().min(0).max(1).describe('errors / requests'),
      }),
    )
    .describe('Busiest first; only clients with at least one call (or error, by errors) in the window'),
});
export type TopUsage = z.infer<typeof topUsageSchema>;
