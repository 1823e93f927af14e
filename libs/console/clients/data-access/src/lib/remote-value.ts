import { computed, signal } from '@angular/core';
import { apiErrorMessage } from '@agent-controller/console-core';

/**
 * One thing fetched from the controller: loading, error (the API's message), value. A newer load wins over
 * an older one that answers late.
 */
export class RemoteValue<T> {
  private request = 0;
  readonly value = signal<T | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  /** The error's HTTP `code`, when the controller sent one (e.g. NOT_APPLICABLE_IN_API_KEY_MODE). */
  readonly errorCode = signal<string | null>(null);
  readonly empty = computed(() => {
    const value = this.value();
    return !this.loading() && !this.error() && (value === null || (Array.isArray(value) && value.length === 0));
  });

  async load(fetch: () => Promise<T>): Promise<void> {
    const request = ++this.request;
    this.loading.set(true);
    this.error.set(null);
    this.errorCode.set(null);
    try {
      const value = await fetch();
      if (request === this.request) this.value.set(value);
    } catch (error) {
      if (request !== this.request) return;
      this.error.set(apiErrorMessage(error));
      const body = (error as { error?: { code?: unknown } } | null)?.error;
      this.errorCode.set(typeof body?.code === 'string' ? body.code : null);
    } finally {
      if (request === this.request) this.loading.set(false);
    }
  }
}
