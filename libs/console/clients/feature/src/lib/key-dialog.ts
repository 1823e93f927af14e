import { Clipboard } from '@angular/cdk/clipboard';
import { Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

/** Shows a freshly rotated key once, with a copy button. */
@Component({
  selector: 'ac-key-dialog',
  imports: [MatButtonModule, MatDialogModule],
  template: `
    <h2 mat-dialog-title>New API key</h2>
    <mat-dialog-content>
      <p><strong>Copy it now: you will not see this again.</strong></p>
      <code class="secret" data-testid="new-key">{{ key }}</code>
      <p>
        <button mat-stroked-button type="button" (click)="copy()">{{ copied() ? 'Copied' : 'Copy' }}</button>
      </p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-flat-button type="button" mat-dialog-close>Done</button>
    </mat-dialog-actions>
  `,
  styles: `
    .secret {
      display: block;
      word-break: break-all;
      padding: 8px;
      background: var(--mat-sys-surface-variant);
      color: var(--mat-sys-on-surface-variant);
      margin-bottom: 8px;
    }
  `,
})
export class KeyDialog {
  protected readonly key = inject<string>(MAT_DIALOG_DATA);
  private readonly clipboard = inject(Clipboard);
  protected readonly copied = signal(false);

  protected copy(): void {
    this.copied.set(this.clipboard.copy(this.key));
  }
}
