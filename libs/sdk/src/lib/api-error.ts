import { ERROR_CODES, ErrorCode, FieldError } from '@agent-controller/shared-contracts';

/** What the controller answered with, in its error model (`{statusCode, code, message, details?, requestId}`). */
export interface ApiErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: { fields?: FieldError[] } & Record<string, unknown>;
  requestId?: string;
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as string[]).includes(value);
}

/**
 * An error answer of the controller. `code` is the error model's stable code; an answer that is not in the model
 * (a proxy's HTML page, an empty body) gets the code its status implies, so callers can always switch on `code`.
 */
export class AgentControllerApiError extends Error {
  override readonly name = 'AgentControllerApiError';
  readonly code: ErrorCode;
  readonly details: ApiErrorBody['details'];
  readonly requestId: string | undefined;

  constructor(
    readonly status: number,
    body: Partial<ApiErrorBody>,
  ) {
    super(body.message ?? `HTTP ${status}`);
    this.code = isErrorCode(body.code) ? body.code : codeForStatus(status);
    this.details = body.details;
    this.requestId = body.requestId;
  }

  /** The bad fields named by a validation error (empty for other errors). */
  get fields(): FieldError[] {
    return this.details?.fields ?? [];
  }

  static async fromResponse(response: Response): Promise<AgentControllerApiError> {
    const text = await response.text().catch(() => '');
    let body: Partial<ApiErrorBody> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === 'object') body = parsed as Partial<ApiErrorBody>;
    } catch {
      body = { message: text.trim().slice(0, 200) || `HTTP ${response.status} ${response.statusText}`.trim() };
    }
    return new AgentControllerApiError(response.status, body);
  }
}

/** The controller could not be reached (connection refused, DNS, TLS, timeout): no answer at all. */
export class AgentControllerUnreachableError extends Error {
  override readonly name = 'AgentControllerUnreachableError';

  constructor(
    readonly url: string,
    override readonly cause: unknown,
  ) {
    super(`cannot reach ${url}: ${describeCause(cause)}`);
  }
}

function describeCause(cause: unknown): string {
  // Duck-typed: fetch's errors may come from another realm (a test VM), where `instanceof Error` fails.
  const message = (value: unknown): string | undefined =>
    typeof value === 'object' && value !== null && 'message' in value ? String(value.message) : undefined;
  const outer = message(cause) ?? String(cause);
  // fetch wraps the socket error ("fetch failed" → "connect ECONNREFUSED …"): the inner one says what happened.
  const inner = typeof cause === 'object' && cause !== null && 'cause' in cause ? message(cause.cause) : undefined;
  return inner ? `${outer} (${inner})` : outer;
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'SERVICE_UNAVAILABLE';
  if (status >= 500) return 'INTERNAL_ERROR';
  return 'BAD_REQUEST';
}
