import type { AuditEntry } from '@agent-controller/audit';
import type { WebhookDeliveryEvent, WebhookEvent, WebhookFormat } from '@agent-controller/shared-contracts';

/** The client an event is about, as subscribers see it and as a webhook's team and selector are matched. */
export interface EventClient {
  id: string;
  name: string | null;
  teamId: string | null;
  labels: Record<string, string>;
  environment: string | null;
  status: string | null;
  healthState: string | null;
}

/** An event before it is fanned out to the webhooks that want it. */
export interface OutboxEvent {
  type: WebhookEvent;
  /** The client it is about, read in the changing transaction; null for events of no client. */
  clientId: string | null;
  /** A deleted client's last values (its row is gone by the time the event is written). */
  deletedClient?: EventClient;
  data: Record<string, unknown>;
}

/** The JSON body of a `json` webhook (a `slack` one gets `{text}` made from it). */
export interface WebhookEnvelope {
  id: string;
  type: WebhookDeliveryEvent;
  occurredAt: string;
  data: Record<string, unknown>;
}

const fromValue = (entry: AuditEntry, field: string): unknown => entry.changes?.[field]?.from;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The webhook event an audited change makes, if any. */
export function eventOfAudit(entry: AuditEntry): OutboxEvent | null {
  const clientId = entry.targetType === 'client' ? (entry.targetId ?? null) : null;
  switch (entry.action) {
    case 'client.create':
      return clientId ? { type: 'client.created', clientId, data: {} } : null;
    case 'client.update':
      if (!clientId || !entry.changes || Object.keys(entry.changes).length === 0) return null;
      return { type: 'client.updated', clientId, data: { changes: entry.changes } };
    case 'client.status': {
      const status = entry.changes?.['status'];
      if (!clientId || !status) return null;
      return { type: 'client.status_changed', clientId, data: { from: status.from, to: status.to } };
    }
    case 'client.delete': {
      if (!clientId) return null;
      const labels = fromValue(entry, 'labels');
      return {
        type: 'client.deleted',
        clientId,
        deletedClient: {
          id: clientId,
          name: text(fromValue(entry, 'name')),
          teamId: text(fromValue(entry, 'teamId')),
          labels: labels && typeof labels === 'object' ? (labels as Record<string, string>) : {},
          environment: text(fromValue(entry, 'environment')),
          status: text(fromValue(entry, 'status')),
          healthState: null,
        },
        data: entry.details ? { details: entry.details } : {},
      };
    }
    case 'provisioning.job_succeeded':
    case 'provisioning.job_failed':
      return {
        type: entry.action,
        clientId: text(entry.details?.['clientId']),
        data: { job: { id: entry.targetId ?? null, ...entry.details } },
      };
    case 'provisioning.orphan_found':
      return { type: 'orphan_server.found', clientId: null, data: { server: entry.details ?? {} } };
    default:
      return null;
  }
}

/** One line for humans (Slack), from the envelope. */
export function slackText(envelope: WebhookEnvelope): string {
  const data = envelope.data;
  const client = data['client'] as EventClient | undefined;
  const who = client ? `client *${client.name ?? client.id}*` : '';
  switch (envelope.type) {
    case 'ping':
      return `:wave: Webhook test from Agent Controller (${envelope.id})`;
    case 'client.health_changed': {
      const suppressed = Number(data['suppressedChanges'] ?? 0);
      const reason = data['reason'] ? ` (${String(data['reason'])})` : '';
      const flaps = suppressed > 0 ? `; ${suppressed} change${suppressed === 1 ? '' : 's'} in between suppressed` : '';
      return `${who} health: ${String(data['from'])} → ${String(data['to'])}${reason}${flaps}`;
    }
    case 'client.created':
      return `${who} created`;
    case 'client.updated':
      return `${who} updated: ${Object.keys((data['changes'] as object | undefined) ?? {}).join(', ')}`;
    case 'client.deleted':
      return `${who} deleted`;
    case 'client.status_changed':
      return `${who} status: ${String(data['from'])} → ${String(data['to'])}`;
    case 'provisioning.job_succeeded':
    case 'provisioning.job_failed': {
      const job = (data['job'] ?? {}) as Record<string, unknown>;
      const outcome = envelope.type === 'provisioning.job_succeeded' ? 'succeeded' : `failed: ${String(job['error'])}`;
      return `Provisioning job ${String(job['id'])}${job['clientName'] ? ` (${String(job['clientName'])})` : ''} ${outcome}`;
    }
    case 'orphan_server.found': {
      const server = (data['server'] ?? {}) as Record<string, unknown>;
      return `Orphaned cloud server found: ${String(server['serverName'])} (${String(server['providerType'])} ${String(server['serverId'])})`;
    }
  }
}

/** The request body for a webhook's format. */
export function renderBody(format: WebhookFormat, envelope: WebhookEnvelope): string {
  return JSON.stringify(format === 'slack' ? { text: `[${envelope.type}] ${slackText(envelope)}` } : envelope);
}
