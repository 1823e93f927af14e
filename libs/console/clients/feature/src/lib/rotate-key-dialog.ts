import { HttpErrorResponse } from '@angular/common/http';
import { afterRenderEffect, Component, computed, ElementRef, inject, signal, viewChild } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { controlError, ruleValidator, showApiErrors } from '@agent-controller/console-core';
import { WeakKeyBadge } from '@agent-controller/console-ui';
import type { Client, ClientWithSecret, ErrorBody } from '@agent-controller/shared-contracts';
import {
  API_KEY_MAX_LENGTH,
  API_KEY_WEAK_BELOW_LENGTH,
  isVisibleAscii,
  isWeakApiKey,
} from '@agent-controller/shared-contracts/rules';
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

/** What the check with the remote found, in the dialog's words. */
function verdict(client: Client, forced: boolean): string {
  if (client.status === 'inactive') return 'The client is inactive, so the remote was not asked.';
  const { state, reason, latencyMs } = client.health;
  const detail = `${state}${reason ? `: ${reason}` : ''}${latencyMs !== null ? `, ${latencyMs} ms` : ''}`;
  if (state === 'healthy' || state === 'degraded') return `The remote accepted the new key (${detail}).`;
  return forced
    ? `Stored although the remote did not accept it (${detail}). The client stays failing until the remote has this key.`
    : `The remote answered: ${detail}.`;
}

/**
 * Stores the remote's new API key. The key is the remote agent-manager's own, so the operator changes it there
 * and types it here; the controller checks it with the remote first and keeps the old key when it is refused,
 * unless "store even if refused" is ticked. Then shows what the check found (a short key is flagged as weak,
 * not refused) and closes with the saved client on "Done".
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
    WeakKeyBadge,
  ],
  template: `
    <h2 mat-dialog-title>{{ saved() ? 'Key stored' : 'Rotate the API key of ' + client.name }}</h2>
    <mat-dialog-content>
      @if (saved(); as stored) {
        <p class="verdict" role="status">{{ verdict() }}</p>
        <ac-weak-key-badge [weak]="stored.weakApiKey" [explained]="true" />
      } @else {
        <p>
          The key must already be the remote's: it belongs to the remote agent-manager (its
          <code>STATIC_API_KEY</code>), and the controller cannot change it there. Set the new key on the remote first,
          then enter it here.
        </p>
        <p>
          The new key is checked with the remote before it is stored. If the remote refuses it, the current key stays.
        </p>
        <form class="dialog-form" [formGroup]="form" id="rotate-key-form" (ngSubmit)="rotate()" novalidate>
          <mat-form-field>
            <mat-label>New API key of the remote</mat-label>
            <input matInput type="password" formControlName="apiKey" autocomplete="off" required />
            @if (keyError(); as message) {
              <mat-error>{{ message }}</mat-error>
            } @else if (weakTyped()) {
              <mat-hint class="weak-hint"
                >Shorter than {{ weakBelow }} characters: stored, but flagged as weak</mat-hint
              >
            }
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
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      @if (saved(); as stored) {
        <button #doneButton mat-flat-button type="button" (click)="done(stored)">Done</button>
      } @else {
        <button mat-button mat-dialog-close type="button">Cancel</button>
        <button mat-flat-button type="submit" form="rotate-key-form" [disabled]="saving()">Check and store</button>
      }
    </mat-dialog-actions>
  `,
  styles: `
    .hint {
      margin: 0;
      color: var(--mat-sys-on-surface-variant);
    }
    .verdict {
      font-weight: 500;
    }
  `,
})
export class RotateKeyDialog {
  private readonly dialogRef = inject<MatDialogRef<RotateKeyDialog, Client>>(MatDialogRef);
  private readonly api = inject(ClientsApi);
  protected readonly client = inject<Client>(MAT_DIALOG_DATA);
  protected readonly weakBelow = API_KEY_WEAK_BELOW_LENGTH;
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  /** The stored client once the key is stored: the dialog then shows the check's result. */
  protected readonly saved = signal<Client | null>(null);
  private readonly forced = signal(false);
  protected readonly verdict = computed(() => {
    const saved = this.saved();
    return saved ? verdict(saved, this.forced()) : '';
  });
  protected readonly form = inject(FormBuilder).nonNullable.group({
    apiKey: [
      '',
      [
        Validators.required,
        Validators.maxLength(API_KEY_MAX_LENGTH),
        ruleValidator(isVisibleAscii, 'Visible ASCII only: no spaces, control characters or non-ASCII'),
      ],
    ],
    force: [false],
  });
  private readonly typedKey = signal('');
  /** A short key works (the remote chose it): it is flagged while typed, never refused. */
  protected readonly weakTyped = computed(() => this.typedKey() !== '' && isWeakApiKey(this.typedKey()));

  private readonly doneButton = viewChild<unknown, ElementRef<HTMLButtonElement>>('doneButton', { read: ElementRef });

  constructor() {
    this.form.controls.apiKey.valueChanges.subscribe((value) => this.typedKey.set(value));
    // The form and its buttons are gone once the key is stored: focus moves to "Done", not to the page behind.
    afterRenderEffect(() => {
      if (this.saved()) this.doneButton()?.nativeElement.focus();
    });
  }

  protected keyError(): string | null {
    return controlError(this.form.controls.apiKey);
  }

  async rotate(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.saving()) return;
    this.saving.set(true);
    this.error.set(null);
    try {
      const { apiKey, force } = this.form.getRawValue();
      const saved: ClientWithSecret = await this.api.rotateKey(this.client.id, apiKey, force);
      // The operator typed the key: the answer's copy of it is not kept in the page.
      delete saved.apiKey;
      this.forced.set(force);
      this.saved.set(saved);
      // The key is stored now: only "Done" closes, so the page always gets the stored client.
      this.dialogRef.disableClose = true;
    } catch (error) {
      this.error.set(refusalMessage(error) ?? showApiErrors(this.form, error));
    } finally {
      this.saving.set(false);
    }
  }

  protected done(saved: Client): void {
    this.dialogRef.close(saved);
  }
}
