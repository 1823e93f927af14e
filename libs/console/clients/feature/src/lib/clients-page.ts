import { Component, computed, DestroyRef, inject, OnInit, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatMenuModule } from '@angular/material/menu';
import { MatSelectModule } from '@angular/material/select';
import { MatSortModule, Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { Client } from '@agent-controller/shared-contracts';
import {
  apiErrorMessage,
  type ListView,
  queryOf,
  SessionStore,
  viewFromQueryParams,
  viewToQueryParams,
} from '@agent-controller/console-core';
import type { BulkAction } from './bulk-dialog';
import type { ClientFormData } from './client-form-dialog';
import {
  CardField,
  HealthStrip,
  ListCard,
  matSortState,
  type PageChange,
  PagedTable,
  sortFromMatSort,
  TimeComponent,
  WeakKeyBadge,
} from '@agent-controller/console-ui';
import {
  BULK_ID_LIMIT,
  type BulkFilters,
  CLIENT_HEALTH_STATES,
  CLIENT_PAGE_SIZES,
  type ClientFilters,
  ClientsStore,
  CLIENTS_URL_SPEC,
  EMPTY_CLIENT_FILTERS,
  environmentOptions,
  MAX_BULK_MATCHING,
} from '@agent-controller/console-clients-data-access';

/**
 * Every client the operator may see: search, filters, order and page kept in the URL (reload and share keep the
 * view), health with its reason, paging from X-Total-Count.
 */
@Component({
  selector: 'ac-clients-page',
  providers: [ClientsStore],
  imports: [
    CardField,
    HealthStrip,
    ListCard,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatMenuModule,
    MatSelectModule,
    MatSortModule,
    MatTableModule,
    MatTooltipModule,
    PagedTable,
    TimeComponent,
    WeakKeyBadge,
    RouterLink,
  ],
  template: `
    <header class="page-header">
      <h1>Clients</h1>
      <button mat-flat-button type="button" (click)="create()">Add client</button>
    </header>
    <div class="list-filters">
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
        <mat-select [value]="store.filters().status" (selectionChange)="filter({ status: $event.value })">
          <mat-option value="">Any</mat-option>
          <mat-option value="active">Active</mat-option>
          <mat-option value="inactive">Inactive</mat-option>
        </mat-select>
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Health</mat-label>
        <mat-select [value]="store.filters().health" (selectionChange)="filter({ health: $event.value })">
          <mat-option value="">Any</mat-option>
          @for (state of healthStates; track state) {
            <mat-option [value]="state">{{ state }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Environment</mat-label>
        <mat-select [value]="store.filters().environment" (selectionChange)="filter({ environment: $event.value })">
          <mat-option value="">Any</mat-option>
          @for (environment of environments(); track environment) {
            <mat-option [value]="environment">{{ environment }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      @if (session.hasTeams()) {
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>Team</mat-label>
          <mat-select [value]="store.filters().teamId" (selectionChange)="filter({ teamId: $event.value })">
            <mat-option value="">Any</mat-option>
            <mat-option value="none">No team</mat-option>
            @for (team of teamOptions(); track team.id) {
              <mat-option [value]="team.id">{{ team.name }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
      }
      <mat-form-field subscriptSizing="dynamic" class="selector">
        <mat-label>Labels</mat-label>
        <input
          matInput
          [value]="store.filters().selector"
          (input)="selectLabels($event)"
          placeholder="region in (eu,us),!deprecated"
          [attr.aria-invalid]="store.selectorError() !== null"
          aria-describedby="selector-error"
        />
        @if (store.selectorError(); as error) {
          <mat-hint id="selector-error" class="field-error" role="alert">{{ error }}</mat-hint>
        }
      </mat-form-field>
      @if (store.filtered()) {
        <button mat-button type="button" (click)="filter(emptyFilters)">Clear filters</button>
      }
    </div>
    <div class="bulk" role="group" aria-label="Bulk actions">
      <span>{{ matchingAll()?.total ?? selected().size }} selected</span>
      <button mat-stroked-button type="button" [matMenuTriggerFor]="bulkMenu" [disabled]="selected().size === 0">
        Bulk actions
      </button>
      <mat-menu #bulkMenu="matMenu">
        <button mat-menu-item type="button" (click)="bulk('verify')">Verify</button>
        <button mat-menu-item type="button" (click)="bulk('activate')">Activate</button>
        <button mat-menu-item type="button" (click)="bulk('deactivate')">Deactivate</button>
        <button mat-menu-item type="button" (click)="bulk('set_environment')">Set environment</button>
        <button mat-menu-item type="button" (click)="bulk('add_labels')">Add labels</button>
        <button mat-menu-item type="button" (click)="bulk('remove_labels')">Remove labels</button>
        @if (session.hasTeams()) {
          <button mat-menu-item type="button" (click)="bulk('move_to_team')">Move to team</button>
          <button mat-menu-item type="button" (click)="bulk('apply_team_defaults')">Apply team defaults</button>
        }
        <button mat-menu-item type="button" (click)="bulk('delete')">Delete</button>
      </mat-menu>
      @if (allSelected() && !matchingAll() && store.total() > selected().size && selected().size < bulkLimit) {
        <button mat-button type="button" (click)="selectAllMatching()" [disabled]="selectingAll()">
          {{
            store.total() > matchingLimit()
              ? 'Select the first ' + matchingLimit() + ' of ' + store.total() + ' matching'
              : 'Select all ' + store.total() + ' matching'
          }}
        </button>
      }
      @if (selected().size) {
        <button mat-button type="button" (click)="clearSelection()">Clear selection</button>
      }
      @if (selectAllError(); as error) {
        <span class="error" role="alert">Could not select the matching clients: {{ error }}</span>
      }
    </div>
    <ac-paged-table
      [list]="store"
      [attr.data-live]="store.live()"
      noun="clients"
      label="Clients"
      [emptyText]="
        store.filtered() ? 'No clients match these filters.' : 'No clients yet. Add one to manage its agents from here.'
      "
      [pageSizeOptions]="pageSizes"
      (pageChange)="page($event)"
    >
      <table
        mat-table
        [dataSource]="store.clients()"
        matSort
        [matSortActive]="sortState().active"
        [matSortDirection]="sortState().direction"
        (matSortChange)="sortBy($event)"
        aria-label="Clients"
      >
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
          <th mat-header-cell *matHeaderCellDef mat-sort-header="name" scope="col">Name</th>
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
          <th mat-header-cell *matHeaderCellDef mat-sort-header="health" scope="col">Health</th>
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
            @if (store.strips().byId.get(client.id); as hours) {
              <div class="strip"><ac-health-strip [hours]="hours" [from]="store.strips().from" /></div>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="latency">
          <th mat-header-cell *matHeaderCellDef mat-sort-header="latency" scope="col">Latency</th>
          <td mat-cell *matCellDef="let client" class="nowrap">{{ latency(client) }}</td>
        </ng-container>
        <ng-container matColumnDef="lastSeen">
          <th mat-header-cell *matHeaderCellDef mat-sort-header="lastSeen" scope="col">Last seen</th>
          <td mat-cell *matCellDef="let client">
            <ac-time [value]="client.health.lastSeenAt" empty="never" />
          </td>
        </ng-container>
        <ng-container matColumnDef="status">
          <th mat-header-cell *matHeaderCellDef scope="col">Status</th>
          <td mat-cell *matCellDef="let client">
            <span class="status" [class.inactive-chip]="client.status === 'inactive'">{{ client.status }}</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="environment">
          <th mat-header-cell *matHeaderCellDef scope="col">Environment</th>
          <td mat-cell *matCellDef="let client" class="nowrap">{{ client.environment }}</td>
        </ng-container>
        <ng-container matColumnDef="team">
          <th mat-header-cell *matHeaderCellDef scope="col">Team</th>
          <td mat-cell *matCellDef="let client" class="nowrap">{{ teamName(client) }}</td>
        </ng-container>
        <ng-container matColumnDef="labels">
          <th mat-header-cell *matHeaderCellDef scope="col">Labels</th>
          <td mat-cell *matCellDef="let client">
            <span class="labels">
              @for (label of labelList(client); track label) {
                <span class="label-chip">{{ label }}</span>
              }
            </span>
          </td>
        </ng-container>
        <ng-container matColumnDef="agentTypes">
          <th mat-header-cell *matHeaderCellDef scope="col">Agent types</th>
          <td mat-cell *matCellDef="let client">{{ agentTypes(client.config) }}</td>
        </ng-container>
        <ng-container matColumnDef="createdAt">
          <th mat-header-cell *matHeaderCellDef mat-sort-header="createdAt" scope="col">Added</th>
          <td mat-cell *matCellDef="let client"><ac-time [value]="client.createdAt" /></td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns()"></tr>
        <tr mat-row *matRowDef="let row; columns: columns()" [class.inactive]="row.status === 'inactive'"></tr>
      </table>
      <ng-template acListCard let-client>
        <div class="card-title" [class.inactive]="client.status === 'inactive'">
          <mat-checkbox
            [checked]="selected().has(client.id)"
            (change)="toggle(client, $event.checked)"
            [aria-label]="'Select ' + client.name"
          />
          <a [routerLink]="['/clients', client.id]">{{ client.name }}</a>
          @if (client.status === 'inactive') {
            <span class="status inactive-chip">inactive</span>
          }
        </div>
        <ac-card-field label="Health">
          <span [class]="'badge ' + client.health.state">{{ client.health.state }}</span>
          <ac-weak-key-badge [weak]="client.weakApiKey" />
          @if (client.health.reason) {
            <div class="reason">{{ client.health.reason }}</div>
          }
          @if (store.strips().byId.get(client.id); as hours) {
            <div class="strip"><ac-health-strip [hours]="hours" [from]="store.strips().from" /></div>
          }
        </ac-card-field>
        <ac-card-field label="Latency">{{ latency(client) }}</ac-card-field>
        <ac-card-field label="Last seen">
          <ac-time [value]="client.health.lastSeenAt" empty="never" />
        </ac-card-field>
        <ac-card-field label="Environment">{{ client.environment }}</ac-card-field>
        @if (client.teamId) {
          <ac-card-field label="Team">{{ teamName(client) }}</ac-card-field>
        }
        @if (labelList(client).length) {
          <ac-card-field label="Labels">
            <span class="labels">
              @for (label of labelList(client); track label) {
                <span class="label-chip">{{ label }}</span>
              }
            </span>
          </ac-card-field>
        }
        <ac-card-field label="Endpoint">{{ client.endpoint }}</ac-card-field>
        <ac-card-field label="Agents">
          <a [routerLink]="['/clients', client.id, 'agents']" [attr.aria-label]="'Agents of ' + client.name">{{
            agentTypes(client.config)
          }}</a>
        </ac-card-field>
      </ng-template>
    </ac-paged-table>
  `,
  styles: `
    .page-header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 16px;
    }
    .bulk {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
      margin-bottom: 8px;
    }
    .endpoint {
      word-break: break-all;
    }
    /* An inactive client is not called: its row reads as switched off, and says so in words. */
    tr.inactive {
      background: var(--mat-sys-surface-container);
    }
    tr.inactive td,
    .card-title.inactive a {
      color: var(--mat-sys-on-surface-variant);
    }
    .inactive-chip {
      padding: 2px 8px;
      border-radius: 12px;
      border: 1px solid var(--mat-sys-outline);
      font-size: 0.8125rem;
    }
    .card-title {
      display: flex;
      align-items: center;
      gap: 8px;
      font-weight: 500;
    }
    .strip {
      margin-top: 4px;
    }
    .selector {
      min-width: 260px;
    }
    .field-error {
      color: var(--mat-sys-error);
    }
    .labels {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .label-chip {
      padding: 0 6px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container-high);
      font-size: 0.75rem;
      white-space: nowrap;
    }
    .reason {
      font-size: 0.8125rem;
    }
  `,
})
export class ClientsPage implements OnInit {
  protected readonly store = inject(ClientsStore);
  private readonly dialog = inject(MatDialog);
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly healthStates = CLIENT_HEALTH_STATES;
  protected readonly pageSizes = CLIENT_PAGE_SIZES;
  protected readonly session = inject(SessionStore);
  /** The team column only where teams exist (users and keycloak modes). */
  protected readonly columns = computed(() => [
    'select',
    'name',
    'endpoint',
    'health',
    'latency',
    'lastSeen',
    'status',
    'environment',
    ...(this.session.hasTeams() ? ['team'] : []),
    'labels',
    'agentTypes',
    'createdAt',
  ]);
  /** The teams to filter by, and the one the URL names when it is not among them. */
  protected readonly teamOptions = computed(() => {
    const teams = this.store.teams().map(({ id, name }) => ({ id, name }));
    const current = this.store.filters().teamId;
    return current && !teams.some((team) => team.id === current)
      ? [...teams, { id: current, name: 'Unknown team' }]
      : teams;
  });
  /** Bulk actions take at most this many clients at a time. */
  protected readonly bulkLimit = BULK_ID_LIMIT;
  protected readonly selectingAll = signal(false);
  protected readonly selectAllError = signal<string | null>(null);
  protected readonly emptyFilters = EMPTY_CLIENT_FILTERS;
  /** The default environments, and the one filtered by when the URL names another configured one. */
  protected readonly environments = computed(() => environmentOptions(this.store.filters().environment));
  /** "Select all N matching" on a filtered list: the filters then (sent to a bulk action instead of ids). */
  protected readonly matchingAll = signal<{ filters: BulkFilters; total: number } | null>(null);
  /** How many matching clients one bulk action takes: by filters up to the controller's cap, by ids fewer. */
  protected readonly matchingLimit = computed(() =>
    this.store.bulkFilters() && this.store.total() <= MAX_BULK_MATCHING ? MAX_BULK_MATCHING : BULK_ID_LIMIT,
  );
  private selectorTimer?: ReturnType<typeof setTimeout>;
  protected readonly sortState = computed(() => matSortState(this.store.sort()));
  private searchTimer?: ReturnType<typeof setTimeout>;
  /** Selected clients by id, with their names for the confirmation; kept across pages. */
  protected readonly selected = signal(new Map<string, string>());
  protected readonly allSelected = computed(
    () => this.store.clients().length > 0 && this.store.clients().every((client) => this.selected().has(client.id)),
  );

  /** The URL is the view's one source: every change navigates, and each navigation shows what the URL says. */
  ngOnInit(): void {
    if (this.session.hasTeams()) void this.store.loadTeams();
    this.route.queryParamMap.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((params) => {
      const query = queryOf(params);
      void this.store.applyView(viewFromQueryParams(query, CLIENTS_URL_SPEC, this.store.defaultView()));
    });
  }

  protected search(event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    // Each keystroke replaces the history entry rather than adding one.
    this.searchTimer = setTimeout(() => void this.filter({ search: value }, true), 250);
  }

  protected selectLabels(event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    clearTimeout(this.selectorTimer);
    this.selectorTimer = setTimeout(() => void this.filter({ selector: value }, true), 400);
  }

  /** `key=value` (or the key alone for an empty value), in key order. */
  protected labelList(client: Client): string[] {
    return Object.entries(client.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => (value ? `${key}=${value}` : key));
  }

  protected filter(filters: Partial<ClientFilters>, replaceUrl = false): Promise<boolean> {
    const view = this.store.view();
    return this.show({ ...view, filters: { ...view.filters, ...filters }, pageIndex: 0 }, replaceUrl);
  }

  protected page({ pageIndex, pageSize }: PageChange): Promise<boolean> {
    return this.show({ ...this.store.view(), pageIndex, pageSize });
  }

  protected sortBy(event: Sort): Promise<boolean> {
    return this.show({ ...this.store.view(), sort: sortFromMatSort(event), pageIndex: 0 });
  }

  private show(view: ListView<ClientFilters>, replaceUrl = false): Promise<boolean> {
    return this.router.navigate([], {
      relativeTo: this.route,
      queryParams: viewToQueryParams(view, this.store.defaultView()),
      replaceUrl,
    });
  }

  protected teamName(client: Client): string {
    if (!client.teamId) return '—';
    return this.store.teamNames().get(client.teamId) ?? 'another team';
  }

  protected latency(client: Client): string {
    return client.health.latencyMs === null ? '—' : `${client.health.latencyMs} ms`;
  }

  protected agentTypes(config: { agentTypes: { displayName: string }[] } | null): string {
    return config?.agentTypes.map((type) => type.displayName).join(', ') || '—';
  }

  protected toggle(client: Client, checked: boolean): void {
    this.matchingAll.set(null);
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

  /** Selects every client the filters match (up to the bulk limit), not only this page's. */
  protected async selectAllMatching(): Promise<void> {
    this.selectingAll.set(true);
    this.selectAllError.set(null);
    try {
      const clients = await this.store.matchingClients();
      this.selected.set(new Map(clients.map((client) => [client.id, client.name])));
      const filters = this.store.bulkFilters();
      const byFilters = filters !== null && this.matchingLimit() === MAX_BULK_MATCHING;
      this.matchingAll.set(byFilters ? { filters, total: this.store.total() } : null);
    } catch (error) {
      this.selectAllError.set(apiErrorMessage(error));
    } finally {
      this.selectingAll.set(false);
    }
  }

  protected clearSelection(): void {
    this.selectAllError.set(null);
    this.matchingAll.set(null);
    this.selected.set(new Map());
  }

  // The dialogs load when first opened: the list's first load does not wait for them.
  protected async bulk(action: BulkAction): Promise<void> {
    const clients = [...this.selected()].map(([id, name]) => ({ id, name }));
    const matching = this.matchingAll() ?? undefined;
    const { BulkDialog } = await import('./bulk-dialog');
    this.dialog
      .open(BulkDialog, {
        data: { action, clients, matching, teams: this.store.teams(), globalAdmin: this.session.isGlobalAdmin() },
        width: 'min(560px, 100vw)',
        maxWidth: '100vw',
      })
      .afterClosed()
      .subscribe((done) => {
        if (done) {
          this.clearSelection();
          void this.store.load();
        }
      });
  }

  protected async create(): Promise<void> {
    const { ClientFormDialog } = await import('./client-form-dialog');
    const teamId = this.store.filters().teamId;
    const data: ClientFormData = teamId && teamId !== 'none' ? { startInTeam: teamId } : null;
    this.dialog
      .open(ClientFormDialog, { data, width: 'min(560px, 100vw)', maxWidth: '100vw' })
      .afterClosed()
      .subscribe(() => void this.store.load());
  }
}
