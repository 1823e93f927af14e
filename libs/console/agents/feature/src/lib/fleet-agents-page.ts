import { Component, DestroyRef, inject, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import {
  FLEET_AGENT_PAGE_SIZES,
  FleetAgentsStore,
  FLEET_AGENTS_URL_SPEC,
  type FleetAgentFilters,
} from '@agent-controller/console-agents-data-access';
import { queryOf, viewFromQueryParams, viewToQueryParams } from '@agent-controller/console-core';
import { type PageChange, PagedTable, TimeComponent } from '@agent-controller/console-ui';
import type { FleetAgent } from '@agent-controller/shared-contracts';

/**
 * Every agent of the fleet the caller may see, from the snapshots the controller keeps (no remote is called):
 * search, client and type filters, paging, each agent linking to its page on its client. Filters and page live in
 * the URL, so a reload or a shared link shows the same list.
 */
@Component({
  selector: 'ac-fleet-agents-page',
  providers: [FleetAgentsStore],
  imports: [
    TimeComponent,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    PagedTable,
    MatSelectModule,
    MatTableModule,
    RouterLink,
  ],
  template: `
    <h1>Agents</h1>
    <p class="lead">The agents of every client, as each remote listed them when the controller last checked it.</p>
    <form class="list-filters" (submit)="$event.preventDefault()" aria-label="Agent filters">
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Search</mat-label>
        <input
          matInput
          name="search"
          type="search"
          [value]="store.filters().search"
          (input)="search($event)"
          placeholder="Agent, description or client"
        />
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Client</mat-label>
        <mat-select [value]="store.filters().clientId" (selectionChange)="choose('clientId', $event.value)">
          <mat-option value="">All clients</mat-option>
          @for (client of store.clients(); track client.id) {
            <mat-option [value]="client.id">{{ client.name }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>Type</mat-label>
        <mat-select [value]="store.filters().agentType" (selectionChange)="choose('agentType', $event.value)">
          <mat-option value="">All types</mat-option>
          @for (type of store.types(); track type.agentType) {
            <mat-option [value]="type.agentType">{{ type.agentType }} ({{ type.count }})</mat-option>
          }
        </mat-select>
      </mat-form-field>
      @if (store.filtered()) {
        <button mat-button type="button" (click)="clear()">Clear filters</button>
      }
    </form>
    <ac-paged-table
      [list]="store"
      noun="agents"
      label="Agents of the fleet"
      [emptyText]="
        store.filtered()
          ? 'No agents match these filters.'
          : 'No agents yet. Agents appear here once a healthy client has been checked.'
      "
      [pageSizeOptions]="pageSizes"
      (pageChange)="page($event)"
    >
      <table mat-table class="stack-on-phone" [dataSource]="store.agents()" aria-label="Agents of the fleet">
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef scope="col">Agent</th>
          <td mat-cell *matCellDef="let agent" data-label="Agent">
            <a class="name" [routerLink]="['/clients', agent.client.id, 'agents', agent.id]">{{ agent.name }}</a>
            @if (agent.description) {
              <div class="description">{{ agent.description }}</div>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="client">
          <th mat-header-cell *matHeaderCellDef scope="col">Client</th>
          <td mat-cell *matCellDef="let agent" data-label="Client">
            <a [routerLink]="['/clients', agent.client.id]">{{ agent.client.name }}</a>
          </td>
        </ng-container>
        <ng-container matColumnDef="type">
          <th mat-header-cell *matHeaderCellDef scope="col">Type</th>
          <td mat-cell *matCellDef="let agent" data-label="Type">{{ agent.agentType ?? '—' }}</td>
        </ng-container>
        <ng-container matColumnDef="state">
          <th mat-header-cell *matHeaderCellDef scope="col">State</th>
          <td mat-cell *matCellDef="let agent" data-label="State">
            @if (agent.running === null) {
              <span class="muted" title="The remote reports this only while the agent is open in the console">
                unknown
              </span>
            } @else {
              <span [class]="'badge ' + (agent.running ? 'running' : 'stopped')">{{ stateText(agent) }}</span>
              <div class="muted"><ac-time [value]="agent.stateReportedAt" prefix="seen" /></div>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="snapshotAt">
          <th mat-header-cell *matHeaderCellDef scope="col">Listed</th>
          <td mat-cell *matCellDef="let agent" data-label="Listed"><ac-time [value]="agent.snapshotAt" /></td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns"></tr>
      </table>
    </ac-paged-table>
  `,
  styles: `
    .lead {
      margin-top: 0;
    }
    .name {
      font-weight: 600;
      color: inherit;
    }
    td a {
      color: inherit;
    }
    .description,
    .muted {
      font-size: 0.8125rem;
      opacity: 0.8;
    }
  `,
})
export class FleetAgentsPage implements OnInit {
  protected readonly store = inject(FleetAgentsStore);
  protected readonly columns = ['name', 'client', 'type', 'state', 'snapshotAt'];
  protected readonly pageSizes = FLEET_AGENT_PAGE_SIZES;
  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private timer?: ReturnType<typeof setTimeout>;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  /** The filters and page come from the URL, so a reload or a shared link shows the same agents. */
  async ngOnInit(): Promise<void> {
    const params = this.route.snapshot.queryParamMap;
    const query = queryOf(params);
    const view = viewFromQueryParams(query, FLEET_AGENTS_URL_SPEC, this.store.defaultView());
    await Promise.all([this.store.applyView(view), this.store.loadChoices()]);
  }

  /** Typing waits a moment before asking. */
  protected search(event: Event): void {
    const search = (event.target as HTMLInputElement).value;
    this.store.filters.update((filters) => ({ ...filters, search }));
    this.store.pageIndex.set(0);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.syncUrl();
      void this.store.load();
    }, 300);
  }

  protected choose(key: Exclude<keyof FleetAgentFilters, 'search'>, value: string): Promise<void> {
    return this.synced(this.store.setFilters({ [key]: value }));
  }

  protected clear(): Promise<void> {
    clearTimeout(this.timer);
    return this.synced(this.store.clearFilters());
  }

  protected page(event: PageChange): Promise<void> {
    return this.synced(this.store.setPage(event.pageIndex, event.pageSize));
  }

  protected stateText(agent: FleetAgent): string {
    return agent.running ? 'running' : 'stopped';
  }

  /** The store has taken the change (signals are set before it loads): the URL follows it at once. */
  private synced(loading: Promise<void>): Promise<void> {
    this.syncUrl();
    return loading;
  }

  private syncUrl(): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: viewToQueryParams(this.store.view(), this.store.defaultView()),
      replaceUrl: true,
    });
  }
}
