import { Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { controlError, showApiErrors } from '@agent-controller/console-core';
import { UsersStore } from '@agent-controller/console-users-data-access';
import type { User, UserRole } from '@agent-controller/shared-contracts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USER_ROLES } from '@agent-controller/shared-contracts/rules';

/** Creates a user (e-mail, first password, role); the API's refusals appear under the fields they concern. */
@Component({
  selector: 'ac-create-user-dialog',
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
    <h2 mat-dialog-title>Create a user</h2>
    <mat-dialog-content>
      <form class="dialog-form" [formGroup]="form" id="create-user-form" (ngSubmit)="save()" novalidate>
        <mat-form-field>
          <mat-label>E-mail</mat-label>
          <input matInput type="email" formControlName="email" autocomplete="off" required />
          @if (error('email'); as message) {
            <mat-error>{{ message }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field>
          <mat-label>Password</mat-label>
          <input matInput type="password" formControlName="password" autocomplete="new-password" required />
          <mat-hint>At least {{ minLength }} characters; share it with the user in a safe way</mat-hint>
          @if (error('password'); as message) {
            <mat-error>{{ message }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field>
          <mat-label>Role</mat-label>
          <mat-select formControlName="role">
            @for (role of roles; track role) {
              <mat-option [value]="role">{{ role }}</mat-option>
            }
          </mat-select>
          <mat-hint>An admin administers every client and every user</mat-hint>
        </mat-form-field>
      </form>
      @if (saving()) {
        <mat-progress-bar mode="indeterminate" aria-label="Creating the user" />
      }
      @if (failure(); as message) {
        <p class="error" role="alert">{{ message }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close type="button">Cancel</button>
      <button mat-flat-button type="submit" form="create-user-form" [disabled]="saving()">Create user</button>
    </mat-dialog-actions>
  `,
})
export class CreateUserDialog {
  private readonly store = inject(UsersStore);
  private readonly dialogRef = inject<MatDialogRef<CreateUserDialog, User>>(MatDialogRef);
  protected readonly roles = USER_ROLES;
  protected readonly minLength = PASSWORD_MIN_LENGTH;
  protected readonly saving = signal(false);
  protected readonly failure = signal<string | null>(null);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    email: ['', [Validators.required, Validators.email, Validators.maxLength(254)]],
    password: [
      '',
      [Validators.required, Validators.minLength(PASSWORD_MIN_LENGTH), Validators.maxLength(PASSWORD_MAX_LENGTH)],
    ],
    role: ['user' as UserRole],
  });

  protected error(name: 'email' | 'password'): string | null {
    return controlError(this.form.controls[name]);
  }

  async save(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.saving()) return;
    this.saving.set(true);
    this.failure.set(null);
    try {
      this.dialogRef.close(await this.store.createUser(this.form.getRawValue()));
    } catch (error) {
      this.failure.set(showApiErrors(this.form, error));
    } finally {
      this.saving.set(false);
    }
  }
}
