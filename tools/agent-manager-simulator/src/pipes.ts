import { badRequest } from './http-errors';

/** Same check as NestJS `ParseUUIDPipe({version: '4'})`: the nil UUID and v1/v3/v5/v7 UUIDs are rejected. */
const UUID_V4 = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/i;

export function isUuidV4(value: unknown): value is string {
  return typeof value === 'string' && UUID_V4.test(value);
}

/** Path id → the id, or 400 `"Validation failed (uuid v 4 is expected)"`. */
export function parseUuidV4(value: unknown): string {
  if (typeof value !== 'string') {
    throw badRequest('The value passed as UUID is not a string');
  }
  if (!UUID_V4.test(value)) {
    throw badRequest('Validation failed (uuid v 4 is expected)');
  }
  return value;
}

/**
 * `ParseIntPipe({optional: true})` on a query parameter: absent → `undefined`; otherwise it must be an
 * optionally negative run of digits (no `+`, no decimals, no blanks, not repeated), else 400
 * `"Validation failed (numeric string is expected)"`. Negative values pass here; the store rejects them
 * with a 500, like PostgreSQL's "LIMIT must not be negative".
 */
export function parseOptionalInt(value: unknown): number | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string' || !/^-?\d+$/.test(value) || !Number.isFinite(Number(value))) {
    throw badRequest('Validation failed (numeric string is expected)');
  }
  return parseInt(value, 10);
}
