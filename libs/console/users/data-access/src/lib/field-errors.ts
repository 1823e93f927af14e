import { HttpErrorResponse } from '@angular/common/http';
import type { ErrorBody } from '@agent-controller/shared-contracts';

/** The API's refusals per body field (`{ email: 'already in use' }`), to show beside the matching inputs. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof HttpErrorResponse)) return {};
  const body = error.error as Partial<ErrorBody> | null;
  const errors: Record<string, string> = {};
  for (const field of body?.details?.fields ?? []) {
    if (field.location !== 'body') continue;
    errors[field.field] = errors[field.field] ? `${errors[field.field]}; ${field.message}` : field.message;
  }
  return errors;
}
