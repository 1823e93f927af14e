import { ERROR_STATUS, ErrorCode, FieldError } from '@agent-controller/shared-contracts';

/**
 * A failure the caller can act on. Services throw these; the API exception filter maps the code to
 * its HTTP status, so services never deal in HTTP.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** A request whose body, query or parameters do not match their schema. */
export class RequestValidationError extends DomainError {
  constructor(readonly fields: FieldError[]) {
    super(
      'VALIDATION_FAILED',
      `Invalid request: ${fields.map((f) => `${f.location} ${f.field}: ${f.message}`).join('; ')}`,
      { fields },
    );
  }
}
