import { computed, inject, Injectable, signal } from '@angular/core';
import { apiErrorMessage } from '@agent-controller/console-core';
import type { AuditEvent } from '@agent-controller/shared-contracts';
import { AuditApi } from './audit.api';

/** The filters GET /api/audit supports; `from`/`to` as a datetime-local input holds them (local time). */
export interface AuditFilters {
  action: string;
  actor: string;
  targetId: string;
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { action: '', actor: '', targetId: '', from: '', to: '' };

/**
 * The query string for a page of the audit log: paging, the filters that are set (trimmed), and the time range
 * as ISO 8601 instants (a local date-time without seconds becomes UTC). An unreadable date is left out.
 */
export function auditQueryParams(filters: AuditFilters, pageIndex: number, pageSize: number): Record<string, string> {
  const params: Record<string, string> = { limit: String(pageSize), offset: String(pageIndex * pageSize) };
  for (const key of ['action', 'actor', 'targetId'] as const) {
    const value = filters[key].trim();
    if (value) params[key] = value;
  }
  for (const key of ['from', 'to'] as const) {
    const value = filters[key].trim();
    const time = value ? new Date(value).getTime() : NaN;
    if (!Number.isNaN(time)) params[key] = new Date(time).toISOString();
  }
  return params;
}

/** The audit log: filters, page, and what the controller answered (loading, error, rows, total). */
@Injectable()
export class AuditStore {
  private readonly api = inject(AuditApi);
  private request = 0;

  readonly filters = signal<AuditFilters>(EMPTY_AUDIT_FILTERS);
  readonly pageIndex = signal(0);
  readonly pageSize = signal(25);
  readonly events = signal<AuditEvent[]>([]);
  readonly total = signal(0);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly empty = computed(() => !this.loading() && !this.error() && this.events().length === 0);
  readonly filtered = computed(() => Object.values(this.filters()).some((value) => value.trim() !== ''));

  async load(): Promise<void> {
    const request = ++this.request;
    this.loading.set(true);
    this.error.set(null);
    try {
      const page = await this.api.list(auditQueryParams(this.filters(), this.pageIndex(), this.pageSize()));
      if (request !== this.request) return;
      this.events.set(page.events);
      this.total.set(page.total);
    } catch (error) {
      if (request === this.request) this.error.set(apiErrorMessage(error));
    } finally {
      if (request === this.request) this.loading.set(false);
    }
  }

  setFilters(filters: Partial<AuditFilters>): Promise<void> {
    this.filters.update((current) => ({ ...current, ...filters }));
    this.pageIndex.set(0);
    return this.load();
  }

  clearFilters(): Promise<void> {
    return this.setFilters(EMPTY_AUDIT_FILTERS);
  }

  setPage(pageIndex: number, pageSize: number): Promise<void> {
    this.pageIndex.set(pageIndex);
    this.pageSize.set(pageSize);
    return this.load();
  }
}
