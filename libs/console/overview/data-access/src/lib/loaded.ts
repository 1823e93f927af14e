import { computed, signal } from '@angular/core';
import { apiErrorMessage } from '@agent-controller/console-core';

/**
 * One independently loaded part of a page: its last value, whether a load is running and why the last one failed.
 * A reload keeps the last value on screen; an answer overtaken by a later load is dropped.
 */
export class Loaded<T> {
  private request = 0;
  readonly value = signal<T | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  /** Nothing to show yet: the first load is still running. */
  readonly pending = computed(() => this.value() === null && this.error() === null);

  async load(fetch: () => Promise<T>): Promise<void> {
    const request = ++this.request;
    this.loading.set(true);
    try {
      const value = await fetch();
      if (request !== this.request) return;
      this.value.set(value);
      this.error.set(null);
    } catch (error) {
      if (request === this.request) this.error.set(apiErrorMessage(error));
    } finally {
      if (request === this.request) this.loading.set(false);
    }
  }
}
