import { Component, computed, inject, input, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTabsModule } from '@angular/material/tabs';
import { MatDialog } from '@angular/material/dialog';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { AgentDetailStore } from '@agent-controller/console-agents-data-access';
import { ClientNames } from '@agent-controller/console-core';
import { Breadcrumbs } from '@agent-controller/console-ui';
import { askAgentPassword } from './agent-credentials-dialog';
import { AgentDeploymentsTab } from './agent-deployments-tab';
import { editAgent } from './agent-edit-dialog';
import { AgentEnvironmentTab } from './agent-environment-tab';
import { AgentFilesTab } from './agent-files-tab';
import { AgentGitTab } from './agent-git-tab';

const TABS = ['environment', 'files', 'git', 'deployments'] as const;

/** One agent: environment, files, git and deployments in tabs (the open tab is kept in `?tab=`). */
@Component({
  selector: 'ac-agent-detail-page',
  providers: [AgentDetailStore],
  imports: [
    AgentDeploymentsTab,
    AgentEnvironmentTab,
    AgentFilesTab,
    AgentGitTab,
    Breadcrumbs,
    MatButtonModule,
    MatProgressBarModule,
    MatTabsModule,
    RouterLink,
  ],
  template: `
    <ac-breadcrumbs [trail]="trail()" />
    <header class="page-header">
      <h1>{{ name() }}</h1>
      <div class="actions">
        @if (store.canConfigure() && store.agent.value()) {
          <button mat-button type="button" [disabled]="busy() !== null" (click)="edit()">
            {{ busy() === 'update' ? 'Saving…' : 'Edit' }}
          </button>
          <button mat-button type="button" [disabled]="busy() !== null" (click)="storeCredentials()">
            {{ busy() === 'credentials' ? 'Storing…' : 'Store credentials' }}
          </button>
        }
        <a mat-stroked-button [routerLink]="['/clients', id(), 'agents', agentId(), 'chat']">Chat with {{ name() }}</a>
        <!-- The terminal lives beside the chat (one gateway session); this opens it straight away. -->
        <a
          mat-stroked-button
          [routerLink]="['/clients', id(), 'agents', agentId(), 'chat']"
          [queryParams]="{ terminal: 'open' }"
          >Terminal</a
        >
      </div>
    </header>
    <p class="live" aria-live="polite">{{ store.actions.notice() }}</p>
    @if (store.agent.loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the agent" />
    }
    @if (store.agent.error(); as error) {
      <p class="error" role="alert">
        Could not load the agent: {{ error }}
        <button mat-button type="button" (click)="load()">Retry</button>
      </p>
    } @else if (store.agent.value(); as agent) {
      <dl class="facts">
        @if (agent.description) {
          <div>
            <dt>Description</dt>
            <dd>{{ agent.description }}</dd>
          </div>
        }
        <div>
          <dt>Type</dt>
          <dd>{{ agent.agentType ?? '—' }}</dd>
        </div>
        <div>
          <dt>Repository</dt>
          <dd class="wrap">{{ agent.git?.repositoryUrl ?? '—' }}</dd>
        </div>
      </dl>
      <mat-tab-group
        mat-stretch-tabs="false"
        [selectedIndex]="tabIndex()"
        (selectedIndexChange)="selectTab($event)"
        aria-label="Agent details"
      >
        <mat-tab label="Environment">
          <ng-template matTabContent>
            <ac-agent-environment-tab [clientId]="id()" [agentId]="agentId()" [canConfigure]="store.canConfigure()" />
          </ng-template>
        </mat-tab>
        <mat-tab label="Files">
          <ng-template matTabContent>
            <ac-agent-files-tab [clientId]="id()" [agentId]="agentId()" [canConfigure]="store.canConfigure()" />
          </ng-template>
        </mat-tab>
        <mat-tab label="Git">
          <ng-template matTabContent>
            <ac-agent-git-tab [clientId]="id()" [agentId]="agentId()" />
          </ng-template>
        </mat-tab>
        <mat-tab label="Deployments">
          <ng-template matTabContent>
            <ac-agent-deployments-tab [clientId]="id()" [agentId]="agentId()" [canConfigure]="store.canConfigure()" />
          </ng-template>
        </mat-tab>
      </mat-tab-group>
    }
  `,
  styles: `
    .page-header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 8px 16px;
    }
    h1 {
      overflow-wrap: anywhere;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    .live {
      min-height: 1.25em;
      margin: 0 0 8px;
    }
    .facts {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 32px;
      margin: 0 0 16px;
    }
    dt {
      font-size: 0.75rem;
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }
    dd {
      margin: 0;
    }
  `,
})
export class AgentDetailPage implements OnInit {
  /** Route parameters and the `tab` query parameter. */
  readonly id = input.required<string>();
  readonly agentId = input.required<string>();
  readonly tab = input<string>();
  protected readonly store = inject(AgentDetailStore);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly dialog = inject(MatDialog);
  protected readonly busy = this.store.actions.busy;
  protected readonly name = computed(() => this.store.agent.value()?.name ?? 'Agent');
  private readonly clientNames = inject(ClientNames);
  protected readonly trail = computed(() => [
    { label: 'Clients', link: ['/clients'] },
    { label: this.clientNames.name(this.id()) ?? 'Client', link: ['/clients', this.id()] },
    { label: 'Agents', link: ['/clients', this.id(), 'agents'] },
    { label: this.name() },
  ]);
  protected readonly tabIndex = computed(() => Math.max(0, TABS.indexOf(this.tab() as (typeof TABS)[number])));

  ngOnInit(): Promise<unknown> {
    void this.clientNames.load(this.id());
    return this.load();
  }

  protected load(): Promise<unknown> {
    return this.store.load(this.id(), this.agentId());
  }

  protected edit(): void {
    const agent = this.store.agent.value();
    if (!agent) return;
    editAgent(this.dialog, agent).subscribe((changes) => {
      if (changes) void this.store.update(changes);
    });
  }

  protected storeCredentials(): void {
    askAgentPassword(this.dialog, this.name()).subscribe((password) => {
      if (password) void this.store.storeCredentials(password);
    });
  }

  protected selectTab(index: number): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { tab: TABS[index] },
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
  }
}
