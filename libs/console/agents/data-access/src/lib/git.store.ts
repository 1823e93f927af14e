import { computed, inject, Injectable, signal } from '@angular/core';
import { RemoteValue } from '@agent-controller/console-clients-data-access';
import { ActionTracker } from './action-tracker';
import type { VcsBranch, VcsDiff, VcsFile, VcsStatus } from './agent-detail.types';
import type { ConflictStrategy } from './agent-requests.types';
import { GitApi } from './git.api';

/** Git in an agent's workspace: status, branches, one file's diff, and the operations (each reloads status). */
@Injectable()
export class GitStore {
  private readonly api = inject(GitApi);
  private clientId = '';
  private agentId = '';

  readonly status = new RemoteValue<VcsStatus>();
  readonly branches = new RemoteValue<VcsBranch[]>();
  readonly diff = new RemoteValue<VcsDiff>();
  readonly diffPath = signal<string | null>(null);
  readonly actions = new ActionTracker();

  /** A file changed in the index and again in the work tree (`both`) is in both lists. */
  readonly staged = computed(() => this.files().filter((file) => file.type === 'staged' || file.type === 'both'));
  readonly unstaged = computed(() => this.files().filter((file) => file.type !== 'staged'));
  readonly localBranches = computed(() => (this.branches.value() ?? []).filter((branch) => !branch.isRemote));
  readonly canCommit = computed(() => this.staged().length > 0);
  /** Unmerged paths (porcelain `U` on either side, or `AA`/`DD`): what a merge or rebase left to resolve. */
  readonly conflicts = computed(() => this.files().filter(isConflicted));

  private readonly files = computed<VcsFile[]>(() => this.status.value()?.files ?? []);

  load(clientId = this.clientId, agentId = this.agentId): Promise<unknown> {
    this.clientId = clientId;
    this.agentId = agentId;
    return Promise.all([this.loadStatus(), this.loadBranches()]);
  }

  loadStatus(): Promise<void> {
    return this.status.load(() => this.api.status(this.clientId, this.agentId));
  }

  loadBranches(): Promise<void> {
    return this.branches.load(() => this.api.branches(this.clientId, this.agentId));
  }

  showDiff(path: string): Promise<void> {
    this.diffPath.set(path);
    return this.diff.load(() => this.api.diff(this.clientId, this.agentId, path));
  }

  closeDiff(): void {
    this.diffPath.set(null);
  }

  stage(paths: string[]): Promise<boolean> {
    return this.operate(
      `stage:${paths.join(',')}`,
      () => this.api.stage(this.clientId, this.agentId, paths),
      `Staged ${describe(paths)}`,
      `Staging ${describe(paths)} failed`,
    );
  }

  unstage(paths: string[]): Promise<boolean> {
    return this.operate(
      `unstage:${paths.join(',')}`,
      () => this.api.unstage(this.clientId, this.agentId, paths),
      `Unstaged ${describe(paths)}`,
      `Unstaging ${describe(paths)} failed`,
    );
  }

  commit(message: string): Promise<boolean> {
    return this.operate(
      'commit',
      () => this.api.commit(this.clientId, this.agentId, message.trim()),
      'Committed',
      'Commit failed',
      true,
    );
  }

  push(): Promise<boolean> {
    return this.operate('push', () => this.api.push(this.clientId, this.agentId), 'Pushed', 'Push failed', true);
  }

  pull(): Promise<boolean> {
    return this.operate('pull', () => this.api.pull(this.clientId, this.agentId), 'Pulled', 'Pull failed', true);
  }

  switchBranch(name: string): Promise<boolean> {
    return this.operate(
      `switch:${name}`,
      () => this.api.switchBranch(this.clientId, this.agentId, name),
      `Switched to ${name}`,
      `Switching to ${name} failed`,
      true,
    );
  }

  createBranch(name: string): Promise<boolean> {
    return this.operate(
      'branch',
      () => this.api.createBranch(this.clientId, this.agentId, { name: name.trim() }),
      `Branch ${name.trim()} created`,
      `Creating branch ${name.trim()} failed`,
      true,
    );
  }

  fetch(): Promise<boolean> {
    return this.operate('fetch', () => this.api.fetch(this.clientId, this.agentId), 'Fetched', 'Fetch failed', true);
  }

  rebase(onto: string): Promise<boolean> {
    return this.operate(
      `rebase:${onto}`,
      () => this.api.rebase(this.clientId, this.agentId, onto),
      `Rebased onto ${onto}`,
      `Rebasing onto ${onto} failed`,
      true,
    );
  }

  deleteBranch(name: string): Promise<boolean> {
    return this.operate(
      `delete:${name}`,
      () => this.api.deleteBranch(this.clientId, this.agentId, name),
      `Branch ${name} deleted`,
      `Deleting branch ${name} failed`,
      true,
    );
  }

  resolveConflict(path: string, strategy: ConflictStrategy): Promise<boolean> {
    return this.operate(
      `resolve:${path}`,
      () => this.api.resolveConflict(this.clientId, this.agentId, { path, strategy }),
      `${path} resolved (${STRATEGY_NAMES[strategy]})`,
      `Resolving ${path} failed`,
    );
  }

  /** Discards local work and checks out a fresh `baseBranch`: the caller confirms first. */
  prepareCleanWorkspace(baseBranch: string): Promise<boolean> {
    return this.operate(
      'prepare-clean',
      () => this.api.prepareCleanWorkspace(this.clientId, this.agentId, baseBranch),
      `Workspace reset to a clean ${baseBranch}`,
      `Preparing a clean workspace on ${baseBranch} failed`,
      true,
    );
  }

  private async operate(
    key: string,
    action: () => Promise<unknown>,
    done: string,
    failed: string,
    branchesChange = false,
  ): Promise<boolean> {
    const ok = await this.actions.run(key, action, done, failed);
    // After a failure too: the workspace may have changed half-way.
    await Promise.all([this.loadStatus(), branchesChange ? this.loadBranches() : Promise.resolve()]);
    const path = this.diffPath();
    if (ok && path) await this.showDiff(path);
    return ok;
  }
}

function describe(paths: string[]): string {
  return paths.length === 1 ? paths[0] : `${paths.length} files`;
}

/** How each resolve strategy reads to an operator (contract `vcs/conflicts/resolve`). */
export const STRATEGY_NAMES: Record<ConflictStrategy, string> = {
  yours: 'kept yours',
  mine: 'kept mine',
  both: 'kept both',
};

export function isConflicted(file: VcsFile): boolean {
  return file.status.includes('U') || file.status === 'AA' || file.status === 'DD';
}

const STATE_NAMES: Record<string, string> = {
  M: 'modified',
  A: 'added',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  U: 'conflict',
  T: 'type changed',
};

/** The state of a file on one side of the index, from its porcelain status (`XY`: X staged, Y work tree). */
export function fileStateLabel(file: VcsFile, side: 'staged' | 'unstaged'): string {
  if (file.type === 'untracked' || file.status === '??') return 'untracked';
  const letter = (side === 'staged' ? file.status[0] : file.status[1]) ?? ' ';
  return STATE_NAMES[letter] ?? 'changed';
}
