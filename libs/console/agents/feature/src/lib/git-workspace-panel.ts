import { Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { ConflictStrategy, GitStore, STRATEGY_NAMES } from '@agent-controller/console-agents-data-access';
import { confirmAction } from '@agent-controller/console-ui';

/** Conflicted files with their resolutions, and resetting the workspace to a clean base branch. Uses the tab's GitStore. */
@Component({
  selector: 'ac-git-workspace-panel',
  imports: [FormsModule, MatButtonModule, MatFormFieldModule, MatSelectModule],
  template: `
    <section aria-labelledby="conflicts-title">
      <h3 id="conflicts-title">Conflicts ({{ store.conflicts().length }})</h3>
      <ul class="conflicts">
        @for (file of store.conflicts(); track file.path) {
          <li>
            <span class="path">{{ file.path }}</span>
            <span class="resolutions" role="group" [attr.aria-label]="'Resolve ' + file.path">
              @for (strategy of strategies; track strategy) {
                <button
                  mat-button
                  type="button"
                  [disabled]="busy() !== null"
                  [attr.aria-label]="'Resolve ' + file.path + ': keep ' + strategy"
                  (click)="store.resolveConflict(file.path, strategy)"
                >
                  Keep {{ strategy }}
                </button>
              }
            </span>
          </li>
        } @empty {
          <li class="none">No conflicted files.</li>
        }
      </ul>
    </section>
    <section aria-labelledby="clean-title">
      <h3 id="clean-title">Clean workspace</h3>
      <p class="hint">
        Checks out a fresh copy of a base branch and discards local changes that are not in a commit, so the agent
        starts its next task from a clean tree.
      </p>
      <form class="clean" (ngSubmit)="prepareClean()">
        <mat-form-field appearance="outline">
          <mat-label>Base branch</mat-label>
          <mat-select name="baseBranch" [ngModel]="base()" (ngModelChange)="baseBranch.set($event)">
            @for (name of branchNames(); track name) {
              <mat-option [value]="name">{{ name }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <button mat-stroked-button type="submit" [disabled]="busy() !== null || !base()">
          {{ busy() === 'prepare-clean' ? 'Preparing…' : 'Prepare clean workspace' }}
        </button>
      </form>
    </section>
  `,
  styles: `
    h3 {
      font-size: 1rem;
      margin: 16px 0 8px;
    }
    .conflicts {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .conflicts li {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px 8px;
      padding: 4px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .path {
      flex: 1 1 160px;
      min-width: 0;
      overflow-wrap: anywhere;
    }
    .resolutions {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .none,
    .hint {
      font-size: 0.875rem;
    }
    .clean {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 8px;
    }
    .clean mat-form-field {
      flex: 1 1 180px;
    }
  `,
})
export class GitWorkspacePanel {
  protected readonly store = inject(GitStore);
  private readonly dialog = inject(MatDialog);
  protected readonly busy = this.store.actions.busy;
  protected readonly strategies = Object.keys(STRATEGY_NAMES) as ConflictStrategy[];
  /** Local branches, then remote ones not checked out yet. */
  protected readonly branchNames = computed(() => {
    const branches = this.store.branches.value() ?? [];
    return [...new Set(branches.map((branch) => branch.name))];
  });
  protected readonly baseBranch = signal('');
  /** The branch chosen, else the current one. */
  protected readonly base = computed(() => this.baseBranch() || this.store.status.value()?.currentBranch || '');

  protected prepareClean(): void {
    const base = this.base();
    if (!base) return;
    confirmAction(this.dialog, {
      title: `Prepare a clean workspace on ${base}?`,
      message: `All uncommitted changes and untracked files in the agent's workspace are discarded and ${base} is checked out fresh.`,
      confirm: `Discard changes and check out ${base}`,
    }).subscribe((confirmed) => {
      if (confirmed) void this.store.prepareCleanWorkspace(base);
    });
  }
}
