import { Component, computed, inject, input, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { Agent, AgentAction, AgentsStore } from '@agent-controller/console-agents-data-access';
import { ClientNames } from '@agent-controller/console-core';
import { Breadcrumbs, confirmAction, TimeComponent } from '@agent-controller/console-ui';
import { AgentCreateDialog } from './agent-create-dialog';

/** The agents of one client: create (password once), start/stop/restart, delete after a confirmation, open, chat. */
@Component({
  selector: 'ac-agents-page',
  providers: [AgentsStore],
  imports: [Breadcrumbs, TimeComponent, MatButtonModule, MatProgressBarModule, MatTableModule, RouterLink],
  template: `
    <ac-breadcrumbs [trail]="trail()" />
    <header class="page-header">
      <h1>Agents</h1>
      <button mat-flat-button type="button" (click)="create()">Create agent</button>
    </header>
    <p class="live" aria-live="polite">{{ store.notice() }}</p>
    @if (store.loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading agents" />
    }
    @if (store.error(); as error) {
      <p class="state error" role="alert">
        Could not load the agents: {{ error }}
        <button mat-button type="button" (click)="store.load()">Retry</button>
      </p>
    } @else if (store.empty()) {
      <p class="state">No agents on this client yet. Create one to chat with it.</p>
    } @else {
      <div class="table-scroll">
        <table mat-table class="stack-on-phone" [dataSource]="store.agents()">
          <ng-container matColumnDef="name">
            <th mat-header-cell *matHeaderCellDef scope="col">Name</th>
            <td mat-cell *matCellDef="let agent">
              <a class="name" [routerLink]="[agent.id]">{{ agent.name }}</a>
              @if (agent.description) {
                <div class="description">{{ agent.description }}</div>
              }
            </td>
          </ng-container>
          <ng-container matColumnDef="type">
            <th mat-header-cell *matHeaderCellDef scope="col">Type</th>
            <td mat-cell *matCellDef="let agent" data-label="Type">{{ agent.agentType ?? '—' }}</td>
          </ng-container>
          <ng-container matColumnDef="repository">
            <th mat-header-cell *matHeaderCellDef scope="col">Repository</th>
            <td mat-cell *matCellDef="let agent" class="repository" data-label="Repository">
              {{ agent.git?.repositoryUrl ?? '—' }}
            </td>
          </ng-container>
          <ng-container matColumnDef="createdAt">
            <th mat-header-cell *matHeaderCellDef scope="col">Created</th>
            <td mat-cell *matCellDef="let agent" data-label="Created"><ac-time [value]="agent.createdAt" /></td>
          </ng-container>
          <ng-container matColumnDef="actions">
            <th mat-header-cell *matHeaderCellDef scope="col">Actions</th>
            <td mat-cell *matCellDef="let agent">
              <div class="actions">
                <a mat-stroked-button [routerLink]="[agent.id, 'chat']" [attr.aria-label]="'Chat with ' + agent.name"
                  >Chat</a
                >
                @for (action of actions; track action.action) {
                  <button
                    mat-button
                    type="button"
                    [disabled]="store.busy() !== null"
                    [attr.aria-label]="action.label + ' ' + agent.name"
                    (click)="act(agent, action.action)"
                  >
                    {{ busyWith(agent, action.action) ? action.label + '…' : action.label }}
                  </button>
                }
                <button
                  mat-button
                  class="danger"
                  type="button"
                  [disabled]="store.busy() !== null"
                  [attr.aria-label]="'Delete ' + agent.name"
                  (click)="remove(agent)"
                >
                  {{ busyWith(agent, 'delete') ? 'Deleting…' : 'Delete' }}
                </button>
              </div>
            </td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
        </table>
      </div>
    }
  `,
  styles: `
    .page-header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 16px;
    }
    .live {
      min-height: 1.25em;
      margin: 0 0 8px;
    }
    .table-scroll {
      overflow-x: auto;
    }
    table {
      width: 100%;
    }
    .name {
      font-weight: 600;
      color: inherit;
    }
    .description {
      font-size: 0.875rem;
    }
    .repository {
      word-break: break-all;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .error,
    .danger {
      color: var(--mat-sys-error);
    }
  `,
})
export class AgentsPage implements OnInit {
  /** The client id, from the route. */
  readonly id = input.required<string>();
  protected readonly store = inject(AgentsStore);
  private readonly dialog = inject(MatDialog);
  private readonly clientNames = inject(ClientNames);
  protected readonly trail = computed(() => [
    { label: 'Clients', link: ['/clients'] },
    { label: this.clientNames.name(this.id()) ?? 'Client', link: ['/clients', this.id()] },
    { label: 'Agents' },
  ]);
  protected readonly columns = ['name', 'type', 'repository', 'createdAt', 'actions'];
  protected readonly actions: { action: AgentAction; label: string }[] = [
    { action: 'start', label: 'Start' },
    { action: 'stop', label: 'Stop' },
    { action: 'restart', label: 'Restart' },
  ];

  ngOnInit(): Promise<void> {
    void this.clientNames.load(this.id());
    return this.store.load(this.id());
  }

  protected busyWith(agent: Agent, action: AgentAction | 'delete'): boolean {
    const busy = this.store.busy();
    return busy?.agentId === agent.id && busy.action === action;
  }

  protected act(agent: Agent, action: AgentAction): Promise<boolean> {
    return this.store.act(agent, action);
  }

  protected create(): void {
    this.dialog.open(AgentCreateDialog, { data: this.store, width: 'min(560px, 100vw)', maxWidth: '100vw' });
  }

  protected remove(agent: Agent): void {
    confirmAction(this.dialog, {
      title: `Delete agent ${agent.name}?`,
      message: `The agent ${agent.name}, its containers, environment and chat history are deleted on the remote. This cannot be undone.`,
      confirm: `Delete ${agent.name}`,
    }).subscribe((confirmed) => {
      if (confirmed) void this.store.delete(agent);
    });
  }
}
