import { Component, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { EnvironmentVariable, EnvironmentVariableRequest } from '@agent-controller/console-agents-data-access';

export interface EnvironmentVariableDialogData {
  /** The variable to edit; absent to add one. */
  variable?: EnvironmentVariable;
  /** Saves on the remote; the dialog stays open (with the reason) when it fails. */
  save: (request: EnvironmentVariableRequest) => Promise<boolean>;
  /** The last failure, as the store reports it. */
  failure: () => string;
}

/** The same rule the controller checks (shared contracts' environmentVariableRequestSchema). */
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Adds or edits one environment variable. */
@Component({
  selector: 'ac-environment-variable-dialog',
  imports: [MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule, ReactiveFormsModule],
  template: `
    <h2 mat-dialog-title>{{ data.variable ? 'Edit ' + data.variable.variable : 'Add environment variable' }}</h2>
    <form [formGroup]="form" (ngSubmit)="submit()">
      <mat-dialog-content>
        <mat-form-field appearance="outline">
          <mat-label>Name</mat-label>
          <input matInput formControlName="variable" autocomplete="off" spellcheck="false" cdkFocusInitial />
          @if (form.controls.variable.hasError('pattern')) {
            <mat-error>Letters, digits and _; not starting with a digit</mat-error>
          } @else if (form.controls.variable.hasError('required')) {
            <mat-error>A name is required</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Value</mat-label>
          <textarea matInput formControlName="content" rows="4" spellcheck="false"></textarea>
        </mat-form-field>
        <p class="hint">Saving recreates the agent's container with the new environment.</p>
        @if (failed()) {
          <p class="error" role="alert">{{ data.failure() }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="saving()">{{ saving() ? 'Saving…' : 'Save' }}</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    mat-form-field {
      width: 100%;
    }
    textarea {
      font-family: ui-monospace, monospace;
    }
    .hint {
      font-size: 0.875rem;
      margin: 0;
    }
  `,
})
export class EnvironmentVariableDialog {
  protected readonly data = inject<EnvironmentVariableDialogData>(MAT_DIALOG_DATA);
  private readonly ref = inject(MatDialogRef<EnvironmentVariableDialog>);
  protected readonly saving = signal(false);
  protected readonly failed = signal(false);
  protected readonly form = new FormGroup({
    variable: new FormControl(this.data.variable?.variable ?? '', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(255), Validators.pattern(NAME_PATTERN)],
    }),
    content: new FormControl(this.data.variable?.content ?? '', {
      nonNullable: true,
      validators: [Validators.maxLength(65_536)],
    }),
  });

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    this.failed.set(false);
    const ok = await this.data.save(this.form.getRawValue());
    this.saving.set(false);
    if (ok) this.ref.close(true);
    else this.failed.set(true);
  }
}
