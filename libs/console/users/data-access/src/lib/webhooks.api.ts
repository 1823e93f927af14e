import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  CreatedWebhook,
  CreateWebhookRequest,
  Team,
  UpdateWebhookRequest,
  Webhook,
  WebhookDelivery,
} from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

export interface WebhookDeliveriesPage {
  deliveries: WebhookDelivery[];
  total: number;
}

/**
 * /api/webhooks (global admins any scope, team admins their teams'; anyone else 403), typed by the shared
 * contracts.
 */
@Injectable({ providedIn: 'root' })
export class WebhooksApi {
  private readonly http = inject(HttpClient);

  /** Every webhook the caller owns, not paged. */
  list(): Promise<Webhook[]> {
    return firstValueFrom(this.http.get<Webhook[]>(apiPaths.webhooks.list));
  }

  get(id: string): Promise<Webhook> {
    return firstValueFrom(this.http.get<Webhook>(apiPaths.webhooks.one(id)));
  }

  /** The answer carries the signing secret, the only time it is shown. */
  create(request: CreateWebhookRequest): Promise<CreatedWebhook> {
    return firstValueFrom(this.http.post<CreatedWebhook>(apiPaths.webhooks.list, request));
  }

  /** `{enabled: true}` also re-enables a webhook disabled after failures. */
  update(id: string, request: UpdateWebhookRequest): Promise<Webhook> {
    return firstValueFrom(this.http.post<Webhook>(apiPaths.webhooks.one(id), request));
  }

  delete(id: string): Promise<unknown> {
    return firstValueFrom(this.http.delete(apiPaths.webhooks.one(id)));
  }

  /** Sends a `ping` now and answers with its delivery (sent, or failed, by then). */
  test(id: string): Promise<WebhookDelivery> {
    return firstValueFrom(this.http.post<WebhookDelivery>(apiPaths.webhooks.test(id), {}));
  }

  /** One page of the delivery log, newest first, with how many there are in all (X-Total-Count). */
  async deliveries(id: string, limit: number, offset: number): Promise<WebhookDeliveriesPage> {
    const params = new HttpParams({ fromObject: { limit, offset } });
    const response = await firstValueFrom(
      this.http.get<WebhookDelivery[]>(apiPaths.webhooks.deliveries(id), { params, observe: 'response' }),
    );
    return { deliveries: response.body ?? [], total: Number(response.headers.get('x-total-count') ?? 0) };
  }

  /** The same payload as a new delivery (202), sent by the worker shortly. */
  redeliver(id: string, deliveryId: string): Promise<WebhookDelivery> {
    return firstValueFrom(this.http.post<WebhookDelivery>(apiPaths.webhooks.redeliver(id, deliveryId), {}));
  }

  /** The teams a webhook may be scoped to: every team for a global admin, else the caller's own. */
  teams(): Promise<Team[]> {
    return firstValueFrom(this.http.get<Team[]>(apiPaths.teams.list));
  }
}
