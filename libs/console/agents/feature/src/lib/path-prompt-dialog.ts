import { Component, inject } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Observable } from 'rxjs';

export interface PathPromptData {
  title: string;
  label: string;
  initial?: string;
  confirm: string;
}

/** No `..` or `.` segments: the controller refuses them (agentFileParamsSchema). */
const SAFE_PATH = /^(?!.*(^|\/)\.{1,2}(\/|$))[^\0]+$/;

/** Asks for a name or a path in the workspace (new file or folder, rename or move). */
@Component({
  selector: 'ac-path-prompt-dialog',
  imports: [MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule, ReactiveFormsModule],
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <form [formGroup]="form" (ngSubmit)="submit()">
      <mat-dialog-content>
        <mat-form-field appearance="outline">
          <mat-label>{{ data.label }}</mat-label>
          <input matInput formControlName="path" autocomplete="off" spellcheck="false" cdkFocusInitial />
          @if (path.invalid) {
            <mat-error>Required, without "." or ".." parts</mat-error>
          }
        </mat-form-field>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit">{{ data.confirm }}</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    mat-form-field {
      width: 100%;
    }
  `,
})
export class PathPromptDialog {
  protected readonly data = inject<PathPromptData>(MAT_DIALOG_DATA);
  private readonly ref = inject(MatDialogRef<PathPromptDialog, string>);
  protected readonly path = new FormControl(this.data.initial ?? '', {
    nonNullable: true,
    validators: [Validators.required, Validators.maxLength(4096), Validators.pattern(SAFE_PATH)],
  });
  /** A form group, so Enter submits through ngSubmit rather than the browser. */
  protected readonly form = new FormGroup({ path: this.path });

  protected submit(): void {
    const value = this.path.value.trim().replace(/^\/+|\/+$/g, '');
    if (this.path.invalid || !value) {
      this.path.markAsTouched();
      return;
    }
    this.ref.close(value);
  }
}

/** Opens the prompt; emits the path entered, or `undefined` when cancelled. */
export function promptPath(dialog: MatDialog, data: PathPromptData): Observable<string | undefined> {
  return dialog
    .open<PathPromptDialog, PathPromptData, string>(PathPromptDialog, {
      data,
      width: 'min(480px, 100vw)',
      maxWidth: '100vw',
    })
    .afterClosed();
}
