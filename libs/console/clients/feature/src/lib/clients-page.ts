import { DatePipe } from '@angular/common';
import { Component, inject, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { HealthState } from '@agent-controller/shared-contracts';
import { ClientCreateDialog } from './client-create-dialog';
import { ClientsStore } from '@agent-controller/console-clients-data-access';

/** Every client the operator may see: search, filters, paging from X-Total-Count, health with its reason. */
@Component({
  selector: 'ac-clients-page',
  providers: [ClientsStore],
  imports: [
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    MatTooltipModule,
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
          <ng-container matColumnDef="name">
            <th mat-header-cell *matHeaderCellDef scope="col">Name</th>
            <td mat-cell *matCellDef="let client">{{ client.name }}</td>
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
    .table-scroll {
      overflow-x: auto;
    }
    table {
      width: 100%;
    }
    .endpoint {
      word-break: break-all;
    }
    .state {
      padding: 24px 0;
    }
    .error {
      color: var(--mat-sys-error);
    }
    .badge {
      padding: 2px 8px;
      border-radius: 12px;
      background: var(--mat-sys-surface-variant);
    }
    .badge.healthy {
      background: #c8e6c9;
      color: #1b5e20;
    }
    .badge.degraded {
      background: #fff3cd;
      color: #664d03;
    }
    .badge.unreachable,
    .badge.auth_failed,
    .badge.incompatible {
      background: #f8d7da;
      color: #842029;
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
  protected readonly columns = ['name', 'endpoint', 'health', 'status', 'agentTypes', 'lastUsedAt'];
  private searchTimer?: ReturnType<typeof setTimeout>;

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

  protected create(): void {
    this.dialog
      .open(ClientCreateDialog, { width: 'min(560px, 100vw)', maxWidth: '100vw' })
      .afterClosed()
      .subscribe(() => void this.store.load());
  }
}
