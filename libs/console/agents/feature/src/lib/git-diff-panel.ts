import { Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { GitStore, lineDiff } from '@agent-controller/console-agents-data-access';

/** The open file's changes against HEAD, line by line. The store comes from the git tab. */
@Component({
  selector: 'ac-git-diff-panel',
  imports: [MatButtonModule, MatProgressBarModule],
  template: `
    @if (store.diffPath(); as path) {
      <section class="diff" aria-labelledby="diff-title">
        <header>
          <h3 id="diff-title">
            Diff of <code>{{ path }}</code>
          </h3>
          <button mat-button type="button" (click)="store.closeDiff()">Close diff</button>
        </header>
        @if (store.diff.loading()) {
          <mat-progress-bar mode="indeterminate" aria-label="Loading the diff" />
        } @else if (store.diff.error(); as error) {
          <p class="error" role="alert">Could not load the diff: {{ error }}</p>
        } @else if (store.diff.value()?.isBinary) {
          <p>Binary file changed.</p>
        } @else if (lines(); as lines) {
          @if (lines.length === 0) {
            <p>No changes.</p>
          } @else {
            <pre
              class="lines"
              tabindex="0"
              role="region"
              aria-label="Changed lines"
            >@for (line of lines; track $index) {<span [class]="line.kind"><span class="mark" aria-hidden="true">{{ mark[line.kind] }}</span><span class="sr-only">{{ spoken[line.kind] }}</span>{{ line.text }}
</span>}</pre>
          }
        } @else {
          <p>The file is too large to compare here.</p>
        }
      </section>
    }
  `,
  styles: `
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
    }
    h3 {
      margin: 0;
      font-size: 1rem;
      overflow-wrap: anywhere;
    }
    .lines {
      margin: 8px 0 0;
      padding: 8px 0;
      overflow-x: auto;
      font-size: 0.8125rem;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 4px;
    }
    .lines > span {
      display: block;
      padding: 0 8px;
    }
    .added {
      background: light-dark(#d7f5dd, #123d1f);
      color: light-dark(#0f3d1a, #d7f5dd);
    }
    .removed {
      background: light-dark(#fbe0e0, #4d1515);
      color: light-dark(#5c1111, #fbe0e0);
    }
    .mark {
      display: inline-block;
      width: 1.5em;
    }
    .sr-only {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
  `,
})
export class GitDiffPanel {
  protected readonly store = inject(GitStore);
  protected readonly mark = { same: ' ', added: '+', removed: '−' } as const;
  protected readonly spoken = { same: '', added: 'added: ', removed: 'removed: ' } as const;
  protected readonly lines = computed(() => {
    const diff = this.store.diff.value();
    return diff && !diff.isBinary ? lineDiff(diff.originalContent, diff.modifiedContent) : null;
  });
}
