import { Injectable, OnDestroy, signal } from '@angular/core';

/** How often relative times ("12 s ago") move on; one timer for the whole console, not one per row. */
export const CLOCK_TICK_MS = 10_000;

/** The current time as a signal every relative time reads, ticking every {@link CLOCK_TICK_MS}. */
@Injectable({ providedIn: 'root' })
export class Clock implements OnDestroy {
  private readonly current = signal(Date.now());
  readonly now = this.current.asReadonly();
  private readonly timer = setInterval(() => this.tick(), CLOCK_TICK_MS);
  // A tab in the background gets throttled timers: catch up the moment it is shown again.
  private readonly onVisible = (): void => {
    if (document.visibilityState === 'visible') this.tick();
  };

  constructor() {
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisible);
  }

  tick(): void {
    this.current.set(Date.now());
  }

  ngOnDestroy(): void {
    clearInterval(this.timer);
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisible);
  }
}
