import { HttpErrorResponse } from '@angular/common/http';
import { Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { apiErrorMessage } from '@agent-controller/console-core';
import type { Client, ErrorBody } from '@agent-controller/shared-contracts';
import { ClientsApi } from '@agent-controller/console-clients-data-access';

/** What the remote said about the new key, in the dialog's words (the API's names the `force` field). */
function refusalMessage(error: unknown): string | null {
  if (!(error instanceof HttpErrorResponse)) return null;
  const body = error.error as Partial<ErrorBody> | null;
  if (body?.code !== 'KEY_NOT_ACCEPTED') return null;
  const remote = body.details?.['remote'] as { state?: string; reason?: string | null } | undefined;
  const said = remote?.state === 'auth_failed' ? 'The remote refused the new key' : 'The new key could not be checked';
  return `${said} (${remote?.state}${remote?.reason ? `: ${remote.reason}` : ''}). The current key is kept; tick "Store the key even if the remote refuses it" to store it anyway.`;
}

/**
 * Stores the remote's new API key. The key is the remote agent-manager's own, so the operator changes it there
 * and types it here; the controller checks it with the remote first and keeps the old key when it is refused,
 * unless "store even if refused" is ticked. Closes with the saved client (health = the check with the new key).
 */
@Component({
  selector: 'ac-rotate-key-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  template: `
    <h2 mat-dialog-title>Rotate the API key of {{ client.name }}</h2>
    <mat-dialog-content>
      <p>
        The key belongs to the remote agent-manager (its <code>STATIC_API_KEY</code>): the controller cannot change it
        there. Set the new key on the remote first, then enter it here.
      </p>
      <p>
        The new key is checked with the remote before it is stored. If the remote refuses it, the current key stays.
      </p>
      <form class="dialog-form" [formGroup]="form" id="rotate-key-form" (ngSubmit)="rotate()">
        <mat-form-field>
          <mat-label>New API key of the remote</mat-label>
          <input matInput type="password" formControlName="apiKey" autocomplete="off" required />
        </mat-form-field>
        <mat-checkbox formControlName="force">Store the key even if the remote refuses it</mat-checkbox>
        @if (form.controls.force.value) {
          <p class="hint">The client then shows auth_failed until the remote has this key.</p>
        }
      </form>
      @if (saving()) {
        <mat-progress-bar mode="indeterminate" aria-label="Checking the key with the remote" />
      }
      @if (error()) {
        <p class="error" role="alert">{{ error() }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close type="button">Cancel</button>
      <button mat-flat-button type="submit" form="rotate-key-form" [disabled]="form.invalid || saving()">
        Check and store
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .hint {
      margin: 0;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class RotateKeyDialog {
  private readonly api = inject(ClientsApi);
  private readonly dialogRef = inject<MatDialogRef<RotateKeyDialog, Client>>(MatDialogRef);
  protected readonly client = inject<Client>(MAT_DIALOG_DATA);
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    apiKey: ['', Validators.required],
    force: [false],
  });

  async rotate(): Promise<void> {
    if (this.form.invalid || this.saving()) return;
    this.saving.set(true);
    this.error.set(null);
    try {
      const { apiKey, force } = this.form.getRawValue();
      const saved = await this.api.rotateKey(this.client.id, apiKey, force);
      // The operator typed the key: the answer's copy of it is not kept in the page.
      delete saved.apiKey;
      this.dialogRef.close(saved);
    } catch (error) {
      this.error.set(refusalMessage(error) ?? apiErrorMessage(error));
    } finally {
      this.saving.set(false);
    }
  }
}
