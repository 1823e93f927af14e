import { z } from 'zod';
import { pagingQueryShape } from './paging';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One changed field: secrets appear as "[redacted]", never their values. */
export const auditChangeSchema = z.object({ from: z.unknown().optional(), to: z.unknown().optional() });

export const auditEventSchema = z.object({
  id: z.uuid(),
  occurredAt: z.iso.datetime(),
  actorType: z.enum(['user', 'api-key', 'system']),
  actorId: z.uuid().nullable(),
  actorEmail: z.string().nullable(),
  action: z
    .string()
    .describe('e.g. client.create, client.rotate_key, user.lock, auth.login, agent.start, agent.file.write'),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  targetName: z
    .string()
    .nullable()
    .describe('The target’s name now (client name, user e-mail), or as the event recorded it once deleted'),
  outcome: z.enum(AUDIT_OUTCOMES),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  changes: z.record(z.string(), auditChangeSchema).nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const auditQuerySchema = z.strictObject({
  ...pagingQueryShape,
  actor: z.string().max(254).optional().describe('Actor user id or e-mail'),
  action: z.string().max(100).optional().describe('Exact action, or a prefix ending in "." (e.g. "client.")'),
  targetId: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Inclusive lower bound (ISO 8601)'),
  to: z.iso.datetime({ offset: true }).optional().describe('Exclusive upper bound (ISO 8601)'),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
