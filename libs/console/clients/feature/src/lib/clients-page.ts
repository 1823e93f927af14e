import { DatePipe } from '@angular/common';
import { Component, computed, inject, OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatMenuModule } from '@angular/material/menu';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import type { Client, HealthState } from '@agent-controller/shared-contracts';
import { BulkDialog, type BulkAction } from './bulk-dialog';
import { ClientFormDialog } from './client-form-dialog';
import { WeakKeyBadge } from '@agent-controller/console-ui';
import { ClientsStore } from '@agent-controller/console-clients-data-access';

/** Every client the operator may see: search, filters, paging from X-Total-Count, health with its reason. */
@Component({
  selector: 'ac-clients-page',
  providers: [ClientsStore],
  imports: [
    DatePipe,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatMenuModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    MatTooltipModule,
    WeakKeyBadge,
    RouterLink,
  ],
  template: `
    <header class="page-header">
      <h1>Clients</h1>
      <button mat-flat-button type="button" (click)="create()">Add client</button>
    </header>
    <div class="filters">
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Search</mat-label>
        <input
          matInput
          [value]="store.filters().search"
          (input)="search($event)"
          placeholder="Name, description or endpoint"
        />
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Status</mat-label>
        <mat-select [value]="store.filters().status" (selectionChange)="store.setFilters({ status: $event.value })">
          <mat-option value="">Any</mat-option>
          <mat-option value="active">Active</mat-option>
          <mat-option value="inactive">Inactive</mat-option>
        </mat-select>
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Health</mat-label>
        <mat-select [value]="store.filters().health" (selectionChange)="store.setFilters({ health: $event.value })">
          <mat-option value="">Any</mat-option>
          @for (state of healthStates; track state) {
            <mat-option [value]="state">{{ state }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
    </div>
    <div class="bulk" role="group" aria-label="Bulk actions">
      <span>{{ selected().size }} selected</span>
      <button mat-stroked-button type="button" [matMenuTriggerFor]="bulkMenu" [disabled]="selected().size === 0">
        Bulk actions
      </button>
      <mat-menu #bulkMenu="matMenu">
        <button mat-menu-item type="button" (click)="bulk('activate')">Activate</button>
        <button mat-menu-item type="button" (click)="bulk('deactivate')">Deactivate</button>
        <button mat-menu-item type="button" (click)="bulk('delete')">Delete</button>
      </mat-menu>
      @if (selected().size) {
        <button mat-button type="button" (click)="clearSelection()">Clear selection</button>
      }
    </div>
    @if (store.loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading clients" />
    }
    @if (store.error(); as error) {
      <p class="state error" role="alert">
        Could not load the clients: {{ error }}
        <button mat-button type="button" (click)="store.load()">Retry</button>
      </p>
    } @else if (store.empty()) {
      <p class="state">No clients yet. Add one to manage its agents from here.</p>
    } @else {
      <div class="table-scroll">
        <table mat-table [dataSource]="store.clients()">
          <ng-container matColumnDef="select">
            <th mat-header-cell *matHeaderCellDef scope="col">
              <mat-checkbox
                [checked]="allSelected()"
                [indeterminate]="selected().size > 0 && !allSelected()"
                (change)="toggleAll($event.checked)"
                aria-label="Select all clients on this page"
              />
            </th>
            <td mat-cell *matCellDef="let client">
              <mat-checkbox
                [checked]="selected().has(client.id)"
                (change)="toggle(client, $event.checked)"
                [aria-label]="'Select ' + client.name"
              />
            </td>
          </ng-container>
          <ng-container matColumnDef="name">
            <th mat-header-cell *matHeaderCellDef scope="col">Name</th>
            <td mat-cell *matCellDef="let client">
              <a [routerLink]="['/clients', client.id]">{{ client.name }}</a>
              ·
              <a [routerLink]="['/clients', client.id, 'agents']" [attr.aria-label]="'Agents of ' + client.name"
                >Agents</a
              >
            </td>
          </ng-container>
          <ng-container matColumnDef="endpoint">
            <th mat-header-cell *matHeaderCellDef scope="col">Endpoint</th>
            <td mat-cell *matCellDef="let client" class="endpoint">{{ client.endpoint }}</td>
          </ng-container>
          <ng-container matColumnDef="health">
            <th mat-header-cell *matHeaderCellDef scope="col">Health</th>
            <td mat-cell *matCellDef="let client">
              <span
                class="badge"
                [class]="'badge ' + client.health.state"
                [matTooltip]="client.health.reason ?? ''"
                tabindex="0"
              >
                {{ client.health.state }}
              </span>
              <ac-weak-key-badge [weak]="client.weakApiKey" />
            </td>
          </ng-container>
          <ng-container matColumnDef="status">
            <th mat-header-cell *matHeaderCellDef scope="col">Status</th>
            <td mat-cell *matCellDef="let client">{{ client.status }}</td>
          </ng-container>
          <ng-container matColumnDef="agentTypes">
            <th mat-header-cell *matHeaderCellDef scope="col">Agent types</th>
            <td mat-cell *matCellDef="let client">{{ agentTypes(client.config) }}</td>
          </ng-container>
          <ng-container matColumnDef="lastUsedAt">
            <th mat-header-cell *matHeaderCellDef scope="col">Last used</th>
            <td mat-cell *matCellDef="let client">
              {{ client.lastUsedAt ? (client.lastUsedAt | date: 'short') : 'never' }}
            </td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
        </table>
      </div>
    }
    <mat-paginator
      [length]="store.total()"
      [pageIndex]="store.pageIndex()"
      [pageSize]="store.pageSize()"
      [pageSizeOptions]="[10, 25, 50, 100]"
      (page)="page($event)"
      aria-label="Pages of clients"
    />
  `,
  styles: `
    .page-header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 16px;
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
      margin-bottom: 12px;
    }
    .bulk {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
      margin-bottom: 8px;
    }
    .table-scroll {
      overflow-x: auto;
    }
    table {
      width: 100%;
    }
    .endpoint {
      word-break: break-all;
    }
  `,
})
export class ClientsPage implements OnInit {
  protected readonly store = inject(ClientsStore);
  private readonly dialog = inject(MatDialog);
  // Listed here rather than imported: the contracts module would bring zod into this chunk.
  protected readonly healthStates: readonly HealthState[] = [
    'unknown',
    'healthy',
    'degraded',
    'unreachable',
    'auth_failed',
    'incompatible',
  ];
  protected readonly columns = ['select', 'name', 'endpoint', 'health', 'status', 'agentTypes', 'lastUsedAt'];
  private searchTimer?: ReturnType<typeof setTimeout>;
  /** Selected clients by id, with their names for the confirmation; kept across pages. */
  protected readonly selected = signal(new Map<string, string>());
  protected readonly allSelected = computed(
    () => this.store.clients().length > 0 && this.store.clients().every((client) => this.selected().has(client.id)),
  );

