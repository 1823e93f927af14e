import { Component, inject, signal } from '@angular/core';
import { AbstractControl, FormBuilder, ReactiveFormsModule, ValidationErrors, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { controlError, SessionStore, showApiErrors } from '@agent-controller/console-core';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@agent-controller/shared-contracts/rules';

function sameAsNewPassword(control: AbstractControl): ValidationErrors | null {
  const newPassword = control.parent?.get('newPassword')?.value;
  return control.value && control.value !== newPassword ? { mismatch: true } : null;
}

/**
 * "Change my password" (users mode). This tab continues with the token the controller answers with; every other
 * session of the user ends. Closes with `true` once changed.
 */
@Component({
  selector: 'ac-change-password-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  template: `
    <h2 mat-dialog-title>Change my password</h2>
    <mat-dialog-content>
      <p class="note">Your other sessions end; this one stays signed in.</p>
      <form class="dialog-form" [formGroup]="form" id="change-password-form" (ngSubmit)="save()" novalidate>
        <input type="email" class="username" autocomplete="username" [value]="session.displayName()" readonly />
        <mat-form-field>
          <mat-label>Current password</mat-label>
          <input matInput type="password" formControlName="currentPassword" autocomplete="current-password" required />
          @if (error('currentPassword'); as message) {
            <mat-error>{{ message }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field>
          <mat-label>New password</mat-label>
          <input matInput type="password" formControlName="newPassword" autocomplete="new-password" required />
          <mat-hint>At least {{ minLength }} characters</mat-hint>
          @if (error('newPassword'); as message) {
            <mat-error>{{ message }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field>
          <mat-label>Repeat the new password</mat-label>
          <input matInput type="password" formControlName="repeatPassword" autocomplete="new-password" required />
          @if (error('repeatPassword'); as message) {
            <mat-error>{{ message }}</mat-error>
          }
        </mat-form-field>
      </form>
      @if (saving()) {
        <mat-progress-bar mode="indeterminate" aria-label="Changing the password" />
      }
      @if (failure(); as message) {
        <p class="error" role="alert">{{ message }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close type="button">Cancel</button>
      <button mat-flat-button type="submit" form="change-password-form" [disabled]="saving()">Change password</button>
    </mat-dialog-actions>
  `,
  styles: `
    .username {
      display: none;
    }
    .note {
      margin: 0;
    }
  `,
})
export class ChangePasswordDialog {
  protected readonly session = inject(SessionStore);
  private readonly dialogRef = inject<MatDialogRef<ChangePasswordDialog, boolean>>(MatDialogRef);
  protected readonly minLength = PASSWORD_MIN_LENGTH;
  protected readonly saving = signal(false);
  protected readonly failure = signal<string | null>(null);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    currentPassword: ['', [Validators.required, Validators.maxLength(PASSWORD_MAX_LENGTH)]],
    newPassword: [
      '',
      [Validators.required, Validators.minLength(PASSWORD_MIN_LENGTH), Validators.maxLength(PASSWORD_MAX_LENGTH)],
    ],
    repeatPassword: ['', [Validators.required, sameAsNewPassword]],
  });

  constructor() {
    this.form.controls.newPassword.valueChanges.subscribe(() =>
      this.form.controls.repeatPassword.updateValueAndValidity({ emitEvent: false }),
    );
  }

  protected error(name: 'currentPassword' | 'newPassword' | 'repeatPassword'): string | null {
    return controlError(this.form.controls[name]);
  }

  async save(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.saving()) return;
    this.saving.set(true);
    this.failure.set(null);
    const { currentPassword, newPassword } = this.form.getRawValue();
    try {
      await this.session.changePassword(currentPassword, newPassword);
      this.dialogRef.close(true);
    } catch (error) {
      this.failure.set(showApiErrors(this.form, error));
    } finally {
      this.saving.set(false);
    }
  }
}
