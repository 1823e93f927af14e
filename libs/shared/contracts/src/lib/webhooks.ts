import { z } from 'zod';
import { labelSelectorSchema } from './clients';
import { pagingQueryShape } from './paging';

/** What a webhook may subscribe to. `ping` is sent by `POST /api/webhooks/:id/test` only. */
export const WEBHOOK_EVENTS = [
  'client.health_changed',
  'client.created',
  'client.updated',
  'client.deleted',
  'client.status_changed',
  'provisioning.job_succeeded',
  'provisioning.job_failed',
  'orphan_server.found',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type WebhookDeliveryEvent = WebhookEvent | 'ping';

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

const name = z.string().trim().min(1).max(100).describe('1–100 characters, trimmed');
const url = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .describe(
    'http(s) URL the events are POSTed to; checked like a client endpoint when saved and at every delivery (no internal targets unless CLIENT_ENDPOINT_ALLOW_INTERNAL_HOST=true)',
  );
const events = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1)
  .max(WEBHOOK_EVENTS.length)
  .transform((list) => [...new Set(list)])
  .describe('The events wanted');
const teamId = z
  .uuid()
  .nullable()
  .describe('Only events of clients in this team; required for team admins (a team they administer)');
const selector = labelSelectorSchema.nullable().describe('Only events of clients whose labels match this selector');
const secret = z
  .string()
  .min(16)
  .max(256)
  .describe('HMAC-SHA256 signing secret (16–256 characters); generated when omitted, returned only on create');
const format = z.enum(WEBHOOK_FORMATS).describe('`json`: the event envelope; `slack`: a Slack-compatible `{text}`');

export const createWebhookRequestSchema = z.strictObject({
  name: name.optional(),
  url,
  events,
  teamId: teamId.optional(),
  selector: selector.optional(),
  secret: secret.optional(),
  format: format.default('json'),
  enabled: z.boolean().default(true),
});
export type CreateWebhookRequest = z.infer<typeof createWebhookRequestSchema>;

export const updateWebhookRequestSchema = z
  .strictObject({
    name: name.optional(),
    url: url.optional(),
    events: events.optional(),
    teamId: teamId.optional(),
    selector: selector.optional(),
    secret: secret.optional().describe('A new signing secret (not returned)'),
    format: format.optional(),
    enabled: z.boolean().optional().describe('true also re-enables a webhook disabled after failures'),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'At least one field must be given' });
export type UpdateWebhookRequest = z.infer<typeof updateWebhookRequestSchema>;

export const webhookSchema = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  teamId: z.uuid().nullable(),
  selector: z.string().nullable(),
  format: z.enum(WEBHOOK_FORMATS),
  enabled: z.boolean(),
  disabledReason: z.string().nullable().describe('Why it was disabled automatically (consecutive failures)'),
  consecutiveFailures: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Webhook = z.infer<typeof webhookSchema>;

export const createdWebhookSchema = webhookSchema.extend({
  secret: z.string().describe('The signing secret; shown only in this answer'),
});
export type CreatedWebhook = z.infer<typeof createdWebhookSchema>;

export const webhookDeliveryAttemptSchema = z.object({
  attempt: z.number().int(),
  at: z.iso.datetime(),
  succeeded: z.boolean(),
  responseCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
});
export type WebhookDeliveryAttempt = z.infer<typeof webhookDeliveryAttemptSchema>;

export const webhookDeliverySchema = z.object({
  id: z.uuid().describe('Sent as X-Webhook-Id'),
  webhookId: z.uuid(),
  event: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  responseCode: z.number().int().nullable().describe('Of the last attempt'),
  durationMs: z.number().int().nullable().describe('Of the last attempt'),
  error: z.string().nullable().describe('Of the last attempt'),
  createdAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().nullable(),
  log: z.array(webhookDeliveryAttemptSchema).describe('Every attempt, oldest first'),
  payload: z.record(z.string(), z.unknown()).describe('The JSON envelope (before Slack formatting)'),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveriesQuerySchema = z.strictObject({ ...pagingQueryShape });
export type WebhookDeliveriesQuery = z.infer<typeof webhookDeliveriesQuerySchema>;

export const webhookDeliveryParamsSchema = z.strictObject({ id: z.uuid(), deliveryId: z.uuid() });
