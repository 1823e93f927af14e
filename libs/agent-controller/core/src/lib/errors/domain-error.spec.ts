import { ERROR_CODES, ERROR_STATUS } from '@agent-controller/shared-contracts';
import { DomainError, RequestValidationError } from './domain-error';

describe('DomainError', () => {
  it.each(ERROR_CODES)('takes the fixed HTTP status of %s', (code) => {
    expect(new DomainError(code, 'x').status).toBe(ERROR_STATUS[code]);
  });

  it('is an Error with its message, code and details', () => {
    const error = new DomainError('LAST_ADMIN', 'The last admin cannot be removed', { userId: 'u1' });

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DomainError');
    expect(error.message).toBe('The last admin cannot be removed');
    expect(error.code).toBe('LAST_ADMIN');
    expect(error.status).toBe(409);
    expect(error.details).toEqual({ userId: 'u1' });
  });
});

describe('RequestValidationError', () => {
  it('is a VALIDATION_FAILED DomainError carrying the fields in its details', () => {
    const fields = [
      { field: 'email', location: 'body' as const, message: 'Invalid email address' },
      { field: 'limit', location: 'query' as const, message: 'Too big' },
    ];
    const error = new RequestValidationError(fields);

    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.status).toBe(400);
    expect(error.fields).toBe(fields);
    expect(error.details).toEqual({ fields });
  });

  it('names each field with its location in the message', () => {
    const error = new RequestValidationError([
      { field: 'email', location: 'body', message: 'Invalid email address' },
      { field: 'id', location: 'param', message: 'Invalid UUID' },
    ]);

    expect(error.message).toBe('Invalid request: body email: Invalid email address; param id: Invalid UUID');
  });
});
