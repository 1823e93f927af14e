import { inject, Injectable } from '@angular/core';
import { type ListPage, type PageRequest, PagedListStore } from '@agent-controller/console-core';
import type { AuditEvent } from '@agent-controller/shared-contracts';
import { AuditApi } from './audit.api';

/** The filters GET /api/audit supports; `from`/`to` as a datetime-local input holds them (local time). */
export type AuditFilters = {
  action: string;
  actor: string;
  targetId: string;
  from: string;
  to: string;
};

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
export class AuditStore extends PagedListStore<AuditEvent, AuditFilters> {
  private readonly api = inject(AuditApi);
  /** The rows by their own name; the same signal as `items`. */
  readonly events = this.items;

  constructor() {
    super({ filters: EMPTY_AUDIT_FILTERS, pageSize: 25 });
  }

  protected async fetchPage({
    filters,
    pageIndex,
    pageSize,
  }: PageRequest<AuditFilters>): Promise<ListPage<AuditEvent>> {
    const page = await this.api.list(auditQueryParams(filters, pageIndex, pageSize));
    return { items: page.events, total: page.total };
  }
}
