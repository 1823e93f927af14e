import { NgTemplateOutlet } from '@angular/common';
import { Component, computed, effect, inject, input, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { ActionError, Breadcrumbs, CardField, ListCard, PagedTable, TimeComponent } from '@agent-controller/console-ui';
import { deliverySummary, WebhookDeliveriesStore, webhookLabel } from '@agent-controller/console-users-data-access';
import type { WebhookDelivery } from '@agent-controller/shared-contracts';

/**
 * One webhook: what it is sent, whether it is disabled (and why, with a re-enable button), a test ping, and its
 * delivery log (status, event, attempts, last response code, duration and error, time; newest first, paged) with a
 * Redeliver button per delivery.
 */
@Component({
  selector: 'ac-webhook-detail-page',
  providers: [WebhookDeliveriesStore],
  imports: [
    ActionError,
    NgTemplateOutlet,
    MatButtonModule,
    MatTableModule,
    Breadcrumbs,
    CardField,
    ListCard,
    PagedTable,
    TimeComponent,
  ],
  template: `
    <ac-breadcrumbs [trail]="trail()" />
    <div class="page-heading">
      <h1>{{ title() }}</h1>
      @if (store.webhook()) {
        <button mat-flat-button type="button" [disabled]="store.busyId() !== null" (click)="test()">Send test</button>
      }
    </div>
    @if (store.webhook(); as webhook) {
      <dl class="facts">
        <dt>URL</dt>
        <dd class="wrap">{{ webhook.url }}</dd>
        <dt>Events</dt>
        <dd>{{ webhook.events.join(', ') }}</dd>
        <dt>Format</dt>
        <dd>{{ webhook.format }}</dd>
        <dt>State</dt>
        <dd>{{ webhook.enabled ? 'enabled' : 'disabled' }}</dd>
      </dl>
      @if (!webhook.enabled) {
        <div class="banner" role="status">
          <strong>This webhook is disabled</strong> and sends nothing.
          @if (webhook.disabledReason) {
            {{ webhook.disabledReason }}.
          }
          <button mat-stroked-button type="button" [disabled]="store.busyId() !== null" (click)="enable()">
            Re-enable
          </button>
        </div>
      }
    }
    @if (store.lastSent(); as sent) {
      <p class="sent" role="status">{{ sent.what }}: {{ summary(sent.delivery) }}</p>
    }
    <ac-action-error [message]="store.actionError()" (dismissed)="store.actionError.set(null)" />
    <div class="page-heading">
      <h2>Deliveries</h2>
      <button mat-button type="button" (click)="store.load()">Refresh</button>
    </div>
    <ac-paged-table
      [list]="store"
      noun="deliveries"
      label="Deliveries"
      emptyText="Nothing was sent yet."
      (pageChange)="store.setPage($event.pageIndex, $event.pageSize)"
    >
      <table mat-table [dataSource]="store.deliveries()" aria-label="Deliveries">
        <ng-container matColumnDef="status">
          <th mat-header-cell *matHeaderCellDef scope="col">Status</th>
          <td mat-cell *matCellDef="let delivery">
            <ng-container *ngTemplateOutlet="status; context: { $implicit: delivery }" />
          </td>
        </ng-container>
        <ng-container matColumnDef="event">
          <th mat-header-cell *matHeaderCellDef scope="col">Event</th>
          <td mat-cell *matCellDef="let delivery">
            <code>{{ delivery.event }}</code>
          </td>
        </ng-container>
        <ng-container matColumnDef="attempts">
          <th mat-header-cell *matHeaderCellDef scope="col">Attempts</th>
          <td mat-cell *matCellDef="let delivery">{{ delivery.attempts }}</td>
        </ng-container>
        <ng-container matColumnDef="responseCode">
          <th mat-header-cell *matHeaderCellDef scope="col">Response</th>
          <td mat-cell *matCellDef="let delivery">{{ delivery.responseCode ?? '—' }}</td>
        </ng-container>
        <ng-container matColumnDef="duration">
          <th mat-header-cell *matHeaderCellDef scope="col">Duration</th>
          <td mat-cell *matCellDef="let delivery" class="nowrap">
            {{ delivery.durationMs === null ? '—' : delivery.durationMs + ' ms' }}
          </td>
        </ng-container>
        <ng-container matColumnDef="error">
          <th mat-header-cell *matHeaderCellDef scope="col">Error</th>
          <td mat-cell *matCellDef="let delivery" class="wrap">{{ delivery.error ?? '' }}</td>
        </ng-container>
        <ng-container matColumnDef="createdAt">
          <th mat-header-cell *matHeaderCellDef scope="col">Time</th>
          <td mat-cell *matCellDef="let delivery" class="nowrap"><ac-time [value]="delivery.createdAt" /></td>
        </ng-container>
        <ng-container matColumnDef="actions">
          <th mat-header-cell *matHeaderCellDef scope="col"><span class="visually-hidden">Actions</span></th>
          <td mat-cell *matCellDef="let delivery">
            <ng-container *ngTemplateOutlet="actions; context: { $implicit: delivery }" />
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns"></tr>
      </table>
      <ng-template acListCard let-delivery>
        <div class="card-title">
          <code>{{ delivery.event }}</code>
        </div>
        <ac-card-field label="Status">
          <ng-container *ngTemplateOutlet="status; context: { $implicit: delivery }" />
        </ac-card-field>
        <ac-card-field label="Outcome">{{ summary(delivery) }}</ac-card-field>
        <ac-card-field label="Attempts">{{ delivery.attempts }}</ac-card-field>
        <ac-card-field label="Time"><ac-time [value]="delivery.createdAt" /></ac-card-field>
        <ac-card-field label="Actions">
          <ng-container *ngTemplateOutlet="actions; context: { $implicit: delivery }" />
        </ac-card-field>
      </ng-template>
    </ac-paged-table>
    <ng-template #status let-delivery>
      <span [class]="'badge ' + delivery.status">{{ delivery.status }}</span>
    </ng-template>
    <ng-template #actions let-delivery>
      <button
        mat-button
        type="button"
        [disabled]="store.busyId() !== null"
        [attr.aria-label]="'Redeliver ' + delivery.event + ' of ' + delivery.createdAt"
        (click)="redeliver(delivery)"
      >
        Redeliver
      </button>
    </ng-template>
  `,
  styles: `
    .facts {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 4px 16px;
      margin: 0 0 16px;
    }
    .facts dt {
      font-weight: 500;
    }
    .facts dd {
      margin: 0;
    }
  `,
})
export class WebhookDetailPage {
  /** The webhook's id, from the route. */
  readonly id = input.required<string>();
  protected readonly store = inject(WebhookDeliveriesStore);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly summary = deliverySummary;
  protected readonly columns = [
    'status',
    'event',
    'attempts',
    'responseCode',
    'duration',
    'error',
    'createdAt',
    'actions',
  ];
  protected readonly title = computed(() => {
    const webhook = this.store.webhook();
    return webhook ? webhookLabel(webhook) : 'Webhook';
  });
  protected readonly trail = computed(() => [{ label: 'Webhooks', link: ['/webhooks'] }, { label: this.title() }]);

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => {
        this.store.webhookId.set(id);
        this.store.pageIndex.set(0);
        void this.store.load();
      });
    });
  }

  protected async test(): Promise<void> {
    if (await this.store.test()) {
      const sent = this.store.lastSent();
      if (sent) this.snackBar.open(`Test ${deliverySummary(sent.delivery)}`, undefined, { duration: 4000 });
    }
  }

  protected async redeliver(delivery: WebhookDelivery): Promise<void> {
    if (await this.store.redeliver(delivery)) {
      this.snackBar.open(`Redelivery of ${delivery.event} queued`, undefined, { duration: 4000 });
    }
  }

  protected async enable(): Promise<void> {
    if (await this.store.enable()) this.snackBar.open('Re-enabled', undefined, { duration: 4000 });
  }
}
