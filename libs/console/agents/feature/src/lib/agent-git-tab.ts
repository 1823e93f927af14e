import { NgTemplateOutlet } from '@angular/common';
import { Component, inject, input, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { fileStateLabel, GitStore, VcsFile } from '@agent-controller/console-agents-data-access';
import { confirmAction } from '@agent-controller/console-ui';
import { GitDiffPanel } from './git-diff-panel';
import { GitWorkspacePanel } from './git-workspace-panel';
import { VerifyCommandsPanel } from './verify-commands-panel';
import { promptPath } from './path-prompt-dialog';

/**
 * Git in the agent's workspace: status, stage, commit, fetch/push/pull, branches (switch, rebase, delete), diffs,
 * conflicts, a clean workspace and verify commands. Open to every member (DESIGN §4).
 */
@Component({
  selector: 'ac-agent-git-tab',
  providers: [GitStore],
  imports: [
    FormsModule,
    GitDiffPanel,
    GitWorkspacePanel,
    VerifyCommandsPanel,
    NgTemplateOutlet,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  templateUrl: './agent-git-tab.html',
  styleUrl: './agent-git-tab.css',
})
export class AgentGitTab implements OnInit {
  readonly clientId = input.required<string>();
  readonly agentId = input.required<string>();
  protected readonly store = inject(GitStore);
  private readonly dialog = inject(MatDialog);
  protected readonly busy = this.store.actions.busy;
  protected readonly message = signal('');

  ngOnInit(): Promise<unknown> {
    return this.store.load(this.clientId(), this.agentId());
  }

  protected readonly state = fileStateLabel;

  protected paths(files: VcsFile[]): string[] {
    return files.map((file) => file.path);
  }

  /** Staged files are unstaged, unstaged files staged. */
  protected toggle(kind: 'staged' | 'unstaged', paths: string[]): Promise<unknown> {
    return kind === 'staged' ? this.store.unstage(paths) : this.store.stage(paths);
  }

  protected async commit(): Promise<void> {
    if (!this.message().trim() || !this.store.canCommit()) return;
    if (await this.store.commit(this.message())) this.message.set('');
  }

  protected rebase(onto: string): void {
    const current = this.store.status.value()?.currentBranch ?? 'the current branch';
    confirmAction(this.dialog, {
      title: `Rebase ${current} onto ${onto}?`,
      message: `The commits of ${current} are replayed on top of ${onto}. Conflicts, if any, are listed below to resolve.`,
      confirm: `Rebase onto ${onto}`,
    }).subscribe((confirmed) => {
      if (confirmed) void this.store.rebase(onto);
    });
  }

  protected deleteBranch(name: string): void {
    confirmAction(this.dialog, {
      title: `Delete branch ${name}?`,
      message: `The local branch ${name} is deleted from the agent's workspace. Commits only on ${name} are no longer reachable from a branch.`,
      confirm: `Delete branch ${name}`,
    }).subscribe((confirmed) => {
      if (confirmed) void this.store.deleteBranch(name);
    });
  }

  protected createBranch(): void {
    promptPath(this.dialog, { title: 'New branch', label: 'Branch name', confirm: 'Create branch' }).subscribe(
      (name) => {
        if (name) void this.store.createBranch(name);
      },
    );
  }
}
