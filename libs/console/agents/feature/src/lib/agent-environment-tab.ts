import { Component, inject, input, OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { EnvironmentStore, EnvironmentVariable } from '@agent-controller/console-agents-data-access';
import { confirmAction } from '@agent-controller/console-ui';
import { EnvironmentVariableDialog, EnvironmentVariableDialogData } from './environment-variable-dialog';

/** An agent's environment variables; writes are offered only to those who may configure the client. */
@Component({
  selector: 'ac-agent-environment-tab',
  providers: [EnvironmentStore],
  imports: [MatButtonModule, MatCheckboxModule, MatProgressBarModule],
  template: `
    <div class="toolbar">
      @if (canConfigure()) {
        <button mat-flat-button type="button" (click)="edit()">Add variable</button>
      }
      <mat-checkbox [checked]="reveal()" (change)="reveal.set($event.checked)">Show values</mat-checkbox>
      <span class="spacer"></span>
      @if (canConfigure() && (vars.value()?.length ?? 0) > 0) {
        <button mat-button class="danger" type="button" [disabled]="busy() !== null" (click)="removeAll()">
          {{ busy() === 'all' ? 'Deleting…' : 'Delete all' }}
        </button>
      }
      <button mat-button type="button" (click)="store.load()">Refresh</button>
    </div>
    @if (!canConfigure()) {
      <p class="note">You can read these variables. Changing them needs admin rights on this client.</p>
    }
    <p class="live" aria-live="polite">{{ store.actions.notice() }}</p>
    @if (vars.loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading environment variables" />
    }
    @if (vars.error(); as error) {
      <p class="state error" role="alert">
        Could not load the environment: {{ error }}
        <button mat-button type="button" (click)="store.load()">Retry</button>
      </p>
    } @else if (vars.empty()) {
      <p class="state">No environment variables on this agent.</p>
    } @else {
      <ul class="variables" aria-label="Environment variables">
        @for (variable of vars.value(); track variable.id) {
          <li>
            <div class="text">
              <code class="name">{{ variable.variable }}</code>
              <code class="value">{{ reveal() ? variable.content || '(empty)' : '••••••••' }}</code>
            </div>
            @if (canConfigure()) {
              <div class="actions">
                <button
                  mat-button
                  type="button"
                  [disabled]="busy() !== null"
                  [attr.aria-label]="'Edit ' + variable.variable"
                  (click)="edit(variable)"
                >
                  Edit
                </button>
                <button
                  mat-button
                  class="danger"
                  type="button"
                  [disabled]="busy() !== null"
                  [attr.aria-label]="'Delete ' + variable.variable"
                  (click)="remove(variable)"
                >
                  {{ busy() === variable.id ? 'Deleting…' : 'Delete' }}
                </button>
              </div>
            }
          </li>
        }
      </ul>
    }
  `,
  styles: `
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      padding-top: 16px;
    }
    .spacer {
      flex: 1;
    }
    .live {
      min-height: 1.25em;
      margin: 8px 0;
    }
    .note {
      font-size: 0.875rem;
    }
    .variables {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    .variables li {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
      padding: 8px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .text {
      display: flex;
      flex-direction: column;
      gap: 4px;
      min-width: 0;
      flex: 1 1 240px;
    }
    .name {
      font-weight: 600;
    }
    .value {
      overflow-wrap: anywhere;
      white-space: pre-wrap;
    }
    .actions {
      display: flex;
      gap: 4px;
    }
    .error,
    .danger {
      color: var(--mat-sys-error);
    }
  `,
})
export class AgentEnvironmentTab implements OnInit {
  readonly clientId = input.required<string>();
  readonly agentId = input.required<string>();
  readonly canConfigure = input(false);
  protected readonly store = inject(EnvironmentStore);
  private readonly dialog = inject(MatDialog);
  protected readonly vars = this.store.variables;
  protected readonly busy = this.store.actions.busy;
  /** Values may be secrets: hidden until asked for. */
  protected readonly reveal = signal(false);

  ngOnInit(): Promise<void> {
    return this.store.load(this.clientId(), this.agentId());
  }

  protected edit(variable?: EnvironmentVariable): void {
    const data: EnvironmentVariableDialogData = {
      variable,
      save: (request) => (variable ? this.store.update(variable, request) : this.store.add(request)),
      failure: () => this.store.actions.notice(),
    };
    this.dialog.open(EnvironmentVariableDialog, { data, width: 'min(560px, 100vw)', maxWidth: '100vw' });
  }

  protected remove(variable: EnvironmentVariable): void {
    confirmAction(this.dialog, {
      title: `Delete ${variable.variable}?`,
      message: `The variable ${variable.variable} is removed from the agent, and its container is recreated without it.`,
      confirm: `Delete ${variable.variable}`,
    }).subscribe((confirmed) => {
      if (confirmed) void this.store.remove(variable);
    });
  }

  protected removeAll(): void {
    const count = this.vars.value()?.length ?? 0;
    confirmAction(this.dialog, {
      title: 'Delete all environment variables?',
      message: `All ${count} environment variables of this agent are removed. This cannot be undone.`,
      confirm: `Delete all ${count}`,
    }).subscribe((confirmed) => {
      if (confirmed) void this.store.removeAll();
    });
  }
}
