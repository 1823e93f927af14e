import { HttpErrorResponse } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import { apiErrorMessage, type ListPage, type PageRequest, PagedListStore } from '@agent-controller/console-core';
import type {
  CreatedWebhook,
  CreateWebhookRequest,
  Team,
  UpdateWebhookRequest,
  Webhook,
  WebhookDelivery,
  WebhookEvent,
  WebhookFormat,
} from '@agent-controller/shared-contracts';
import { selectorProblem } from './tokens.store';
import { WebhooksApi } from './webhooks.api';

/**
 * The events a webhook may subscribe to, with a line each: the contract's WEBHOOK_EVENTS (a value the console may
 * not import from the main entry point), checked against its type both ways so a new event fails the build here.
 */
export const WEBHOOK_EVENT_CHOICES = [
  { event: 'client.health_changed', label: 'Client health changed (debounced)' },
  { event: 'client.created', label: 'Client created' },
  { event: 'client.updated', label: 'Client updated' },
  { event: 'client.deleted', label: 'Client deleted' },
  { event: 'client.status_changed', label: 'Client status changed' },
  { event: 'provisioning.job_succeeded', label: 'Provisioning job succeeded' },
  { event: 'provisioning.job_failed', label: 'Provisioning job failed' },
  { event: 'orphan_server.found', label: 'Orphan server found' },
] as const satisfies readonly { event: WebhookEvent; label: string }[];
type EveryEventOffered =
  Exclude<WebhookEvent, (typeof WEBHOOK_EVENT_CHOICES)[number]['event']> extends never ? true : never;
const everyEventOffered: EveryEventOffered = true;
void everyEventOffered;

export const WEBHOOK_FORMAT_CHOICES: readonly { format: WebhookFormat; label: string }[] = [
  { format: 'json', label: 'JSON (the event envelope)' },
  { format: 'slack', label: 'Slack ({"text": …}, for an incoming webhook)' },
];

/** The contract's limits on a given secret. */
export const WEBHOOK_SECRET_MIN_LENGTH = 16;
export const WEBHOOK_SECRET_MAX_LENGTH = 256;

/** What the create dialog holds. */
export interface WebhookFormValue {
  name: string;
  url: string;
  events: WebhookEvent[];
  /** '' for no team. */
  teamId: string;
  selector: string;
  format: WebhookFormat;
  secret: string;
}

/** The form's values: empty for a new webhook, or an existing one's (its secret is never shown: empty keeps it). */
export function webhookFormValue(webhook?: Webhook): WebhookFormValue {
  if (!webhook) return { name: '', url: '', events: [], teamId: '', selector: '', format: 'json', secret: '' };
  return {
    name: webhook.name ?? '',
    url: webhook.url,
    events: [...webhook.events],
    teamId: webhook.teamId ?? '',
    selector: webhook.selector ?? '',
    format: webhook.format,
    secret: '',
  };
}

/**
 * The update for what the form changed of `webhook`, or null when nothing did. An emptied team or selector is
 * removed (null); a name cannot be removed, so an emptied one is left as it was; an empty secret keeps the secret.
 */
export function toWebhookUpdate(webhook: Webhook, value: WebhookFormValue): UpdateWebhookRequest | null {
  const request: UpdateWebhookRequest = {};
  const name = value.name.trim();
  if (name && name !== webhook.name) request.name = name;
  if (value.url.trim() !== webhook.url) request.url = value.url.trim();
  if ([...value.events].sort().join() !== [...webhook.events].sort().join()) request.events = value.events;
  if (value.format !== webhook.format) request.format = value.format;
  if ((value.teamId || null) !== webhook.teamId) request.teamId = value.teamId || null;
  const selector = value.selector.trim() || null;
  if (selector !== webhook.selector) request.selector = selector;
  if (value.secret) request.secret = value.secret;
  return Object.keys(request).length > 0 ? request : null;
}

/** The create request for the form: empty optional fields are left out (the API generates the secret). */
export function toWebhookRequest(value: WebhookFormValue): CreateWebhookRequest {
  const request: CreateWebhookRequest = {
    url: value.url.trim(),
    events: value.events,
    format: value.format,
    enabled: true,
  };
  if (value.name.trim()) request.name = value.name.trim();
  if (value.teamId) request.teamId = value.teamId;
  if (value.selector.trim()) request.selector = value.selector.trim();
  if (value.secret) request.secret = value.secret;
  return request;
}

/** Why a typed URL cannot be sent, or undefined when it may be (the API checks the rest). */
export function webhookUrlProblem(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'Must be an http(s) URL';
  } catch {
    return 'Not a URL';
  }
}

/** Why a label selector cannot be used (the API's own parser), or undefined when it can: as a token's. */
export const webhookSelectorProblem = selectorProblem;

