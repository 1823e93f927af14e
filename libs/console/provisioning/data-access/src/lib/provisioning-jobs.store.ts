import { computed, inject, Injectable, signal } from '@angular/core';
import { apiErrorMessage, type ListPage, type PageRequest, PagedListStore } from '@agent-controller/console-core';
import type { JobStatus, OrphanServer, ProvisioningJob } from '@agent-controller/shared-contracts';
import { ProvisioningApi } from './provisioning.api';

export type JobFilters = { status: JobStatus | '' };

/** The jobs list (page, status filter) and, for global admins, the orphaned servers. */
@Injectable()
export class ProvisioningJobsStore extends PagedListStore<ProvisioningJob, JobFilters> {
  private readonly api = inject(ProvisioningApi);
  /** The rows by their own name; the same signal as `items`. */
  readonly jobs = this.items;
  readonly status = computed(() => this.filters().status);

  readonly orphans = signal<OrphanServer[]>([]);
  readonly orphansLoading = signal(false);
  readonly orphansError = signal<string | null>(null);

  constructor() {
    super({ filters: { status: '' }, pageSize: 10 });
  }

  protected async fetchPage({
    filters,
    pageIndex,
    pageSize,
  }: PageRequest<JobFilters>): Promise<ListPage<ProvisioningJob>> {
    const page = await this.api.jobs({
      limit: pageSize,
      offset: pageIndex * pageSize,
      status: filters.status || undefined,
    });
    return { items: page.jobs, total: page.total };
  }

  setStatus(status: JobStatus | ''): Promise<void> {
    return this.setFilters({ status });
  }

  async loadOrphans(): Promise<void> {
    this.orphansLoading.set(true);
    this.orphansError.set(null);
    try {
      this.orphans.set(await this.api.orphans());
    } catch (error) {
      this.orphansError.set(apiErrorMessage(error));
    } finally {
      this.orphansLoading.set(false);
    }
  }
}
