import { DecimalPipe, PercentPipe } from '@angular/common';
import { Component, DestroyRef, inject, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { BUSIEST_WINDOW_HOURS, OverviewStore } from '@agent-controller/console-overview-data-access';
import { TimeComponent } from '@agent-controller/console-ui';
import type { ClientStatus, HealthState } from '@agent-controller/shared-contracts';

/** While the page is open it reads the fleet again this often (only while the tab is visible). */
const REFRESH_INTERVAL_MS = 30_000;

// Listed here rather than imported: the contracts module would bring zod into this chunk.
const HEALTH_LABELS: Record<HealthState, string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  unreachable: 'unreachable',
  auth_failed: 'auth failed',
  incompatible: 'incompatible',
  unknown: 'not checked yet',
};
const HEALTH_ORDER: readonly HealthState[] = [
  'healthy',
  'degraded',
  'unreachable',
  'auth_failed',
  'incompatible',
  'unknown',
];
const STATUSES: readonly ClientStatus[] = ['active', 'inactive'];

/**
 * The console's home: the fleet at a glance. Counts by health and status (each opens the clients list filtered
 * that way), the failing and the recently changed clients, provisioning jobs in flight and the busiest clients.
 */
@Component({
  selector: 'ac-overview-page',
  providers: [OverviewStore],
  imports: [DecimalPipe, PercentPipe, MatButtonModule, MatProgressBarModule, RouterLink, TimeComponent],
  templateUrl: './overview-page.html',
  styleUrl: './overview-page.css',
})
export class OverviewPage implements OnInit {
  protected readonly store = inject(OverviewStore);
  protected readonly healthOrder = HEALTH_ORDER;
  protected readonly statuses = STATUSES;
  protected readonly windowHours = BUSIEST_WINDOW_HOURS;
  private readonly destroyRef = inject(DestroyRef);

  ngOnInit(): void {
    void this.store.load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.store.load();
    }, REFRESH_INTERVAL_MS);
    this.destroyRef.onDestroy(() => clearInterval(timer));
  }

  protected healthLabel(state: HealthState): string {
    return HEALTH_LABELS[state];
  }

  protected healthCount(state: HealthState): number {
    return this.store.summary.value()?.byHealth[state] ?? 0;
  }

  protected statusCount(status: ClientStatus): number {
    return this.store.summary.value()?.byStatus[status] ?? 0;
  }
}
