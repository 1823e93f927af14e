import { Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

/** Asks before deleting an agent, naming it. Closes with `true` to delete. */
@Component({
  selector: 'ac-confirm-delete-dialog',
  imports: [MatButtonModule, MatDialogModule],
  template: `
    <h2 mat-dialog-title>Delete agent {{ data.name }}?</h2>
    <mat-dialog-content>
      <p>
        The agent <strong>{{ data.name }}</strong
        >, its containers, environment and chat history are deleted on the remote. This cannot be undone.
      </p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button [mat-dialog-close]="false" type="button">Cancel</button>
      <button mat-flat-button class="danger" [mat-dialog-close]="true" type="button">Delete {{ data.name }}</button>
    </mat-dialog-actions>
  `,
  styles: `
    .danger {
      --mat-button-filled-container-color: var(--mat-sys-error);
      --mat-button-filled-label-text-color: var(--mat-sys-on-error);
    }
  `,
})
export class ConfirmDeleteDialog {
  protected readonly data = inject<{ name: string }>(MAT_DIALOG_DATA);
}
