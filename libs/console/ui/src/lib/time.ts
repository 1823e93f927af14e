import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { Clock } from './clock';
import { formatExactTime, formatRelativeTime, TimeValue, toDate } from './relative-time';

/**
 * Every date the console shows: relative ("checked 12 s ago"), staying current with the shared {@link Clock},
 * with the exact local date and time on hover. A missing date shows `empty` ("never", "—", …).
 */
@Component({
  selector: 'ac-time',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (date(); as date) {
      <time [attr.datetime]="date.toISOString()" [attr.title]="exact()">{{ text() }}</time>
    } @else {
      {{ empty() }}
    }
  `,
  styles: `
    time {
      white-space: nowrap;
    }
  `,
})
export class TimeComponent {
  readonly value = input<TimeValue>();
  /** Words before the relative time, e.g. "checked" → "checked 12 s ago". */
  readonly prefix = input('');
  /** Shown when there is no date. */
  readonly empty = input('—');

  private readonly clock = inject(Clock);
  protected readonly date = computed(() => toDate(this.value()));
  protected readonly exact = computed(() => {
    const date = this.date();
    return date ? formatExactTime(date) : '';
  });
  protected readonly text = computed(() => {
    const date = this.date();
    if (!date) return '';
    // The clock ticks every 10 s: a date newer than its last tick (a row that just arrived) would read "in 7 s".
    const relative = formatRelativeTime(date, Math.max(this.clock.now(), Date.now()));
    return this.prefix() ? `${this.prefix()} ${relative}` : relative;
  });
}