  ngOnInit(): Promise<void> {
    return this.store.load();
  }

  protected search(event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.store.setFilters({ search: value }), 250);
  }

  protected page(event: PageEvent): Promise<void> {
    return this.store.setPage(event.pageIndex, event.pageSize);
  }

  protected agentTypes(config: { agentTypes: { displayName: string }[] } | null): string {
    return config?.agentTypes.map((type) => type.displayName).join(', ') || '—';
  }

  protected toggle(client: Client, checked: boolean): void {
    this.selected.update((selected) => {
      const next = new Map(selected);
      if (checked) next.set(client.id, client.name);
      else next.delete(client.id);
      return next;
    });
  }

  protected toggleAll(checked: boolean): void {
    for (const client of this.store.clients()) this.toggle(client, checked);
  }

  protected clearSelection(): void {
    this.selected.set(new Map());
  }

  protected bulk(action: BulkAction): void {
    const clients = [...this.selected()].map(([id, name]) => ({ id, name }));
    this.dialog
      .open(BulkDialog, { data: { action, clients }, width: 'min(560px, 100vw)', maxWidth: '100vw' })
      .afterClosed()
      .subscribe((done) => {
        if (done) {
          this.clearSelection();
          void this.store.load();
        }
      });
  }

  protected create(): void {
    this.dialog
      .open(ClientFormDialog, { width: 'min(560px, 100vw)', maxWidth: '100vw' })
      .afterClosed()
      .subscribe(() => void this.store.load());
  }
}
