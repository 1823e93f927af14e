import { Component, effect, inject, input, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { DeploymentRun, DeploymentsStore, isRunActive } from '@agent-controller/console-agents-data-access';
import { confirmAction, TimeComponent } from '@agent-controller/console-ui';
import { DeploymentConfigurationPanel } from './deployment-configuration-panel';

/**
 * The agent's CI runs: list, a run's jobs and logs (and each job's), trigger a workflow, cancel a run — open to
 * every member. The configuration (it holds the provider token) is edited by managers only.
 */
@Component({
  selector: 'ac-agent-deployments-tab',
  providers: [DeploymentsStore],
  imports: [
    TimeComponent,
    DeploymentConfigurationPanel,
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
  ],
  templateUrl: './agent-deployments-tab.html',
  styleUrl: './agent-deployments-tab.css',
})
export class AgentDeploymentsTab implements OnInit {
  readonly clientId = input.required<string>();
  readonly agentId = input.required<string>();
  /** Management rights: only then can the configuration be changed. */
  readonly canConfigure = input(false);
  protected readonly store = inject(DeploymentsStore);
  private readonly dialog = inject(MatDialog);
  protected readonly busy = this.store.actions.busy;
  protected readonly active = isRunActive;
  protected readonly workflowId = signal('');
  protected readonly ref = signal('');

  constructor() {
    // Sensible defaults once the configuration and its workflows are known.
    effect(() => {
      const first = this.store.triggerable()[0];
      if (first && !this.workflowId()) this.workflowId.set(first.id);
      const branch = this.store.configuration.value()?.defaultBranch ?? 'main';
      if (this.store.configured() && !this.ref()) this.ref.set(branch);
    });
  }

  ngOnInit(): Promise<void> {
    return this.store.load(this.clientId(), this.agentId());
  }

  protected outcome(run: DeploymentRun): string {
    return run.conclusion ?? run.status;
  }

  protected trigger(): void {
    if (this.workflowId() && this.ref().trim()) void this.store.trigger(this.workflowId(), this.ref().trim());
  }

  protected cancel(run: DeploymentRun): void {
    confirmAction(this.dialog, {
      title: `Cancel run ${run.runName}?`,
      message: `The run ${run.runName} (${run.providerRunId}) on ${run.ref} is stopped at the CI provider.`,
      confirm: `Cancel run ${run.runName}`,
    }).subscribe((confirmed) => {
      if (confirmed) void this.store.cancel(run);
    });
  }
}
