/** Milliseconds since the epoch; injectable so the state machines can be tested without waiting. */
export type Clock = () => number;

/** Timers that must not outlive `close()`: state transitions, Hetzner deletions, latency faults. */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly now: Clock = Date.now) {}

  /** Runs `callback` at `time` (by this scheduler's clock), or on the next tick when that has passed. */
  at(time: number, callback: () => void): void {
    this.after(Math.max(0, time - this.now()), callback);
  }

  after(delayMs: number, callback: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Resolves after `delayMs`, or never when the scheduler is cleared first. */
  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.after(delayMs, resolve));
  }

  clearAll(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }
}
