import { isUniqueViolation, PG_UNIQUE_VIOLATION } from './postgres-errors';

/** Shaped like TypeORM's QueryFailedError, which wraps the pg error as `driverError`. */
function queryFailed(driverError: { code?: string; constraint?: string }): Error & { driverError: unknown } {
  return Object.assign(new Error('duplicate key value violates unique constraint'), { driverError });
}

/** Shaped like a raw node-postgres DatabaseError. */
function pgError(code: string, constraint?: string): Error & { code: string; constraint?: string } {
  return Object.assign(new Error('pg error'), { code, constraint });
}

describe('isUniqueViolation', () => {
  it('uses SQLSTATE 23505', () => {
    expect(PG_UNIQUE_VIOLATION).toBe('23505');
  });

  it('recognises a TypeORM QueryFailedError wrapping a unique violation', () => {
    expect(isUniqueViolation(queryFailed({ code: '23505', constraint: 'UQ_users_email' }))).toBe(true);
  });

  it('recognises a raw pg unique violation', () => {
    expect(isUniqueViolation(pgError('23505', 'UQ_users_email'))).toBe(true);
  });

  it('matches the named constraint only', () => {
    expect(isUniqueViolation(queryFailed({ code: '23505', constraint: 'UQ_users_email' }), 'UQ_users_email')).toBe(
      true,
    );
    expect(isUniqueViolation(queryFailed({ code: '23505', constraint: 'UQ_other' }), 'UQ_users_email')).toBe(false);
    expect(isUniqueViolation(pgError('23505', 'UQ_users_email'), 'UQ_users_email')).toBe(true);
    expect(isUniqueViolation(pgError('23505', 'UQ_other'), 'UQ_users_email')).toBe(false);
  });

  it('does not match a constraint when the error names none', () => {
    expect(isUniqueViolation(queryFailed({ code: '23505' }), 'UQ_users_email')).toBe(false);
  });

  it.each(['23503', '23502', '40001', '23514'])('is false for SQLSTATE %s', (code) => {
    expect(isUniqueViolation(queryFailed({ code, constraint: 'X' }))).toBe(false);
    expect(isUniqueViolation(pgError(code, 'X'))).toBe(false);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a plain Error', new Error('23505')],
    ['a string', '23505'],
    ['a numeric code', { code: 23505 }],
    ['a QueryFailedError without a driver error', { driverError: null }],
  ])('is false for %s', (_label, error) => {
    expect(isUniqueViolation(error)).toBe(false);
  });
});
