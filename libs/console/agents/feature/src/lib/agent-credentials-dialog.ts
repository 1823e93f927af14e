import { Component, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Observable } from 'rxjs';

/**
 * Asks for the password of an agent created outside this controller (its remote issued it once), so the
 * controller can log chat in. The field is masked; the password is never shown back.
 */
@Component({
  selector: 'ac-agent-credentials-dialog',
  imports: [MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule, ReactiveFormsModule],
  template: `
    <h2 mat-dialog-title>Store credentials of {{ name }}</h2>
    <form [formGroup]="form" (ngSubmit)="submit()">
      <mat-dialog-content>
        <p>
          Enter the password the agent-manager issued when {{ name }} was created. The controller keeps it encrypted and
          uses it to log chat in; it replaces any password stored before.
        </p>
        <mat-form-field appearance="outline">
          <mat-label>Agent password</mat-label>
          <input
            matInput
            formControlName="password"
            autocomplete="off"
            spellcheck="false"
            cdkFocusInitial
            [type]="shown() ? 'text' : 'password'"
          />
          <button
            mat-button
            matSuffix
            type="button"
            aria-label="Show password"
            [attr.aria-pressed]="shown()"
            (click)="shown.set(!shown())"
          >
            Show
          </button>
          @if (form.controls.password.invalid) {
            <mat-error>Required, at most 512 characters</mat-error>
          }
        </mat-form-field>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit">Store credentials</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    mat-form-field {
      width: 100%;
    }
  `,
})
export class AgentCredentialsDialog {
  protected readonly name = inject<string>(MAT_DIALOG_DATA);
  private readonly ref = inject(MatDialogRef<AgentCredentialsDialog, string>);
  protected readonly shown = signal(false);
  protected readonly form = new FormGroup({
    password: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(512)] }),
  });

  protected submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.ref.close(this.form.controls.password.value);
  }
}

/** Emits the password entered, or `undefined` when cancelled. */
export function askAgentPassword(dialog: MatDialog, agentName: string): Observable<string | undefined> {
  return dialog
    .open<AgentCredentialsDialog, string, string>(AgentCredentialsDialog, {
      data: agentName,
      width: 'min(480px, 100vw)',
      maxWidth: '100vw',
    })
    .afterClosed();
}
