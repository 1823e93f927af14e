import { DomainError } from './domain-error';

/** How long a client should wait before retrying while the database is away (it reconnects on its own). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** The database could not be reached or dropped the connection: 503 with `Retry-After`, never a 500. */
export class DatabaseUnavailableError extends DomainError {
  constructor() {
    super('DATABASE_UNAVAILABLE', 'The database is unavailable right now; retry shortly', {
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    });
  }
}

/**
 * Tells a database outage from any other error. The database module provides it (it knows the driver's
 * errors); core only consumes it, so core does not depend on the database layer.
 */
export type DatabaseOutageCheck = (error: unknown) => boolean;
export const DATABASE_OUTAGE_CHECK = Symbol('DATABASE_OUTAGE_CHECK');
