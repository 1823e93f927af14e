import { signal } from '@angular/core';
import { apiErrorMessage } from '@agent-controller/console-core';

/**
 * What a tab is doing right now (`busy`, a key the view compares against to disable and label its buttons)
 * and how the last action ended (`notice`, for a polite live region). One action at a time per tab.
 */
export class ActionTracker {
  readonly busy = signal<string | null>(null);
  readonly notice = signal('');

  /** Runs `action`; the failure is kept in `notice` (the error interceptor also shows it once). */
  async run(key: string, action: () => Promise<unknown>, done: string, failed: string): Promise<boolean> {
    this.busy.set(key);
    try {
      await action();
      this.notice.set(done);
      return true;
    } catch (error) {
      this.notice.set(`${failed}: ${apiErrorMessage(error)}`);
      return false;
    } finally {
      this.busy.set(null);
    }
  }
}