/** Why a given secret cannot be used, or undefined when it can. */
export function webhookSecretProblem(text: string): string | undefined {
  if (text.length < WEBHOOK_SECRET_MIN_LENGTH) return `At least ${WEBHOOK_SECRET_MIN_LENGTH} characters`;
  if (text.length > WEBHOOK_SECRET_MAX_LENGTH) return `At most ${WEBHOOK_SECRET_MAX_LENGTH} characters`;
  return undefined;
}

/**
 * Where the API's refusals of a create request go in the form: an event's (`events.0`) beside the events picker;
 * the rest by their own names.
 */
export function webhookErrorAliases(errors: Record<string, string>): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const field of Object.keys(errors)) {
    if (/^events\.\d+$/.test(field)) aliases[field] = 'events';
  }
  return aliases;
}

/** What a webhook hears about, a line per narrowing: "All clients" when none. */
export function webhookScope(webhook: Webhook, teamNames: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  if (webhook.teamId) lines.push(`Team: ${teamNames.get(webhook.teamId) ?? 'another team'}`);
  if (webhook.selector) lines.push(`Labels: ${webhook.selector}`);
  if (lines.length === 0) lines.push('All clients');
  return lines;
}

export type WebhookState = 'enabled' | 'disabled';

export function webhookState(webhook: Webhook): WebhookState {
  return webhook.enabled ? 'enabled' : 'disabled';
}

/** How a webhook is called on the page: its name, else its URL. */
export function webhookLabel(webhook: Pick<Webhook, 'name' | 'url'>): string {
  return webhook.name || webhook.url;
}

/** One line for a delivery's outcome: "succeeded (HTTP 200, 35 ms)", "failed: timeout", "pending (attempt 2)". */
export function deliverySummary(delivery: WebhookDelivery): string {
  const details = [
    delivery.responseCode === null ? null : `HTTP ${delivery.responseCode}`,
    delivery.durationMs === null ? null : `${delivery.durationMs} ms`,
  ].filter((part) => part !== null);
  const summary = details.length > 0 ? `${delivery.status} (${details.join(', ')})` : delivery.status;
  return delivery.error ? `${summary}: ${delivery.error}` : summary;
}

/** What the page says when the API refuses the caller webhooks altogether. */
export const WEBHOOKS_FORBIDDEN =
  'Only global admins and team admins manage webhooks. Ask an admin of your team to add one for you.';

function forbidden(error: unknown): boolean {
  return error instanceof HttpErrorResponse && error.status === 403;
}

/** Rows of a webhook list page: the API answers every webhook at once, so pages are cut here. */
function pageOf(webhooks: Webhook[], { pageIndex, pageSize }: PageRequest<Record<string, never>>): ListPage<Webhook> {
  return { items: webhooks.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize), total: webhooks.length };
}

/**
 * The webhooks page: the caller's webhooks (paged here), the ones disabled after failures, the teams a webhook may
 * be scoped to, creating (the secret is answered once), deleting, sending a test and re-enabling. A refused action
 * is kept in `actionError` as the controller's sentence; a 403 on the list sets `forbidden`.
 */
@Injectable()
export class WebhooksStore extends PagedListStore<Webhook> {
  private readonly api = inject(WebhooksApi);
  /** The rows by their own name; the same signal as `items`. */
  readonly webhooks = this.items;
  /** Every webhook the caller owns (not only this page's), for the banner of disabled ones. */
  readonly all = signal<Webhook[]>([]);
  readonly disabled = computed(() => this.all().filter((webhook) => !webhook.enabled));
  readonly forbidden = signal(false);
  readonly teams = signal<Team[]>([]);
  readonly teamNames = computed(() => new Map(this.teams().map((team) => [team.id, team.name])));
  readonly actionError = signal<string | null>(null);
  readonly busyId = signal<string | null>(null);
  /** The last test of each webhook (by id) sent from this page. */
  readonly tests = signal<ReadonlyMap<string, WebhookDelivery>>(new Map());
  private teamsRead?: Promise<void>;

  constructor() {
    super({ filters: {}, pageSize: 25 });
  }

  protected async fetchPage(request: PageRequest<Record<string, never>>): Promise<ListPage<Webhook>> {
    try {
      const [webhooks] = await Promise.all([this.api.list(), this.readTeams()]);
      this.forbidden.set(false);
      this.all.set(webhooks);
      return pageOf(webhooks, request);
    } catch (error) {
      if (!forbidden(error)) throw error;
      this.forbidden.set(true);
      this.all.set([]);
      throw new Error(WEBHOOKS_FORBIDDEN);
    }
  }

  /** Creates the webhook and reads the list again; a refusal is thrown to the dialog, which shows it per field. */
  async createWebhook(request: CreateWebhookRequest): Promise<CreatedWebhook> {
    const created = await this.api.create(request);
    this.actionError.set(null);
    this.pageIndex.set(0);
    await this.load();
    return created;
  }

