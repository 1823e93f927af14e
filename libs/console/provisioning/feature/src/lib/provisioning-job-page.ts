import { Component, effect, inject, input, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { ProvisioningJobStore, STEP_LABELS, stepDuration } from '@agent-controller/console-provisioning-data-access';
import type { ProvisioningStep } from '@agent-controller/shared-contracts';
import { TimeComponent } from '@agent-controller/console-ui';

/** One provisioning job, live: its four steps with status, attempts, times and errors; the outcome. */
@Component({
  selector: 'ac-provisioning-job-page',
  providers: [ProvisioningJobStore],
  imports: [TimeComponent, MatButtonModule, MatProgressBarModule, RouterLink],
  template: `
    <p><a routerLink="/provisioning">← Provisioning</a></p>
    @if (store.job(); as job) {
      <h1>Provisioning {{ job.clientName }}</h1>
      <p class="summary">
        {{ job.providerType }} · {{ job.serverType }}{{ job.location ? ' · ' + job.location : '' }} · started
        <ac-time [value]="job.createdAt" />
        @if (job.server; as server) {
          · server {{ server.name }} (#{{ server.id }}{{ server.ipv4 ? ', ' + server.ipv4 : '' }})
        }
      </p>
      <p role="status" aria-live="polite" class="status">
        <span [class]="'badge ' + job.status">{{ job.status }}</span>
        @if (store.progress(); as progress) {
          {{ progress.done }} of {{ progress.total }} steps done
        }
      </p>
      @if (store.progress(); as progress) {
        <mat-progress-bar
          [mode]="job.status === 'running' ? 'buffer' : 'determinate'"
          [value]="progress.percent"
          [bufferValue]="job.status === 'running' ? progress.percent + 100 / progress.total : 0"
          aria-label="Steps done"
        />
      }
      <ol class="steps">
        @for (step of job.steps; track step.name) {
          <li [class]="step.status">
            <div class="step-head">
              <span [class]="'badge ' + step.status">{{ step.status }}</span>
              <strong>{{ label(step) }}</strong>
            </div>
            <div class="step-meta">
              Attempts: {{ step.attempts }}
              @if (step.startedAt) {
                · <ac-time [value]="step.startedAt" prefix="started" />
              }
              @if (step.finishedAt) {
                · <ac-time [value]="step.finishedAt" prefix="finished" />
              }
              @if (step.startedAt) {
                · {{ duration(step) }}
              }
            </div>
            @if (step.error) {
              <div class="error">{{ step.error }}</div>
            }
          </li>
        }
      </ol>
      @if (job.warnings.length) {
        <section class="warnings" aria-labelledby="warnings-title">
          <h2 id="warnings-title">Warnings</h2>
          <ul>
            @for (warning of job.warnings; track warning) {
              <li>{{ warning }}</li>
            }
          </ul>
        </section>
      }
      @if (job.status === 'succeeded') {
        <p class="outcome success">
          The server is ready and registered as a client.
          @if (job.clientId) {
            <a mat-flat-button [routerLink]="['/clients', job.clientId]">Open client {{ job.clientName }}</a>
          }
        </p>
      } @else if (job.status === 'failed') {
        <div class="outcome failure" role="alert">
          <p><strong>Provisioning failed:</strong> {{ job.error ?? 'no reason given' }}</p>
          @if (job.server) {
            @if (job.serverDeleted) {
              <p>The server {{ job.server.name }} was deleted again; nothing is left to pay for.</p>
            } @else {
              <p>
                The server {{ job.server.name }} (#{{ job.server.id }}) was <strong>not</strong> deleted: delete it in
                the provider's console.
              </p>
            }
          } @else {
            <p>No server was created.</p>
          }
        </div>
      }
      @if (store.error(); as error) {
        <p class="error" role="alert">Could not refresh the job: {{ error }}</p>
      }
    } @else if (store.error(); as error) {
      <h1>Provisioning job</h1>
      <p class="error" role="alert">
        Could not load the job: {{ error }}
        <button mat-button type="button" (click)="store.follow(id())">Retry</button>
      </p>
    } @else {
      <h1>Provisioning job</h1>
      <mat-progress-bar mode="indeterminate" aria-label="Loading the job" />
    }
  `,
  styles: `
    .summary {
      font-size: 0.875rem;
    }
    .status {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .steps {
      list-style: none;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 12px;
      margin: 16px 0;
    }
    .steps li {
      border-left: 4px solid var(--mat-sys-outline-variant);
      padding: 4px 12px;
    }
    .steps li.succeeded {
      border-color: #2e7d32;
    }
    .steps li.running {
      border-color: #1565c0;
    }
    .steps li.failed {
      border-color: var(--mat-sys-error);
    }
    .step-head {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .step-meta {
      font-size: 0.8125rem;
      margin-top: 4px;
    }
    .error {
      color: var(--mat-sys-error);
      word-break: break-word;
    }
    .outcome {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
    }
    .failure {
      display: block;
    }
  `,
})
export class ProvisioningJobPage {
  protected readonly store = inject(ProvisioningJobStore);
  /** The job id, from the route. */
  readonly id = input.required<string>();

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.store.follow(id));
    });
  }

  protected label(step: ProvisioningStep): string {
    return STEP_LABELS[step.name] ?? step.name;
  }

  protected duration(step: ProvisioningStep): string {
    return stepDuration(step);
  }
}
