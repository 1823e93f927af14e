import { Component, inject, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { SessionStore } from '@agent-controller/console-core';
import { ProvisioningJobsStore } from '@agent-controller/console-provisioning-data-access';
import { CardField, ListCard, PagedTable, TimeComponent } from '@agent-controller/console-ui';
import type { ProvisioningJob } from '@agent-controller/shared-contracts';
import { ProvisionWizard } from './provision-wizard';

/** Provision a new server (the wizard), the jobs so far, and for global admins the orphaned servers. */
@Component({
  selector: 'ac-provisioning-page',
  providers: [ProvisioningJobsStore],
  imports: [
    TimeComponent,
    MatButtonModule,
    MatFormFieldModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    RouterLink,
    ProvisionWizard,
    CardField,
    ListCard,
    PagedTable,
  ],
  template: `
    <h1>Provisioning</h1>
    <p>Create a cloud server that runs an agent-manager and register it as a client.</p>
    <section aria-labelledby="wizard-title">
      <h2 id="wizard-title">New server</h2>
      <ac-provision-wizard (started)="started($event)" />
    </section>

    <section aria-labelledby="jobs-title">
      <header class="section-header">
        <h2 id="jobs-title">Jobs</h2>
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>Job status</mat-label>
          <mat-select [value]="store.status()" (selectionChange)="store.setStatus($event.value)">
            <mat-option value="">Any</mat-option>
            <mat-option value="running">Running</mat-option>
            <mat-option value="succeeded">Succeeded</mat-option>
            <mat-option value="failed">Failed</mat-option>
          </mat-select>
        </mat-form-field>
        <button mat-button type="button" (click)="store.load()">Refresh</button>
      </header>
      <ac-paged-table
        [list]="store"
        noun="jobs"
        label="Jobs"
        emptyText="No provisioning jobs yet."
        (pageChange)="store.setPage($event.pageIndex, $event.pageSize)"
      >
        <table mat-table [dataSource]="store.jobs()" aria-labelledby="jobs-title">
          <ng-container matColumnDef="client">
            <th mat-header-cell *matHeaderCellDef scope="col">Client</th>
            <td mat-cell *matCellDef="let job">
              <a [routerLink]="['/provisioning/jobs', job.id]">{{ job.clientName }}</a>
            </td>
          </ng-container>
          <ng-container matColumnDef="server">
            <th mat-header-cell *matHeaderCellDef scope="col">Server</th>
            <td mat-cell *matCellDef="let job">
              {{ job.providerType }} · {{ job.serverType }}{{ job.location ? ' · ' + job.location : '' }}
            </td>
          </ng-container>
          <ng-container matColumnDef="status">
            <th mat-header-cell *matHeaderCellDef scope="col">Status</th>
            <td mat-cell *matCellDef="let job">
              <span [class]="'badge ' + job.status">{{ job.status }}</span>
              <span class="step">{{ stepSummary(job) }}</span>
            </td>
          </ng-container>
          <ng-container matColumnDef="createdAt">
            <th mat-header-cell *matHeaderCellDef scope="col">Started</th>
            <td mat-cell *matCellDef="let job"><ac-time [value]="job.createdAt" /></td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
        </table>
        <ng-template acListCard let-job>
          <ac-card-field label="Client">
            <a [routerLink]="['/provisioning/jobs', job.id]">{{ job.clientName }}</a>
          </ac-card-field>
          <ac-card-field label="Server">
            {{ job.providerType }} · {{ job.serverType }}{{ job.location ? ' · ' + job.location : '' }}
          </ac-card-field>
          <ac-card-field label="Status">
            <span [class]="'badge ' + job.status">{{ job.status }}</span>
            <span class="step">{{ stepSummary(job) }}</span>
          </ac-card-field>
          <ac-card-field label="Started"><ac-time [value]="job.createdAt" /></ac-card-field>
        </ng-template>
      </ac-paged-table>
    </section>

    @if (session.isGlobalAdmin()) {
      <section aria-labelledby="orphans-title">
        <header class="section-header">
          <h2 id="orphans-title">Orphaned servers</h2>
          <button mat-button type="button" (click)="store.loadOrphans()">Refresh</button>
        </header>
        <p class="hint">
          Servers of this controller that no job or client accounts for. They are deleted automatically when the
          controller runs with <code>PROVISIONING_DELETE_ORPHANS=true</code>; otherwise delete them in the provider's
          console.
        </p>
        @if (store.orphansLoading()) {
          <mat-progress-bar mode="indeterminate" aria-label="Loading the orphaned servers" />
        }
        @if (store.orphansError(); as error) {
          <p class="state error" role="alert">
            Could not load the orphaned servers: {{ error }}
            <button mat-button type="button" (click)="store.loadOrphans()">Retry</button>
          </p>
        } @else if (!store.orphansLoading() && store.orphans().length === 0) {
          <p class="state">No orphaned servers.</p>
        } @else {
          <div class="table-scroll">
            <table mat-table [dataSource]="store.orphans()" aria-labelledby="orphans-title">
              <ng-container matColumnDef="server">
                <th mat-header-cell *matHeaderCellDef scope="col">Server</th>
                <td mat-cell *matCellDef="let orphan">
                  {{ orphan.serverName }} <span class="muted">({{ orphan.providerType }} #{{ orphan.serverId }})</span>
                </td>
              </ng-container>
              <ng-container matColumnDef="job">
                <th mat-header-cell *matHeaderCellDef scope="col">Job</th>
                <td mat-cell *matCellDef="let orphan">
                  @if (orphan.jobId) {
                    <a [routerLink]="['/provisioning/jobs', orphan.jobId]">{{ orphan.jobId }}</a>
                  } @else {
                    —
                  }
                </td>
              </ng-container>
              <ng-container matColumnDef="seen">
                <th mat-header-cell *matHeaderCellDef scope="col">Seen</th>
                <td mat-cell *matCellDef="let orphan">
                  <ac-time [value]="orphan.firstSeenAt" /> – <ac-time [value]="orphan.lastSeenAt" />
                </td>
              </ng-container>
              <ng-container matColumnDef="deletedAt">
                <th mat-header-cell *matHeaderCellDef scope="col">Deleted</th>
                <td mat-cell *matCellDef="let orphan">
                  <ac-time [value]="orphan.deletedAt" empty="not yet" />
                </td>
              </ng-container>
              <tr mat-header-row *matHeaderRowDef="orphanColumns"></tr>
              <tr mat-row *matRowDef="let row; columns: orphanColumns"></tr>
            </table>
          </div>
        }
      </section>
    }
  `,
  styles: `
    section {
      margin-top: 24px;
    }
    .section-header {
      display: flex;
      align-items: center;
      flex-wrap: wrap;
      gap: 12px;
    }
    .section-header h2 {
      margin-right: auto;
    }
    .table-scroll {
      overflow-x: auto;
    }
    table {
      width: 100%;
    }
    .state {
      padding: 16px 0;
    }
    .hint {
      font-size: 0.875rem;
    }
    .muted,
    .step {
      font-size: 0.8125rem;
    }
    .step {
      margin-left: 8px;
    }
  `,
})
export class ProvisioningPage implements OnInit {
  protected readonly store = inject(ProvisioningJobsStore);
  protected readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  protected readonly columns = ['client', 'server', 'status', 'createdAt'];
  protected readonly orphanColumns = ['server', 'job', 'seen', 'deletedAt'];

  ngOnInit(): void {
    void this.store.load();
    if (this.session.isGlobalAdmin()) void this.store.loadOrphans();
  }

  protected stepSummary(job: ProvisioningJob): string {
    if (job.status !== 'running') return '';
    const done = job.steps.filter((step) => step.status === 'succeeded').length;
    return `step ${Math.min(done + 1, job.steps.length)} of ${job.steps.length}`;
  }

  protected started(job: ProvisioningJob): void {
    void this.router.navigate(['/provisioning/jobs', job.id]);
  }
}
