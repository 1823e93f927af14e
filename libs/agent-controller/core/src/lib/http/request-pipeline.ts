import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';
import { assignRequestId } from '../logging/logger.module';

/** First middleware: gives the request its id before anything (even the body parser) can fail. */
export function requestIdMiddleware(request: Request & { id?: string }, response: Response, next: NextFunction): void {
  request.id = assignRequestId(request, response);
  next();
}

/** Turns body-parser failures into the API's own error codes instead of generic 400/500s. */
export function bodyParserErrorMiddleware(error: unknown, _request: Request, _response: Response, next: NextFunction): void {
  const type = (error as { type?: string } | undefined)?.type;
  if (type === 'entity.parse.failed') return next(new DomainError('MALFORMED_JSON', 'Request body is not valid JSON'));
  if (type === 'entity.too.large') return next(new DomainError('PAYLOAD_TOO_LARGE', 'Request body is too large'));
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return next(new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Request body encoding is not supported'));
  }
  next(error);
}
