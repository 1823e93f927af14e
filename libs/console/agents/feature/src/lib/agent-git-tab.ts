import { NgTemplateOutlet } from '@angular/common';
import { Component, inject, input, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { fileStateLabel, GitStore, VcsFile } from '@agent-controller/console-agents-data-access';
import { GitDiffPanel } from './git-diff-panel';
import { promptPath } from './path-prompt-dialog';

/** Git in the agent's workspace: status, stage, commit, push/pull, branches, diffs. Open to every member. */
@Component({
  selector: 'ac-agent-git-tab',
  providers: [GitStore],
  imports: [
    FormsModule,
    GitDiffPanel,
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

  protected createBranch(): void {
    promptPath(this.dialog, { title: 'New branch', label: 'Branch name', confirm: 'Create branch' }).subscribe(
      (name) => {
        if (name) void this.store.createBranch(name);
      },
    );
  }
}
