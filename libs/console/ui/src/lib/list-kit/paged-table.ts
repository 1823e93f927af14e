import { BreakpointObserver } from '@angular/cdk/layout';
import { NgTemplateOutlet } from '@angular/common';
import { Component, computed, contentChild, inject, input, output, Signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { map } from 'rxjs';
import { ListCard } from './list-card';

/** Screens this narrow show a list's rows as cards rather than a table wider than the screen. */
export const NARROW_SCREEN_QUERY = '(max-width: 600px)';

/** What the frame reads from a list (a PagedListStore has all of it). */
export interface PagedListState {
  items: Signal<readonly unknown[]>;
  total: Signal<number>;
  pageIndex: Signal<number>;
  pageSize: Signal<number>;
  loading: Signal<boolean>;
  error: Signal<string | null>;
  empty: Signal<boolean>;
  load(): Promise<void>;
}

export interface PageChange {
  pageIndex: number;
  pageSize: number;
}

/**
 * The frame every paged list shares: a loading bar, the error with a retry, the empty text, the rows (the
 * projected `mat-table`, or on a narrow screen one card per row from the `acListCard` template) and a paginator
 * with first/last buttons. Page changes are emitted, not applied, so a page can keep them in its URL.
 */
@Component({
  selector: 'ac-paged-table',
  imports: [MatButtonModule, MatPaginatorModule, MatProgressBarModule, NgTemplateOutlet],
  template: `
    @if (list().loading()) {
      <mat-progress-bar mode="indeterminate" [attr.aria-label]="'Loading ' + noun()" />
    }
    @if (list().error(); as error) {
      <p class="state error" role="alert">
        Could not load the {{ noun() }}: {{ error }}
        <button mat-button type="button" (click)="list().load()">Retry</button>
      </p>
    } @else if (list().empty()) {
      <p class="state">{{ emptyText() }}</p>
    } @else if (showCards()) {
      <ul class="cards" [attr.aria-label]="label()">
        @for (row of list().items(); track trackBy()(row)) {
          <li class="card">
            <ng-container *ngTemplateOutlet="card()!.template; context: { $implicit: row }" />
          </li>
        }
      </ul>
    } @else {
      <div class="table-scroll">
        <ng-content />
      </div>
    }
    @if (!list().error()) {
      <mat-paginator
        [length]="list().total()"
        [pageIndex]="list().pageIndex()"
        [pageSize]="list().pageSize()"
        [pageSizeOptions]="pageSizeOptions()"
        [showFirstLastButtons]="true"
        (page)="page($event)"
        [attr.aria-label]="'Pages of ' + noun()"
      />
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .table-scroll {
      overflow-x: auto;
    }
    .table-scroll ::ng-deep > table {
      width: 100%;
    }
    .state {
      padding: 16px 0;
    }
    .cards {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 8px;
    }
    .card {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      padding: 8px 12px;
      min-width: 0;
    }
  `,
})
export class PagedTable {
  /** The list shown (rows, total, page, loading, error). */
  readonly list = input.required<PagedListState>();
  /** The rows' name in texts: "Loading clients", "Could not load the clients", "Pages of clients". */
  readonly noun = input.required<string>();
  readonly emptyText = input.required<string>();
  /** The accessible name of the card list on narrow screens (the table carries its own). */
  readonly label = input<string>('');
  readonly pageSizeOptions = input<readonly number[]>([10, 25, 50, 100]);
  /** A row's identity for the card list (its `id` unless said otherwise). */
  readonly trackBy = input<(row: unknown) => unknown>((row) => (row as { id?: unknown }).id ?? row);
  readonly pageChange = output<PageChange>();

  protected readonly card = contentChild(ListCard);
  private readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe(NARROW_SCREEN_QUERY)
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly showCards = computed(() => this.narrow() && !!this.card());

  protected page(event: PageEvent): void {
    this.pageChange.emit({ pageIndex: event.pageIndex, pageSize: event.pageSize });
  }
}
