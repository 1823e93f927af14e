import { computed, inject, Injectable, OnDestroy, signal } from '@angular/core';
import { apiErrorMessage } from '@agent-controller/console-core';
import type { ProvisioningJob } from '@agent-controller/shared-contracts';
import { jobProgress, reduceJobProgress } from './job-progress';
import { ProvisioningApi } from './provisioning.api';

/** How often a running job is asked for again. */
export const JOB_POLL_INTERVAL_MS = 1000;

/** One job, followed live: polled every second until it succeeds or fails. */
@Injectable()
export class ProvisioningJobStore implements OnDestroy {
  private readonly api = inject(ProvisioningApi);
  private timer?: ReturnType<typeof setTimeout>;
  private jobId: string | null = null;

  readonly job = signal<ProvisioningJob | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly progress = computed(() => {
    const job = this.job();
    return job ? jobProgress(job) : null;
  });
  readonly running = computed(() => this.job()?.status === 'running');

  /** Starts following a job (a new id forgets the previous one). */
  follow(id: string): Promise<void> {
    this.stop();
    this.jobId = id;
    this.job.set(null);
    this.error.set(null);
    this.loading.set(true);
    return this.poll(id);
  }

  /** Takes a job state from elsewhere (e.g. the provision answer or a gateway push). */
  receive(job: ProvisioningJob): void {
    this.job.update((current) => reduceJobProgress(current, job));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.jobId = null;
  }

  ngOnDestroy(): void {
    this.stop();
  }

  private async poll(id: string): Promise<void> {
    try {
      const job = await this.api.job(id);
      if (this.jobId !== id) return;
      this.receive(job);
      this.error.set(null);
    } catch (error) {
      if (this.jobId !== id) return;
      this.error.set(apiErrorMessage(error));
    } finally {
      if (this.jobId === id) this.loading.set(false);
    }
    // Keep asking while it runs (after a failed poll too: the controller may be restarting).
    if (this.jobId === id && this.job()?.status === 'running') {
      this.timer = setTimeout(() => void this.poll(id), JOB_POLL_INTERVAL_MS);
    }
  }
}
