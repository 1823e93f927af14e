import { Component, Directive, inject, input, TemplateRef } from '@angular/core';

/**
 * How one row reads as a card on a narrow screen. Put it inside `<ac-paged-table>`:
 * `<ng-template acListCard let-client>…<ac-card-field label="Health">…</ac-card-field></ng-template>`.
 */
@Directive({ selector: 'ng-template[acListCard]' })
export class ListCard {
  readonly template = inject<TemplateRef<{ $implicit: unknown }>>(TemplateRef);
}

/** One "label: value" line of a card; the value is the projected content (text, links, badges, buttons). */
@Component({
  selector: 'ac-card-field',
  template: `<span class="card-label">{{ label() }}</span
    ><span class="card-value"><ng-content /></span>`,
  styles: `
    :host {
      display: flex;
      gap: 8px;
      align-items: baseline;
      padding: 2px 0;
      min-width: 0;
    }
    .card-label {
      flex: 0 0 auto;
      min-width: 6.5em;
      font-size: 0.8125rem;
      color: var(--mat-sys-on-surface-variant);
    }
    .card-value {
      flex: 1 1 auto;
      min-width: 0;
      overflow-wrap: anywhere;
    }
  `,
})
export class CardField {
  readonly label = input.required<string>();
}
