import { z } from 'zod';

/** Stable machine-readable error codes. The HTTP status for each is fixed here so both ends agree. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  NOT_APPLICABLE_IN_API_KEY_MODE: 400,
  NOT_APPLICABLE_IN_THIS_MODE: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_SETUP_TOKEN: 401,
  FORBIDDEN: 403,
  ACCOUNT_LOCKED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ENDPOINT_NOT_ALLOWED: 400,
  CONFLICT: 409,
  NAME_TAKEN: 409,
  CLIENT_INACTIVE: 409,
  /** Rotation: the remote did not accept the new key (refused it, or could not be asked); the old key is kept. */
  KEY_NOT_ACCEPTED: 409,
  /** Delete: the client runs on a cloud server; say what happens to it with `?server=delete|keep`. */
  CLIENT_HAS_SERVER: 409,
  /** Gateway: `forward` before `setClient`. */
  NO_CLIENT_SELECTED: 409,
  /** Gateway: no password is stored for the agent (create it here, or PUT its credentials). */
  AGENT_CREDENTIALS_MISSING: 409,
  /** Team delete: the team still has clients; move them first or delete with `?moveTo=`. */
  TEAM_HAS_CLIENTS: 409,
  EMAIL_TAKEN: 409,
  SETUP_ALREADY_COMPLETED: 409,
  LAST_ADMIN: 409,
  /** Users: an admin may not lock or delete their own account (another admin can). */
  SELF_CHANGE_REFUSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  /** Log-in: too many recent failures for this e-mail; wait `details.retryAt` (also `Retry-After`). */
  LOGIN_THROTTLED: 429,
  /** Log-in: too many failures for this e-mail; locked until `details.lockedUntil` (also `Retry-After`). */
  LOGIN_LOCKED: 429,
  CLIENT_RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  /** A route kept for clients written for Agenstra whose feature this controller does not have. */
  NOT_SUPPORTED: 501,
  /** The remote refused the request (its 4xx); the answer keeps the remote's status and message. */
  REMOTE_REJECTED: 400,
  REMOTE_ERROR: 502,
  REMOTE_UNREACHABLE: 502,
  REMOTE_INCOMPATIBLE: 502,
  REMOTE_AUTH_FAILED: 502,
  /** Gateway: the remote refused the stored agent password (`loginError`). */
  AGENT_LOGIN_FAILED: 502,
  SERVICE_UNAVAILABLE: 503,
  /** The database is unreachable or restarting; sent with `Retry-After`. The change was not made: retry. */
  DATABASE_UNAVAILABLE: 503,
  /** A cloud provider refused the request (bad server type or location, no capacity, quota). */
  CLOUD_REJECTED: 422,
  /** Bulk by filters: more clients match than one run takes (`details.matched`, `details.limit`); narrow it. */
  BULK_TOO_MANY_CLIENTS: 422,
  /** A cloud provider did not answer usefully (429/5xx after retries, network, bad token). */
  CLOUD_UNAVAILABLE: 502,
  /** The provider has no API token configured. */
  PROVIDER_NOT_CONFIGURED: 409,
  REMOTE_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** One bad field of a request: where it is and why it was refused. */
export const fieldErrorSchema = z.object({
  field: z.string().describe('Dotted path inside the request part, e.g. `email` or `items.3.name`'),
  location: z.enum(['body', 'query', 'param']),
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

/** The body of every error answer of the API. */
export const errorBodySchema = z.object({
  statusCode: z.number().int(),
  code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]).describe('Stable machine-readable code'),
  message: z.string(),
  details: z.looseObject({ fields: z.array(fieldErrorSchema).optional() }).optional(),
  requestId: z.string().describe('Also in the X-Request-Id header and the server log'),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
