import { Component, input } from '@angular/core';
import {
  type AbstractControl,
  FormArray,
  FormControl,
  FormGroup,
  ReactiveFormsModule,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { controlError, problemValidator } from '@agent-controller/console-core';
import type { LabelRow } from '@agent-controller/console-clients-data-access';
import { labelKeyProblem, labelValueProblem, MAX_LABELS } from '@agent-controller/shared-contracts/rules';

export type LabelRowGroup = FormGroup<{ key: FormControl<string>; value: FormControl<string> }>;
export type LabelRowsArray = FormArray<LabelRowGroup>;

/** One editable row, checked as the API checks a label (the key is required once a row exists). */
export function labelRowGroup(row: LabelRow = { key: '', value: '' }): LabelRowGroup {
  return new FormGroup({
    key: new FormControl(row.key, {
      nonNullable: true,
      validators: [Validators.required, problemValidator(labelKeyProblem, 'Invalid key: ')],
    }),
    value: new FormControl(row.value, {
      nonNullable: true,
      validators: [problemValidator(labelValueProblem, 'Invalid value: ')],
    }),
  });
}

/** A key twice would silently keep only the last value, so the list is refused naming the key. */
function distinctKeys(control: AbstractControl): ValidationErrors | null {
  const seen = new Set<string>();
  for (const row of (control as LabelRowsArray).controls) {
    const key = row.controls.key.value.trim();
    if (key !== '' && seen.has(key)) return { duplicate: key };
    seen.add(key);
  }
  return null;
}

/** The labels editor's rows for saved labels. */
export function labelRowsArray(rows: readonly LabelRow[]): LabelRowsArray {
  return new FormArray(
    rows.map((row) => labelRowGroup(row)),
    { validators: distinctKeys },
  );
}

/** The API names a bad label `labels.<key>`: these aliases show it beside the row with that key. */
export function labelErrorAliases(rows: LabelRowsArray, path = 'labels'): Record<string, string> {
  const aliases: Record<string, string> = {};
  rows.controls.forEach((row, index) => {
    aliases[`labels.${row.controls.key.value.trim()}`] = `${path}.${index}.key`;
  });
  return aliases;
}

/** Key = value rows of a client's labels, added and removed in place (Kubernetes label syntax). */
@Component({
  selector: 'ac-labels-editor',
  imports: [ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatInputModule],
  template: `
    <fieldset class="labels">
      <legend>Labels</legend>
      @for (row of rows().controls; track row; let index = $index) {
        <div class="label-row" [formGroup]="row">
          <mat-form-field>
            <mat-label>Key</mat-label>
            <input matInput formControlName="key" placeholder="region" />
            @if (error(row.controls.key); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Value</mat-label>
            <input matInput formControlName="value" placeholder="eu" />
            @if (error(row.controls.value); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <button
            mat-button
            type="button"
            [attr.aria-label]="'Remove label ' + (row.controls.key.value || index + 1)"
            (click)="remove(index)"
          >
            Remove
          </button>
        </div>
      } @empty {
        <p class="none">No labels.</p>
      }
      @if (listError(); as message) {
        <p class="error" role="alert">{{ message }}</p>
      }
      <button mat-stroked-button type="button" (click)="add()" [disabled]="rows().length >= maxLabels">
        Add a label
      </button>
    </fieldset>
  `,
  styles: `
    .labels {
      border: none;
      padding: 0;
      margin: 0 0 8px;
    }
    legend {
      font: var(--mat-sys-title-small);
      margin-bottom: 4px;
    }
    .label-row {
      display: flex;
      gap: 8px;
      align-items: baseline;
      flex-wrap: wrap;
    }
    .label-row mat-form-field {
      flex: 1 1 140px;
    }
    .none {
      margin: 0 0 8px;
    }
  `,
})
export class LabelsEditor {
  readonly rows = input.required<LabelRowsArray>();
  protected readonly maxLabels = MAX_LABELS;

  protected add(): void {
    this.rows().push(labelRowGroup());
  }

  protected remove(index: number): void {
    this.rows().removeAt(index);
  }

  /** A refusal of the whole list: a key twice, or the API's own (e.g. "at most 20 labels") set on the array. */
  protected listError(): string | null {
    const errors = this.rows().errors;
    if (typeof errors?.['duplicate'] === 'string') return `The key ${errors['duplicate']} is used twice`;
    if (typeof errors?.['api'] === 'string') return errors['api'];
    return null;
  }

  protected error(control: AbstractControl): string | null {
    return controlError(control);
  }
}
