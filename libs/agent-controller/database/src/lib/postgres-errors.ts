/** SQLSTATE codes the services act on. */
export const PG_UNIQUE_VIOLATION = '23505';

export const PG_FOREIGN_KEY_VIOLATION = '23503';

function isViolation(error: unknown, sqlState: string, constraint?: string): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } })?.driverError ?? error;
  const { code, constraint: violated } = (driverError ?? {}) as { code?: string; constraint?: string };
  return code === sqlState && (constraint === undefined || violated === constraint);
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return isViolation(error, PG_UNIQUE_VIOLATION, constraint);
}

/** A row refers to one that is gone (or is still referred to, for a delete). */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  return isViolation(error, PG_FOREIGN_KEY_VIOLATION, constraint);
}

/**
 * SQLSTATEs that say "the server cannot serve you right now", not "your statement is wrong": class 08
 * (connection exception), 57P01–57P03 (shutdown, crash, starting up or shutting down), 53300 (too many
 * connections), 57014 (the statement was cancelled: it ran past DB_STATEMENT_TIMEOUT_SECONDS, e.g. behind a lock,
 * or an operator cancelled it; it was rolled back, so retrying later is right).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/** Socket-level failures of the connection to the server (Node system error codes). */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** Messages node-postgres and pg-pool use for a lost or never-made connection; they carry no code. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // "…unexpectedly", "…due to connection timeout"
  /^timeout exceeded when trying to connect$/, // pg-pool: no client within connectionTimeoutMillis
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];

/**
 * Whether an error (TypeORM's wrapper, a raw pg error, a socket error of the pool's connection)
 * means the database could not be reached or dropped the connection. Such a failure is the server's state,
 * not the request's: callers answer 503 and retry later; they never report it as a bug.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return causesOf(error).some(isUnavailableCause);
}

function isUnavailableCause(error: object): boolean {
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  // TypeORM releases a transaction's query runner when its connection fails; the transaction's next query then
  // meets this instead of the connection's error.
  if (name === 'QueryRunnerAlreadyReleasedError') return true;
  if (typeof code === 'string') {
    if (code.startsWith('08') && code.length === 5) return true;
    if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
  }
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * The error and what it wraps the way the database stack wraps: TypeORM's `driverError`, the AggregateError of
 * a connect to several addresses. Not `cause`: fetch wraps a remote's socket error so, and that is no database.
 */
function causesOf(error: unknown, depth = 0): object[] {
  if (typeof error !== 'object' || error === null || depth > 3) return [];
  const { driverError, errors } = error as { driverError?: unknown; errors?: unknown };
  const nested = [driverError, ...(Array.isArray(errors) ? errors : [])];
  return [error, ...nested.flatMap((inner) => causesOf(inner, depth + 1))];
}
