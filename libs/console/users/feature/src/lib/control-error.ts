import type { AbstractControl } from '@angular/forms';

/** The sentence for a control's first error, once the user has touched it (or tried to submit). */
export function controlError(control: AbstractControl): string | null {
  const errors = control.errors;
  if (!errors || !control.touched) return null;
  if (typeof errors['api'] === 'string') return errors['api'];
  if (errors['required']) return 'Required';
  if (errors['email']) return 'Not an e-mail address';
  if (errors['minlength']) return `At least ${errors['minlength'].requiredLength} characters`;
  if (errors['maxlength']) return `At most ${errors['maxlength'].requiredLength} characters`;
  if (errors['mismatch']) return 'Does not match the new password';
  return 'Invalid';
}
