import { HttpErrorResponse } from '@angular/common/http';
import type { AbstractControl, FormGroup, ValidatorFn } from '@angular/forms';
import type { ErrorBody } from '@agent-controller/shared-contracts';
import { apiErrorMessage, fieldErrors } from './api-error';

/** The sentence for a control's first error, once the user has touched it (or tried to submit). */
export function controlError(control: AbstractControl): string | null {
  const errors = control.errors;
  if (!errors || !control.touched) return null;
  if (typeof errors['api'] === 'string') return errors['api'];
  if (errors['required']) return 'Required';
  if (errors['email']) return 'Not an e-mail address';
  if (errors['minlength']) return `At least ${errors['minlength'].requiredLength} characters`;
  if (errors['maxlength']) return `At most ${errors['maxlength'].requiredLength} characters`;
  if (errors['min']) return `At least ${errors['min'].min}`;
  if (errors['max']) return `At most ${errors['max'].max}`;
  if (typeof errors['rule'] === 'string') return errors['rule'];
  if (errors['mismatch']) return 'Does not match the new password';
  return 'Invalid';
}

/**
 * A validator for a rule the API also checks, with the API's wording: `valid(value)` false → `{ rule: message }`.
 * Empty values pass (that is `Validators.required`'s job).
 */
export function ruleValidator(valid: (value: string) => boolean, message: string): ValidatorFn {
  return (control) => {
    const value = control.value;
    if (typeof value !== 'string' || value === '') return null;
    return valid(value) ? null : { rule: message };
  };
}

/**
 * A validator for a rule the API also checks that says why a value breaks it (`problem(value)` → the reason, or
 * undefined when the value is fine): `{ rule: prefix + reason }`. Empty values pass, as with `ruleValidator`.
 */
export function problemValidator(problem: (value: string) => string | undefined, prefix = ''): ValidatorFn {
  return (control) => {
    const value = control.value;
    if (typeof value !== 'string' || value === '') return null;
    const reason = problem(value);
    return reason === undefined ? null : { rule: prefix + reason };
  };
}

/**
 * Puts the API's refusals of body fields on the matching controls (shown beside them) and returns the sentence
 * for the rest: null when every refusal is beside its field, so a field error is shown once. `aliases` maps an
 * API field to the control that shows it when their names differ.
 */
export function showApiErrors(form: FormGroup, error: unknown, aliases: Record<string, string> = {}): string | null {
  const fields = fieldErrors(error);
  const unplaced: string[] = [];
  for (const [field, message] of Object.entries(fields)) {
    const control = form.get(aliases[field] ?? field);
    if (!control) {
      unplaced.push(`${field}: ${message}`);
      continue;
    }
    control.setErrors({ api: message });
    control.markAsTouched();
  }
  if (Object.keys(fields).length === 0) return apiErrorMessage(error);
  if (unplaced.length === 0) return null;
  const body = error instanceof HttpErrorResponse ? (error.error as Partial<ErrorBody> | null) : null;
  return `${body?.message ?? 'The request was refused'} (${unplaced.join('; ')})`;
}
