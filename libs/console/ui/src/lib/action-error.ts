import { Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

/** A refused change above a list, said once as an alert, with a Dismiss button beside the sentence. */
@Component({
  selector: 'ac-action-error',
  imports: [MatButtonModule],
  template: `
    @if (message(); as text) {
      <p class="error" role="alert">
        {{ text }}
        <button mat-button type="button" (click)="dismissed.emit()">Dismiss</button>
      </p>
    }
  `,
  styles: `
    p {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
  `,
})
export class ActionError {
  readonly message = input<string | null>(null);
  readonly dismissed = output<void>();
}
