import { isDatabaseUnavailable, isUniqueViolation, PG_UNIQUE_VIOLATION } from './postgres-errors';

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

describe('isDatabaseUnavailable', () => {
  /** A socket error as node-postgres passes it on (a Node system error). */
  const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

  it.each([
    ['a refused connection', socketError('ECONNREFUSED')],
    ['a reset connection', socketError('ECONNRESET')],
    ['a timed-out connection', socketError('ETIMEDOUT')],
    ['an unresolvable host', socketError('ENOTFOUND')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('Connection terminated due to connection timeout')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['a broken client', new Error('Client has encountered a connection error and is not queryable')],
    ['admin_shutdown (57P01)', pgError('57P01')],
    ['crash_shutdown (57P02)', pgError('57P02')],
    ['cannot_connect_now (57P03)', pgError('57P03')],
    ['too_many_connections (53300)', pgError('53300')],
    ['a statement cancelled by the statement timeout (57014)', pgError('57014')],
    ['connection_failure (08006)', pgError('08006')],
    ['connection_does_not_exist (08003)', pgError('08003')],
    ['a TypeORM QueryFailedError wrapping 57P01', queryFailed({ code: '57P01' })],
    ['a TypeORM QueryFailedError wrapping a lost connection', { driverError: new Error('Connection terminated') }],
    [
      'a transaction whose query runner was released by a failed connection',
      Object.assign(new Error('Query runner already released'), { name: 'QueryRunnerAlreadyReleasedError' }),
    ],
    [
      'an AggregateError of connect attempts (IPv6 and IPv4)',
      new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')]),
    ],
  ])('is true for %s', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', queryFailed({ code: '23505' })],
    ['an invalid byte sequence (22021)', pgError('22021')],
    ['a serialization failure (40001)', pgError('40001')],
    ['a syntax error (42601)', pgError('42601')],
    ['a plain Error', new Error('boom')],
    ['a code that only starts like class 08', pgError('080')],
    [
      'a remote call failure wrapped by fetch',
      Object.assign(new TypeError('fetch failed'), { cause: socketError('ECONNREFUSED') }),
    ],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'ECONNREFUSED'],
    ['a numeric code', { code: 8006 }],
  ])('is false for %s', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('does not loop on an error that wraps itself', () => {
    const error: Error & { driverError?: unknown } = new Error('self');
    error.driverError = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
