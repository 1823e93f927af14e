import { Component, inject } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { Agent } from '@agent-controller/console-agents-data-access';
import type { UpdateAgentRequest } from '@agent-controller/shared-contracts';
import { Observable } from 'rxjs';

/** Edits an agent's name and description; closes with only the fields that changed (or nothing). */
@Component({
  selector: 'ac-agent-edit-dialog',
  imports: [MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule, ReactiveFormsModule],
  template: `
    <h2 mat-dialog-title>Edit {{ agent.name }}</h2>
    <form [formGroup]="form" (ngSubmit)="submit()">
      <mat-dialog-content>
        <mat-form-field appearance="outline">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" autocomplete="off" cdkFocusInitial />
          @if (form.controls.name.invalid) {
            <mat-error>Required, at most 255 characters</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline">
          <mat-label>Description</mat-label>
          <textarea matInput formControlName="description" rows="3"></textarea>
          @if (form.controls.description.invalid) {
            <mat-error>At most 2000 characters</mat-error>
          }
        </mat-form-field>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit">Save</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    mat-form-field {
      width: 100%;
    }
  `,
})
export class AgentEditDialog {
  protected readonly agent = inject<Agent>(MAT_DIALOG_DATA);
  private readonly ref = inject(MatDialogRef<AgentEditDialog, UpdateAgentRequest>);
  protected readonly form = new FormGroup({
    name: new FormControl(this.agent.name, {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(255), Validators.pattern(/\S/)],
    }),
    description: new FormControl(this.agent.description ?? '', {
      nonNullable: true,
      validators: [Validators.maxLength(2000)],
    }),
  });

  protected submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const name = this.form.controls.name.value.trim();
    const description = this.form.controls.description.value.trim();
    const changes: UpdateAgentRequest = {};
    if (name !== this.agent.name) changes.name = name;
    if (description !== (this.agent.description ?? '')) changes.description = description;
    this.ref.close(Object.keys(changes).length > 0 ? changes : undefined);
  }
}

/** Emits the changed fields, or `undefined` when cancelled or nothing changed. */
export function editAgent(dialog: MatDialog, agent: Agent): Observable<UpdateAgentRequest | undefined> {
  return dialog
    .open<AgentEditDialog, Agent, UpdateAgentRequest>(AgentEditDialog, {
      data: agent,
      width: 'min(520px, 100vw)',
      maxWidth: '100vw',
    })
    .afterClosed();
}
