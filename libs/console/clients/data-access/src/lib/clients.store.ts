import { computed, inject, Injectable, signal } from '@angular/core';
import { apiErrorMessage } from '@agent-controller/console-core';
import type { Client, ClientStatus, HealthState } from '@agent-controller/shared-contracts';
import { ClientsApi } from './clients.api';

export interface ClientFilters {
  search: string;
  status: ClientStatus | '';
  health: HealthState | '';
}

/** The clients list: filters, page, and what the controller answered for them (loading, error, rows, total). */
@Injectable()
export class ClientsStore {
  private readonly api = inject(ClientsApi);
  private request = 0;

  readonly filters = signal<ClientFilters>({ search: '', status: '', health: '' });
  readonly pageIndex = signal(0);
  readonly pageSize = signal(25);
  readonly clients = signal<Client[]>([]);
  readonly total = signal(0);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly empty = computed(() => !this.loading() && !this.error() && this.clients().length === 0);

  async load(): Promise<void> {
    const request = ++this.request;
    this.loading.set(true);
    this.error.set(null);
    const { search, status, health } = this.filters();
    try {
      const page = await this.api.list({
        limit: this.pageSize(),
        offset: this.pageIndex() * this.pageSize(),
        search: search.trim() || undefined,
        status: status || undefined,
        health: health || undefined,
      });
      // An older answer arriving late must not replace a newer one.
      if (request !== this.request) return;
      this.clients.set(page.clients);
      this.total.set(page.total);
    } catch (error) {
      if (request === this.request) this.error.set(apiErrorMessage(error));
    } finally {
      if (request === this.request) this.loading.set(false);
    }
  }

  setFilters(filters: Partial<ClientFilters>): Promise<void> {
    this.filters.update((current) => ({ ...current, ...filters }));
    this.pageIndex.set(0);
    return this.load();
  }

  setPage(pageIndex: number, pageSize: number): Promise<void> {
    this.pageIndex.set(pageIndex);
    this.pageSize.set(pageSize);
    return this.load();
  }
}
