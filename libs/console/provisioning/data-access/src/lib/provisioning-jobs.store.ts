import { computed, inject, Injectable, signal } from '@angular/core';
import { apiErrorMessage } from '@agent-controller/console-core';
import type { JobStatus, OrphanServer, ProvisioningJob } from '@agent-controller/shared-contracts';
import { ProvisioningApi } from './provisioning.api';

/** The jobs list (page, status filter) and, for global admins, the orphaned servers. */
@Injectable()
export class ProvisioningJobsStore {
  private readonly api = inject(ProvisioningApi);
  private request = 0;

  readonly status = signal<JobStatus | ''>('');
  readonly pageIndex = signal(0);
  readonly pageSize = signal(10);
  readonly jobs = signal<ProvisioningJob[]>([]);
  readonly total = signal(0);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly empty = computed(() => !this.loading() && !this.error() && this.jobs().length === 0);

  readonly orphans = signal<OrphanServer[]>([]);
  readonly orphansLoading = signal(false);
  readonly orphansError = signal<string | null>(null);

  async load(): Promise<void> {
    const request = ++this.request;
    this.loading.set(true);
    this.error.set(null);
    try {
      const page = await this.api.jobs({
        limit: this.pageSize(),
        offset: this.pageIndex() * this.pageSize(),
        status: this.status() || undefined,
      });
      if (request !== this.request) return;
      this.jobs.set(page.jobs);
      this.total.set(page.total);
    } catch (error) {
      if (request === this.request) this.error.set(apiErrorMessage(error));
    } finally {
      if (request === this.request) this.loading.set(false);
    }
  }

  setStatus(status: JobStatus | ''): Promise<void> {
    this.status.set(status);
    this.pageIndex.set(0);
    return this.load();
  }

  setPage(pageIndex: number, pageSize: number): Promise<void> {
    this.pageIndex.set(pageIndex);
    this.pageSize.set(pageSize);
    return this.load();
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
