import { computed, inject, Injectable, signal } from '@angular/core';
import { RemoteValue } from '@agent-controller/console-clients-data-access';
import { ActionTracker } from './action-tracker';
import type { DeploymentConfiguration, DeploymentJob, DeploymentRun, DeploymentWorkflow } from './agent-detail.types';
import type { DeploymentConfigurationRequest } from './agent-requests.types';
import { DeploymentsApi } from './deployments.api';

/** An agent's deployments: whether they are configured, the runs, one run's jobs and logs, trigger and cancel. */
@Injectable()
export class DeploymentsStore {
  private readonly api = inject(DeploymentsApi);
  private clientId = '';
  private agentId = '';

  readonly configuration = new RemoteValue<DeploymentConfiguration | null>();
  readonly configured = computed(() => Boolean(this.configuration.value()?.id));
  /** Read and absent: the remote answers an empty body when none is configured. */
  readonly notConfigured = computed(
    () => !this.configuration.loading() && !this.configuration.error() && !this.configured(),
  );
  readonly runs = new RemoteValue<DeploymentRun[]>();
  readonly workflows = new RemoteValue<DeploymentWorkflow[]>();
  readonly triggerable = computed(() => (this.workflows.value() ?? []).filter((workflow) => workflow.canTrigger));
  readonly selectedRun = signal<DeploymentRun | null>(null);
  readonly jobs = new RemoteValue<DeploymentJob[]>();
  readonly logs = new RemoteValue<string>();
  /** The job whose logs are shown, within the selected run. */
  readonly selectedJob = signal<DeploymentJob | null>(null);
  readonly jobLogs = new RemoteValue<string>();
  readonly actions = new ActionTracker();

  async load(clientId = this.clientId, agentId = this.agentId): Promise<void> {
    this.clientId = clientId;
    this.agentId = agentId;
    this.selectedRun.set(null);
    await this.configuration.load(() => this.api.configuration(clientId, agentId));
    const configuration = this.configuration.value();
    if (!configuration?.id) return;
    await Promise.all([
      this.loadRuns(),
      this.workflows.load(() =>
        this.api.workflows(clientId, agentId, configuration.repositoryId, configuration.defaultBranch),
      ),
    ]);
  }

  loadRuns(): Promise<void> {
    return this.runs.load(() => this.api.runs(this.clientId, this.agentId));
  }

  /** Reads the run again (the provider moves it on), then its jobs and logs. */
  async openRun(run: DeploymentRun): Promise<void> {
    this.selectedRun.set(run);
    this.selectedJob.set(null);
    try {
      const fresh = await this.api.run(this.clientId, this.agentId, run.id);
      if (this.selectedRun()?.id === run.id) this.selectedRun.set(fresh);
      this.runs.value.update(
        (runs) => runs?.map((candidate) => (candidate.id === fresh.id ? fresh : candidate)) ?? runs,
      );
    } catch {
      // The list's copy is still shown; the jobs and logs below report the failure.
    }
    await Promise.all([
      this.jobs.load(() => this.api.jobs(this.clientId, this.agentId, run.id)),
      this.logs.load(async () => (await this.api.logs(this.clientId, this.agentId, run.id)).logs),
    ]);
  }

  closeRun(): void {
    this.selectedRun.set(null);
    this.selectedJob.set(null);
  }

  openJobLogs(job: DeploymentJob): Promise<void> {
    const run = this.selectedRun();
    if (!run) return Promise.resolve();
    this.selectedJob.set(job);
    return this.jobLogs.load(async () => (await this.api.jobLogs(this.clientId, this.agentId, run.id, job.id)).logs);
  }

  closeJobLogs(): void {
    this.selectedJob.set(null);
  }

  /** Management rights (DESIGN §4). An update leaves out `providerType`, as the remote expects; then all is read again. */
  async saveConfiguration(body: DeploymentConfigurationRequest): Promise<boolean> {
    const updating = this.configured();
    const request = updating ? withoutProviderType(body) : body;
    const ok = await this.actions.run(
      'configuration',
      () => this.api.saveConfiguration(this.clientId, this.agentId, request),
      updating ? 'Deployment configuration updated' : 'Deployment configuration saved',
      'Saving the deployment configuration failed',
    );
    if (ok) await this.load();
    return ok;
  }

  async deleteConfiguration(): Promise<boolean> {
    const ok = await this.actions.run(
      'delete-configuration',
      () => this.api.deleteConfiguration(this.clientId, this.agentId),
      'Deployment configuration deleted',
      'Deleting the deployment configuration failed',
    );
    if (ok) await this.load();
    return ok;
  }

  async trigger(workflowId: string, ref: string): Promise<boolean> {
    const ok = await this.actions.run(
      'trigger',
      () => this.api.trigger(this.clientId, this.agentId, { workflowId, ref }),
      `Workflow ${workflowId} triggered on ${ref}`,
      `Triggering ${workflowId} failed`,
    );
    if (ok) await this.loadRuns();
    return ok;
  }

  async cancel(run: DeploymentRun): Promise<boolean> {
    const ok = await this.actions.run(
      `cancel:${run.id}`,
      () => this.api.cancel(this.clientId, this.agentId, run.id),
      `Run ${run.runName} cancelled`,
      `Cancelling ${run.runName} failed`,
    );
    if (ok) {
      await this.loadRuns();
      if (this.selectedRun()?.id === run.id) await this.openRun(run);
    }
    return ok;
  }
}

function withoutProviderType(body: DeploymentConfigurationRequest): DeploymentConfigurationRequest {
  const request = { ...body };
  delete request.providerType;
  return request;
}

/** A run still running can be cancelled. */
export function isRunActive(run: DeploymentRun): boolean {
  return run.status !== 'completed';
}
