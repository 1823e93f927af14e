import type { ErrorRequestHandler, RequestHandler, Response } from 'express';

/**
 * Error bodies as a NestJS agent-manager sends them (contract §3).
 *
 * `HttpException` bodies: `{"message", "error", "statusCode"}`; uncaught errors: `{"statusCode":500,
 * "message":"Internal server error"}` (no `error` field); "http-errors" style errors (body-parser's 413/415):
 * `{"statusCode", "message"}`.
 */
export class HttpException extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body['message'] === 'string' ? body['message'] : `HTTP ${status}`);
    this.name = 'HttpException';
  }
}

const ERROR_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
};

function nestException(status: 400 | 401 | 403 | 404, message: string): HttpException {
  return new HttpException(status, { message, error: ERROR_NAMES[status], statusCode: status });
}

export const badRequest = (message: string): HttpException => nestException(400, message);
export const unauthorized = (message: string): HttpException => nestException(401, message);
export const forbidden = (message: string): HttpException => nestException(403, message);
export const notFound = (message: string): HttpException => nestException(404, message);

/** A NestJS `HttpException` built from a plain string, e.g. the throttler's 429: `{statusCode, message}`. */
export const plainHttpException = (status: number, message: string): HttpException =>
  new HttpException(status, { statusCode: status, message });

/**
 * Stands for an error the real server does not anticipate (a database constraint, a TypeError on a missing
 * body, a negative LIMIT): it always surfaces as the generic 500 body. The message is only for the log.
 */
export class SimulatedInternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulatedInternalError';
  }
}

export const INTERNAL_ERROR_BODY = { statusCode: 500, message: 'Internal server error' } as const;

export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).json(body);
}

/** Final 404 for any unmatched route, with NestJS's message (`req.originalUrl`, query string included). */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`Cannot ${req.method} ${req.originalUrl}`));
};

function isHttpErrorLike(err: unknown): err is { statusCode: number; message: string } {
  if (typeof err !== 'object' || err === null) {
    return false;
  }
  const candidate = err as { statusCode?: unknown; message?: unknown };
  return typeof candidate.statusCode === 'number' && typeof candidate.message === 'string' && !!candidate.message;
}

/**
 * Maps anything thrown to the bodies above, the way NestJS's exception layer does: SyntaxError (invalid
 * JSON body) and URIError (bad percent-encoding in a path parameter) become 400 Bad Request.
 */
export function createErrorHandler(log?: (line: string) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof HttpException) {
      sendJson(res, err.status, err.body);
      return;
    }
    if (err instanceof SyntaxError || err instanceof URIError) {
      const ex = badRequest(err.message);
      sendJson(res, ex.status, ex.body);
      return;
    }
    if (isHttpErrorLike(err) && err.statusCode >= 400 && err.statusCode < 600) {
      sendJson(res, err.statusCode, { statusCode: err.statusCode, message: err.message });
      return;
    }
    if (log) {
      const detail = err instanceof Error ? err.message : String(err);
      log(`${req.method} ${req.originalUrl} -> 500 (${detail})`);
    }
    sendJson(res, 500, INTERNAL_ERROR_BODY);
  };
}
