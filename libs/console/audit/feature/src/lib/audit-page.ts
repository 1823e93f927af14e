import { JsonPipe, NgTemplateOutlet } from '@angular/common';
import { Component, DestroyRef, inject, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router } from '@angular/router';
import { AuditStore, type AuditFilters } from '@agent-controller/console-audit-data-access';
import { type ListUrlSpec, queryOf, viewFromQueryParams, viewToQueryParams } from '@agent-controller/console-core';
import { CardField, ListCard, PagedTable, type PageChange, TimeComponent } from '@agent-controller/console-ui';
import type { AuditEvent } from '@agent-controller/shared-contracts';

/** What the audit log's URL may hold: every filter as text (the controller checks them) and the page. */
const AUDIT_URL_SPEC: ListUrlSpec<AuditFilters> = {
  filters: { action: 'text', actor: 'text', targetId: 'text', from: 'text', to: 'text' },
  sorts: [],
  pageSizes: [10, 25, 50, 100],
};

/**
 * The audit log (global admins): filter by action, actor, target and time range, kept in the URL; paging from
 * X-Total-Count.
 */
@Component({
  selector: 'ac-audit-page',
  providers: [AuditStore],
  imports: [
    TimeComponent,
    JsonPipe,
    NgTemplateOutlet,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatTableModule,
    CardField,
    ListCard,
    PagedTable,
  ],
  template: `
    <h1>Audit log</h1>
    <form class="list-filters" (submit)="$event.preventDefault()" aria-label="Audit filters">
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Action</mat-label>
        <input
          matInput
          name="action"
          [value]="store.filters().action"
          (input)="filter('action', $event)"
          placeholder="client. or client.create"
        />
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Actor</mat-label>
        <input
          matInput
          name="actor"
          [value]="store.filters().actor"
          (input)="filter('actor', $event)"
          placeholder="E-mail or user id"
        />
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Target id</mat-label>
        <input matInput name="targetId" [value]="store.filters().targetId" (input)="filter('targetId', $event)" />
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>From</mat-label>
        <input
          matInput
          type="datetime-local"
          name="from"
          [value]="store.filters().from"
          (change)="filter('from', $event, 0)"
        />
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Until</mat-label>
        <input
          matInput
          type="datetime-local"
          name="to"
          [value]="store.filters().to"
          (change)="filter('to', $event, 0)"
        />
      </mat-form-field>
      @if (store.filtered()) {
        <button mat-button type="button" (click)="clear()">Clear filters</button>
      }
    </form>
    <ac-paged-table
      [list]="store"
      noun="audit events"
      label="Audit events"
      [emptyText]="store.filtered() ? 'No events match these filters.' : 'No events recorded yet.'"
      (pageChange)="page($event)"
    >
      <table mat-table [dataSource]="store.events()" aria-label="Audit events">
        <ng-container matColumnDef="occurredAt">
          <th mat-header-cell *matHeaderCellDef scope="col">When</th>
          <td mat-cell *matCellDef="let event" class="nowrap"><ac-time [value]="event.occurredAt" /></td>
        </ng-container>
        <ng-container matColumnDef="actor">
          <th mat-header-cell *matHeaderCellDef scope="col">Actor</th>
          <td mat-cell *matCellDef="let event" class="wrap">
            <ng-container *ngTemplateOutlet="actorNamed; context: { $implicit: event }" />
          </td>
        </ng-container>
        <ng-container matColumnDef="action">
          <th mat-header-cell *matHeaderCellDef scope="col">Action</th>
          <td mat-cell *matCellDef="let event">
            <code>{{ event.action }}</code>
          </td>
        </ng-container>
        <ng-container matColumnDef="target">
          <th mat-header-cell *matHeaderCellDef scope="col">Target</th>
          <td mat-cell *matCellDef="let event" class="wrap">
            <ng-container *ngTemplateOutlet="targetNamed; context: { $implicit: event }" />
          </td>
        </ng-container>
        <ng-container matColumnDef="outcome">
          <th mat-header-cell *matHeaderCellDef scope="col">Outcome</th>
          <td mat-cell *matCellDef="let event">
            <span [class]="'badge ' + event.outcome">{{ event.outcome }}</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="details">
          <th mat-header-cell *matHeaderCellDef scope="col">Details</th>
          <td mat-cell *matCellDef="let event">
            @if (event.changes || event.details) {
              <details>
                <summary>Show</summary>
                <pre>{{ { changes: event.changes, details: event.details } | json }}</pre>
              </details>
            }
            @if (event.requestId) {
              <div class="muted">request {{ event.requestId }}</div>
            }
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns"></tr>
      </table>
      <ng-template acListCard let-event>
        <ac-card-field label="When"><ac-time [value]="event.occurredAt" /></ac-card-field>
        <ac-card-field label="Actor">
          <ng-container *ngTemplateOutlet="actorNamed; context: { $implicit: event }" />
        </ac-card-field>
        <ac-card-field label="Action"
          ><code>{{ event.action }}</code></ac-card-field
        >
        <ac-card-field label="Target">
          <ng-container *ngTemplateOutlet="targetNamed; context: { $implicit: event }" />
        </ac-card-field>
        <ac-card-field label="Outcome"
          ><span [class]="'badge ' + event.outcome">{{ event.outcome }}</span></ac-card-field
        >
        @if (event.changes || event.details) {
          <ac-card-field label="Details">
            <details>
              <summary>Show</summary>
              <pre>{{ { changes: event.changes, details: event.details } | json }}</pre>
            </details>
          </ac-card-field>
        }
      </ng-template>
    </ac-paged-table>
    <!-- Names with their ids, shared by a row and a card: who acted, and on what. -->
    <ng-template #actorNamed let-event>
      {{ actor(event) }}
      @if (event.actorType === 'user' && event.actorId) {
        <div class="muted">id {{ event.actorId }}</div>
      }
    </ng-template>
    <ng-template #targetNamed let-event>
      @if (event.targetName) {
        {{ event.targetType ?? '' }} <strong>{{ event.targetName }}</strong>
        <div class="muted">id {{ event.targetId }}</div>
      } @else {
        {{ event.targetType ?? '' }} {{ event.targetId ?? '—' }}
      }
    </ng-template>
  `,
  styles: `
    .wrap {
      word-break: break-all;
    }
    pre {
      max-width: 360px;
      white-space: pre-wrap;
      word-break: break-all;
      font-size: 0.75rem;
    }
    .muted {
      font-size: 0.75rem;
    }
  `,
})
export class AuditPage implements OnInit {
  protected readonly store = inject(AuditStore);
  protected readonly columns = ['occurredAt', 'actor', 'action', 'target', 'outcome', 'details'];
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private timer?: ReturnType<typeof setTimeout>;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  /** The filters and page come from the URL, so a reload or a shared link shows the same events. */
  ngOnInit(): Promise<void> {
    const params = this.route.snapshot.queryParamMap;
    const query = queryOf(params);
    return this.store.applyView(viewFromQueryParams(query, AUDIT_URL_SPEC, this.store.defaultView()));
  }

  /** Typing waits a moment before asking; date pickers ask at once. */
  protected filter(key: keyof AuditFilters, event: Event, delayMs = 300): void {
    const value = (event.target as HTMLInputElement).value;
    this.store.filters.update((filters) => ({ ...filters, [key]: value }));
    this.store.pageIndex.set(0);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.syncUrl();
      void this.store.load();
    }, delayMs);
  }

  protected clear(): Promise<void> {
    clearTimeout(this.timer);
    const loading = this.store.clearFilters();
    this.syncUrl();
    return loading;
  }

  protected page(change: PageChange): Promise<void> {
    const loading = this.store.setPage(change.pageIndex, change.pageSize);
    this.syncUrl();
    return loading;
  }

  /** The URL follows the view (replacing the entry: filtering is not navigating). */
  private syncUrl(): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: viewToQueryParams(this.store.view(), this.store.defaultView()),
      replaceUrl: true,
    });
  }

  protected actor(event: AuditEvent): string {
    if (event.actorType === 'system') return 'system';
    if (event.actorType === 'api-key') return 'API key';
    return event.actorEmail ?? 'user';
  }
}
