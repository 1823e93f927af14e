import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatTooltipModule } from '@angular/material/tooltip';

/** Why a short key is flagged: it works (the remote chose it), but it can be guessed. */
export const WEAK_KEY_EXPLANATION =
  'The API key is shorter than 16 characters and could be guessed. It works, but set a longer key on the ' +
  'agent-manager and then rotate it here.';

/** A warning badge for a client whose stored API key is weak (`weakApiKey`); renders nothing otherwise. */
@Component({
  selector: 'ac-weak-key-badge',
  imports: [MatTooltipModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (weak()) {
      <span class="badge weak-key" role="status" [matTooltip]="explanation" tabindex="0">Weak key</span>
      @if (explained()) {
        <span class="reason">{{ explanation }}</span>
      } @else {
        <span class="visually-hidden">{{ explanation }}</span>
      }
    }
  `,
  styles: `
    .badge {
      margin-left: 6px;
      white-space: nowrap;
    }
    .reason {
      margin-left: 8px;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `,
})
export class WeakKeyBadge {
  readonly weak = input.required<boolean>();
  /** Shows the explanation beside the badge (detail page) instead of only in its tooltip (lists). */
  readonly explained = input(false);
  protected readonly explanation = WEAK_KEY_EXPLANATION;
}
