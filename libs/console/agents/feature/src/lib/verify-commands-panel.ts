import { Component, inject, input, OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MAX_VERIFY_COMMANDS, VerifyCommandsStore } from '@agent-controller/console-agents-data-access';

/** Runs verify commands (one per line) in the agent's workspace and shows each one's exit code and output. */
@Component({
  selector: 'ac-verify-commands-panel',
  providers: [VerifyCommandsStore],
  imports: [FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatProgressBarModule],
  template: `
    <section aria-labelledby="verify-title">
      <h3 id="verify-title">Verify commands</h3>
      <form (ngSubmit)="store.run()">
        <mat-form-field appearance="outline">
          <mat-label>Commands, one per line</mat-label>
          <textarea
            matInput
            name="commands"
            rows="3"
            spellcheck="false"
            [ngModel]="store.text()"
            (ngModelChange)="store.text.set($event)"
          ></textarea>
          <mat-hint>Up to {{ max }} commands, run in order in the agent's workspace.</mat-hint>
        </mat-form-field>
        <button mat-stroked-button type="submit" [disabled]="store.results.loading() || store.problem() !== null">
          {{ store.results.loading() ? 'Running…' : 'Run commands' }}
        </button>
      </form>
      @if (store.results.loading()) {
        <mat-progress-bar mode="indeterminate" aria-label="Running the commands" />
      }
      <div aria-live="polite">
        @if (store.results.error(); as error) {
          <p class="error" role="alert">Could not run the commands: {{ error }}</p>
        } @else if (store.results.value(); as results) {
          <p>
            {{ results.length }} {{ results.length === 1 ? 'command' : 'commands' }} run,
            {{ store.failed() === 0 ? 'all passed' : store.failed() + ' failed' }}.
          </p>
          <ol class="results" aria-label="Command results">
            @for (result of results; track $index) {
              <li>
                <div class="head">
                  <code>{{ result.cmd }}</code>
                  <span class="badge" [class.failed]="result.exitCode !== 0">exit {{ result.exitCode }}</span>
                </div>
                <pre tabindex="0" role="region" [attr.aria-label]="'Output of ' + result.cmd">{{
                  result.output || '(no output)'
                }}</pre>
              </li>
            }
          </ol>
        }
      </div>
    </section>
  `,
  styles: `
    h3 {
      font-size: 1rem;
      margin: 24px 0 8px;
    }
    form {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
      gap: 8px;
    }
    mat-form-field {
      width: 100%;
    }
    .results {
      margin: 0;
      padding-inline-start: 1.5em;
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      overflow-wrap: anywhere;
    }
    .badge.failed {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    pre {
      max-height: 240px;
      overflow: auto;
      padding: 8px;
      background: var(--mat-sys-surface-container);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
  `,
})
export class VerifyCommandsPanel implements OnInit {
  readonly clientId = input.required<string>();
  readonly agentId = input.required<string>();
  protected readonly store = inject(VerifyCommandsStore);
  protected readonly max = MAX_VERIFY_COMMANDS;

  ngOnInit(): void {
    this.store.init(this.clientId(), this.agentId());
  }
}
