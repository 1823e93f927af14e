import { NgTemplateOutlet } from '@angular/common';
import { Component, computed, inject, Injector, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { SessionStore } from '@agent-controller/console-core';
import {
  ActionError,
  CardField,
  confirmAction,
  ListCard,
  PagedTable,
  TimeComponent,
} from '@agent-controller/console-ui';
import {
  deliverySummary,
  webhookLabel,
  webhookScope,
  WebhooksStore,
} from '@agent-controller/console-users-data-access';
import type { CreatedWebhook, Webhook, WebhookDelivery } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { CreateWebhookDialog } from './create-webhook-dialog';

/**
 * Webhooks (global admins: any; team admins: their teams'): URL, events, scope, format, state with the reason a
 * webhook was disabled, created; create (the secret is shown once), send a test, re-enable, delete, and each
 * webhook's delivery log. Webhooks disabled after failures are listed in a banner on top.
 */
@Component({
  selector: 'ac-webhooks-page',
  providers: [WebhooksStore],
  imports: [
    ActionError,
    NgTemplateOutlet,
    MatButtonModule,
    MatTableModule,
    RouterLink,
    CardField,
    ListCard,
    PagedTable,
    TimeComponent,
  ],
  template: `
    <div class="page-heading">
      <h1>Webhooks</h1>
      @if (!store.forbidden()) {
        <button mat-flat-button type="button" (click)="createWebhook()">Create webhook</button>
      }
    </div>
    <p class="intro">
      The controller POSTs events (health changes, clients created or deleted, provisioning jobs…) to these URLs, signed
      with each webhook's secret.
      @if (!session.isGlobalAdmin()) {
        Team admins manage their teams' webhooks.
      }
    </p>
    @if (store.disabled().length > 0) {
      <div class="banner disabled-banner" role="status">
        <strong>{{ disabledCount() }} disabled.</strong> Nothing is sent to a disabled webhook until it is re-enabled:
        <ul>
          @for (webhook of store.disabled(); track webhook.id) {
            <li>
              <a [routerLink]="['/webhooks', webhook.id]">{{ label(webhook) }}</a>
              @if (webhook.disabledReason) {
                — {{ webhook.disabledReason }}
              }
            </li>
          }
        </ul>
      </div>
    }
    <ac-action-error [message]="store.actionError()" (dismissed)="store.actionError.set(null)" />
    <ac-paged-table
      [list]="store"
      noun="webhooks"
      label="Webhooks"
      emptyText="No webhooks yet."
      (pageChange)="store.setPage($event.pageIndex, $event.pageSize)"
    >
      <table mat-table [dataSource]="store.webhooks()" aria-label="Webhooks">
        <ng-container matColumnDef="url">
          <th mat-header-cell *matHeaderCellDef scope="col">Webhook</th>
          <td mat-cell *matCellDef="let webhook" class="wrap">
            <ng-container *ngTemplateOutlet="title; context: { $implicit: webhook }" />
          </td>
        </ng-container>
        <ng-container matColumnDef="events">
          <th mat-header-cell *matHeaderCellDef scope="col">Events</th>
          <td mat-cell *matCellDef="let webhook">
            <ng-container *ngTemplateOutlet="events; context: { $implicit: webhook }" />
          </td>
        </ng-container>
        <ng-container matColumnDef="scope">
          <th mat-header-cell *matHeaderCellDef scope="col">Scope</th>
          <td mat-cell *matCellDef="let webhook" class="wrap">
            <ng-container *ngTemplateOutlet="scope; context: { $implicit: webhook }" />
          </td>
        </ng-container>
        <ng-container matColumnDef="format">
          <th mat-header-cell *matHeaderCellDef scope="col">Format</th>
          <td mat-cell *matCellDef="let webhook">{{ webhook.format }}</td>
        </ng-container>
        <ng-container matColumnDef="state">
          <th mat-header-cell *matHeaderCellDef scope="col">State</th>
          <td mat-cell *matCellDef="let webhook">
            <ng-container *ngTemplateOutlet="state; context: { $implicit: webhook }" />
          </td>
        </ng-container>
        <ng-container matColumnDef="createdAt">
          <th mat-header-cell *matHeaderCellDef scope="col">Created</th>
          <td mat-cell *matCellDef="let webhook" class="nowrap"><ac-time [value]="webhook.createdAt" /></td>
        </ng-container>
        <ng-container matColumnDef="actions">
          <th mat-header-cell *matHeaderCellDef scope="col"><span class="visually-hidden">Actions</span></th>
          <td mat-cell *matCellDef="let webhook">
            <ng-container *ngTemplateOutlet="actions; context: { $implicit: webhook }" />
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns"></tr>
      </table>
      <ng-template acListCard let-webhook>
        <div class="card-title"><ng-container *ngTemplateOutlet="title; context: { $implicit: webhook }" /></div>
        <ac-card-field label="Events">
          <ng-container *ngTemplateOutlet="events; context: { $implicit: webhook }" />
        </ac-card-field>
        <ac-card-field label="Scope">
          <ng-container *ngTemplateOutlet="scope; context: { $implicit: webhook }" />
        </ac-card-field>
        <ac-card-field label="Format">{{ webhook.format }}</ac-card-field>
        <ac-card-field label="State">
          <ng-container *ngTemplateOutlet="state; context: { $implicit: webhook }" />
        </ac-card-field>
        <ac-card-field label="Created"><ac-time [value]="webhook.createdAt" /></ac-card-field>
        <ac-card-field label="Actions">
          <ng-container *ngTemplateOutlet="actions; context: { $implicit: webhook }" />
        </ac-card-field>
      </ng-template>
    </ac-paged-table>
    <!-- What a webhook's row and card share. -->
    <ng-template #title let-webhook>
      <a [routerLink]="['/webhooks', webhook.id]">{{ label(webhook) }}</a>
      @if (webhook.name) {
        <span class="line url">{{ webhook.url }}</span>
      }
    </ng-template>
    <ng-template #events let-webhook>
      @for (event of webhook.events; track event) {
        <code class="line event">{{ event }}</code>
      }
    </ng-template>
    <ng-template #scope let-webhook>
      @for (line of scopeOf(webhook); track $index) {
        <span class="line">{{ line }}</span>
      }
    </ng-template>
    <ng-template #state let-webhook>
      <span [class]="'badge ' + (webhook.enabled ? 'enabled' : 'disabled')">{{
        webhook.enabled ? 'enabled' : 'disabled'
      }}</span>
      @if (!webhook.enabled && webhook.disabledReason) {
        <span class="line reason">{{ webhook.disabledReason }}</span>
      }
    </ng-template>
    <ng-template #actions let-webhook>
      <div class="actions">
        <button
          mat-button
          type="button"
          [disabled]="store.busyId() === webhook.id"
          [attr.aria-label]="'Send a test to ' + label(webhook)"
          (click)="test(webhook)"
        >
          Send test
        </button>
        <button
          mat-button
          type="button"
          [disabled]="store.busyId() === webhook.id"
          [attr.aria-label]="'Edit ' + label(webhook)"
          (click)="edit(webhook)"
        >
          Edit
        </button>
        @if (!webhook.enabled) {
          <button
            mat-button
            type="button"
            [disabled]="store.busyId() === webhook.id"
            [attr.aria-label]="'Re-enable ' + label(webhook)"
            (click)="enable(webhook)"
          >
            Re-enable
          </button>
        }
        <button
          mat-button
          class="danger"
          type="button"
          [disabled]="store.busyId() === webhook.id"
          [attr.aria-label]="'Delete ' + label(webhook)"
          (click)="remove(webhook)"
        >
          Delete
        </button>
      </div>
      @if (store.tests().get(webhook.id); as delivery) {
        <span class="line test-result" role="status">Test: {{ summary(delivery) }}</span>
      }
    </ng-template>
  `,
  styles: `
    .banner a {
      color: inherit;
    }
    .banner ul {
      margin: 4px 0 0;
      padding-left: 20px;
    }
    .line {
      display: block;
    }
    .url,
    .reason,
    .test-result,
    .event {
      font-size: 0.8125rem;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
    }
  `,
})
export class WebhooksPage implements OnInit {
  protected readonly store = inject(WebhooksStore);
  protected readonly session = inject(SessionStore);
  private readonly dialog = inject(MatDialog);
  private readonly injector = inject(Injector);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly label = webhookLabel;
  protected readonly summary = deliverySummary;
  protected readonly disabledCount = computed(() => {
    const count = this.store.disabled().length;
    return count === 1 ? '1 webhook is' : `${count} webhooks are`;
  });
  protected readonly columns = ['url', 'events', 'scope', 'format', 'state', 'createdAt', 'actions'];

  ngOnInit(): Promise<void> {
    return this.store.load();
  }

  protected scopeOf(webhook: Webhook): string[] {
    return webhookScope(webhook, this.store.teamNames());
  }

  protected async createWebhook(): Promise<void> {
    const created = await this.openDialog();
    if (created) this.snackBar.open(`Created ${webhookLabel(created)}`, undefined, { duration: 4000 });
  }

  protected async edit(webhook: Webhook): Promise<void> {
    const saved = await this.openDialog(webhook);
    if (saved) this.snackBar.open(`Saved ${webhookLabel(saved)}`, undefined, { duration: 4000 });
  }

  /** The create/edit dialog; it saves through this page's store. */
  private openDialog(webhook?: Webhook): Promise<CreatedWebhook | Webhook | undefined> {
    return firstValueFrom(
      this.dialog
        .open<CreateWebhookDialog, Webhook | undefined, CreatedWebhook | Webhook>(CreateWebhookDialog, {
          data: webhook,
          width: 'min(560px, 100vw)',
          maxWidth: '100vw',
          // The dialog is outside this page's injector tree by default; it saves through this page's store.
          injector: this.injector,
        })
        .afterClosed(),
    );
  }

  protected async test(webhook: Webhook): Promise<void> {
    const delivery: WebhookDelivery | null = await this.store.testWebhook(webhook);
    if (delivery) this.snackBar.open(`Test ${deliverySummary(delivery)}`, undefined, { duration: 4000 });
  }

  protected async enable(webhook: Webhook): Promise<void> {
    if (await this.store.enableWebhook(webhook)) {
      this.snackBar.open(`Re-enabled ${webhookLabel(webhook)}`, undefined, { duration: 4000 });
    }
  }

  protected async remove(webhook: Webhook): Promise<void> {
    const confirmed = await firstValueFrom(
      confirmAction(this.dialog, {
        title: 'Delete webhook',
        message: `Delete ${webhookLabel(webhook)}? It is sent nothing from now on and its delivery log is deleted with it. This cannot be undone.`,
        confirm: 'Delete webhook',
      }),
    );
    if (confirmed && (await this.store.deleteWebhook(webhook))) {
      this.snackBar.open(`Deleted ${webhookLabel(webhook)}`, undefined, { duration: 4000 });
    }
  }
}