  /** Saves changes and reads the list again; a refusal is thrown to the dialog, which shows it per field. */
  async updateWebhook(webhook: Webhook, request: UpdateWebhookRequest): Promise<Webhook> {
    const updated = await this.api.update(webhook.id, request);
    this.actionError.set(null);
    await this.load();
    return updated;
  }

  async deleteWebhook(webhook: Webhook): Promise<boolean> {
    return this.act(webhook, 'delete', () => this.api.delete(webhook.id));
  }

  /** Turns a disabled webhook on again (its failure count starts over). */
  async enableWebhook(webhook: Webhook): Promise<boolean> {
    return this.act(webhook, 're-enable', () => this.api.update(webhook.id, { enabled: true }));
  }

  /** Sends a ping and keeps its delivery in `tests`; the list is read again (a failure may have disabled it). */
  async testWebhook(webhook: Webhook): Promise<WebhookDelivery | null> {
    let delivery: WebhookDelivery | null = null;
    await this.act(webhook, 'test', async () => {
      delivery = await this.api.test(webhook.id);
      const sent = delivery;
      this.tests.update((tests) => new Map(tests).set(webhook.id, sent));
    });
    return delivery;
  }

  private async act(webhook: Webhook, verb: string, action: () => Promise<unknown>): Promise<boolean> {
    this.busyId.set(webhook.id);
    this.actionError.set(null);
    try {
      await action();
      return true;
    } catch (error) {
      this.actionError.set(`Could not ${verb} ${webhookLabel(webhook)}: ${apiErrorMessage(error)}`);
      return false;
    } finally {
      await this.load();
      this.busyId.set(null);
    }
  }

  /** Once per page visit: a team list that cannot be read leaves the picker empty, not the page broken. */
  private readTeams(): Promise<void> {
    this.teamsRead ??= this.api.teams().then(
      (teams) => this.teams.set(teams),
      () => {
        this.teamsRead = undefined;
      },
    );
    return this.teamsRead;
  }
}

/**
 * One webhook's page: the webhook, its delivery log (newest first, paged by X-Total-Count), redelivering one and
 * sending a test. Set `webhookId` before the first load.
 */
@Injectable()
export class WebhookDeliveriesStore extends PagedListStore<WebhookDelivery> {
  private readonly api = inject(WebhooksApi);
  readonly webhookId = signal('');
  readonly webhook = signal<Webhook | null>(null);
  readonly deliveries = this.items;
  readonly actionError = signal<string | null>(null);
  readonly busyId = signal<string | null>(null);
  /** The last test or redelivery started here, and its delivery (a test's finished, a redelivery's queued). */
  readonly lastSent = signal<{ what: 'Test' | 'Redelivery'; delivery: WebhookDelivery } | null>(null);

  constructor() {
    super({ filters: {}, pageSize: 25 });
  }

  protected async fetchPage({ pageIndex, pageSize }: PageRequest<Record<string, never>>) {
    const id = this.webhookId();
    try {
      const [webhook, page] = await Promise.all([
        this.api.get(id),
        this.api.deliveries(id, pageSize, pageIndex * pageSize),
      ]);
      this.webhook.set(webhook);
      return { items: page.deliveries, total: page.total };
    } catch (error) {
      if (forbidden(error)) throw new Error(WEBHOOKS_FORBIDDEN);
      throw error;
    }
  }

  /** Sends the delivery's payload again as a new delivery, then reads the log from its first page. */
  async redeliver(delivery: WebhookDelivery): Promise<boolean> {
    return this.send(delivery.id, 'Redelivery', 'redeliver', () => this.api.redeliver(this.webhookId(), delivery.id));
  }

  /** Sends a ping now; the answer is the finished delivery. */
  async test(): Promise<boolean> {
    return this.send('test', 'Test', 'send a test', () => this.api.test(this.webhookId()));
  }

  /** Turns the webhook on again after it was disabled. */
  async enable(): Promise<boolean> {
    this.busyId.set('enable');
    this.actionError.set(null);
    try {
      this.webhook.set(await this.api.update(this.webhookId(), { enabled: true }));
      return true;
    } catch (error) {
      this.actionError.set(`Could not re-enable the webhook: ${apiErrorMessage(error)}`);
      return false;
    } finally {
      this.busyId.set(null);
    }
  }

  private async send(
    busy: string,
    what: 'Test' | 'Redelivery',
    verb: string,
    action: () => Promise<WebhookDelivery>,
  ): Promise<boolean> {
    this.busyId.set(busy);
    this.actionError.set(null);
    try {
      this.lastSent.set({ what, delivery: await action() });
      return true;
    } catch (error) {
      this.actionError.set(`Could not ${verb}: ${apiErrorMessage(error)}`);
      return false;
    } finally {
      this.pageIndex.set(0);
      await this.load();
      this.busyId.set(null);
    }
  }
}
