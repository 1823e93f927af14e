import { HttpErrorResponse } from '@angular/common/http';
import type { ErrorBody } from '@agent-controller/shared-contracts';

/** One sentence for an API failure: the controller's message (with the bad fields), else what HTTP says. */
export function apiErrorMessage(error: unknown): string {
  if (!(error instanceof HttpErrorResponse)) return error instanceof Error ? error.message : String(error);
  if (error.status === 0) return 'The controller cannot be reached';
  const body = error.error as Partial<ErrorBody> | null;
  if (body && typeof body.message === 'string') {
    const fields = body.details?.fields?.map((field) => `${field.field}: ${field.message}`).join('; ');
    return fields ? `${body.message} (${fields})` : body.message;
  }
  return `${error.status} ${error.statusText}`;
}

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
