import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** The states a strip cell can show (the contracts' HealthState, listed here to keep zod out of the chunk). */
type StripState = 'unknown' | 'healthy' | 'degraded' | 'unreachable' | 'auth_failed' | 'incompatible';

const HOUR_MS = 3_600_000;

/**
 * A client's last 24 hours at a glance: one cell per hour coloured by the worst health state of that hour, grey
 * where there is no data yet. Screen readers get one sentence: how many hours were in each state.
 */
@Component({
  selector: 'ac-health-strip',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span class="strip" role="img" [attr.aria-label]="summary()">
      @for (cell of cells(); track $index) {
        <span class="cell" [class]="'cell ' + (cell.state ?? 'none')" [attr.title]="cell.title"></span>
      }
    </span>
  `,
  styles: `
    :host {
      display: inline-block;
      vertical-align: middle;
    }
    .strip {
      display: inline-flex;
      gap: 1px;
    }
    .cell {
      width: 4px;
      height: 14px;
      border-radius: 1px;
      background: var(--mat-sys-outline-variant);
    }
    .healthy {
      background: #2e7d32;
    }
    .degraded {
      background: #f9a825;
    }
    .unknown {
      background: #90a4ae;
    }
    .unreachable,
    .auth_failed,
    .incompatible {
      background: #c62828;
    }
  `,
})
export class HealthStrip {
  /** One state per hour, oldest first; null where the client did not exist yet. */
  readonly hours = input.required<readonly (StripState | null)[]>();
  /** Start of the first hour (ISO 8601). */
  readonly from = input.required<string>();

  protected readonly cells = computed(() => {
    const start = new Date(this.from()).getTime();
    const format = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
    return this.hours().map((state, index) => ({
      state,
      title: `${format.format(start + index * HOUR_MS)}: ${state ? state.replaceAll('_', ' ') : 'no data'}`,
    }));
  });

  protected readonly summary = computed(() => {
    const counts = new Map<string, number>();
    for (const state of this.hours()) {
      if (state) counts.set(state, (counts.get(state) ?? 0) + 1);
    }
    const parts = [...counts].map(([state, hours]) => `${state.replaceAll('_', ' ')} ${hours} h`);
    return `Health over the last ${this.hours().length} hours: ${parts.join(', ') || 'no data'}`;
  });
}
