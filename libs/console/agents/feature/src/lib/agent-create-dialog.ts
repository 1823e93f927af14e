import { Clipboard } from '@angular/cdk/clipboard';
import { Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { apiErrorMessage } from '@agent-controller/console-core';
import type { CreateAgentRequest } from '@agent-controller/shared-contracts';
import { AgentsStore, CreatedAgent } from '@agent-controller/console-agents-data-access';

/** Creates an agent on the client's remote, then shows its password once. */
@Component({
  selector: 'ac-agent-create-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
  ],
  template: `
    <h2 mat-dialog-title>{{ created() ? 'Agent created' : 'Create an agent' }}</h2>
    <mat-dialog-content>
      @if (created(); as agent) {
        <p>
          <strong>{{ agent.name }}</strong> was created. Its password (you will not see this again):
        </p>
        <code class="secret">{{ agent.password }}</code>
        <button mat-stroked-button type="button" (click)="copy(agent.password)">
          {{ copied() ? 'Copied' : 'Copy password' }}
        </button>
        <p class="hint">The controller keeps it (encrypted) to log in for chats; you need it only elsewhere.</p>
      } @else {
        <form class="dialog-form" [formGroup]="form" id="agent-form" (ngSubmit)="save()">
          <mat-form-field>
            <mat-label>Agent name</mat-label>
            <input matInput formControlName="name" required maxlength="255" />
          </mat-form-field>
          <mat-form-field>
            <mat-label>Description</mat-label>
            <input matInput formControlName="description" maxlength="2000" />
          </mat-form-field>
          <mat-form-field>
            <mat-label>Agent type</mat-label>
            <mat-select formControlName="agentType">
              <mat-option value="">Remote default</mat-option>
              <mat-option value="cursor">Cursor</mat-option>
              <mat-option value="opencode">OpenCode</mat-option>
              <mat-option value="openclaw">OpenClaw</mat-option>
            </mat-select>
          </mat-form-field>
          <mat-form-field>
            <mat-label>Git repository URL</mat-label>
            <input matInput formControlName="gitRepositoryUrl" placeholder="https://git.example.com/repo.git" />
            <mat-hint>Leave empty to use the remote's default repository</mat-hint>
          </mat-form-field>
        </form>
        @if (saving()) {
          <mat-progress-bar mode="indeterminate" aria-label="Creating the agent" />
        }
        @if (error()) {
          <p class="error" role="alert">{{ error() }}</p>
        }
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      @if (created()) {
        <button mat-flat-button mat-dialog-close type="button">Done</button>
      } @else {
        <button mat-button mat-dialog-close type="button">Cancel</button>
        <button mat-flat-button type="submit" form="agent-form" [disabled]="saving()">Create</button>
      }
    </mat-dialog-actions>
  `,
  styles: `
    .secret {
      display: block;
      word-break: break-all;
      padding: 8px;
      margin: 8px 0;
      background: var(--mat-sys-surface-variant);
    }
    .hint {
      font-size: 0.875rem;
    }
  `,
})
export class AgentCreateDialog {
  private readonly store = inject<AgentsStore>(MAT_DIALOG_DATA);
  private readonly clipboard = inject(Clipboard);
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly created = signal<CreatedAgent | null>(null);
  protected readonly copied = signal(false);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', [Validators.required, Validators.maxLength(255)]],
    description: [''],
    agentType: [''],
    gitRepositoryUrl: [''],
  });

  async save(): Promise<void> {
    if (this.form.invalid || this.saving()) return;
    this.saving.set(true);
    this.error.set(null);
    const { name, description, agentType, gitRepositoryUrl } = this.form.getRawValue();
    const request: CreateAgentRequest = { name: name.trim() };
    if (description.trim()) request.description = description.trim();
    if (agentType) request.agentType = agentType;
    if (gitRepositoryUrl.trim()) request.gitRepositoryUrl = gitRepositoryUrl.trim();
    try {
      this.created.set(await this.store.create(request));
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    } finally {
      this.saving.set(false);
    }
  }

  protected copy(text: string): void {
    this.copied.set(this.clipboard.copy(text));
  }
}
