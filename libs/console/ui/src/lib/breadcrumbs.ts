import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';

/** One step of the trail: a link, or (the last one) the page itself. */
export interface Crumb {
  label: string;
  link?: readonly (string | number)[];
}

/** Where this page sits (Clients / Build farm / Agents / …): every step but the current page is a link. */
@Component({
  selector: 'ac-breadcrumbs',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <nav class="crumbs" aria-label="Breadcrumb">
      <ol>
        @for (crumb of trail(); track $index; let last = $last) {
          <li>
            @if (crumb.link && !last) {
              <a [routerLink]="crumb.link">{{ crumb.label }}</a>
            } @else {
              <span [attr.aria-current]="last ? 'page' : null">{{ crumb.label }}</span>
            }
          </li>
        }
      </ol>
    </nav>
  `,
  styles: `
    ol {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
      margin: 0 0 8px;
      padding: 0;
      list-style: none;
    }
    li {
      overflow-wrap: anywhere;
    }
    li + li::before {
      content: '/';
      margin-right: 4px;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class Breadcrumbs {
  readonly trail = input.required<readonly Crumb[]>();
}
