import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { DomainError } from '../errors/domain-error';
import { runWithRequestContext } from '../auth-context/request-context';
import { assignRequestId } from '../logging/logger.module';

type Next = (error?: unknown) => void;

/**
 * First middleware: gives the request its id before anything (even the body parser) can fail, and opens
 * the request context that the audit trail reads.
 */
export function requestIdMiddleware(request: IncomingMessage, response: ServerResponse, next: Next): void {
  const requestId = assignRequestId(request, response);
  (request as IncomingMessage & { id?: unknown }).id = requestId;
  runWithRequestContext({ requestId, ip: clientAddress(request) }, () => next());
}

/**
 * The caller's address for the audit trail: Express's `ip` (which honours the trust-proxy setting), else the
 * socket's. Behind a trusted proxy `ip` comes from X-Forwarded-For, which anyone can fill with anything, so
 * only a real IP address is kept (the audit column holds 64 characters); anything else is recorded as unknown.
 */
export function clientAddress(request: IncomingMessage): string | null {
  const address = (request as IncomingMessage & { ip?: string }).ip ?? request.socket?.remoteAddress;
  return address && address.length <= 64 && isIP(address) !== 0 ? address : null;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The API speaks JSON only: a body of any other type is refused up front with 415. */
export function jsonOnlyMiddleware(request: IncomingMessage, _response: ServerResponse, next: Next): void {
  if (BODY_METHODS.has(request.method ?? '') && hasBody(request)) {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json' && !type.endsWith('+json')) {
      return next(
        new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be JSON (Content-Type: application/json)'),
      );
    }
  }
  next();
}

/** Turns body-parser failures into the API's own error codes instead of generic 400/500s. */
export function bodyParserErrorMiddleware(
  error: unknown,
  _request: IncomingMessage,
  _response: ServerResponse,
  next: Next,
): void {
  const type = (error as { type?: string } | undefined)?.type;
  if (type === 'entity.parse.failed') return next(new DomainError('MALFORMED_JSON', 'Request body is not valid JSON'));
  if (type === 'entity.too.large') return next(new DomainError('PAYLOAD_TOO_LARGE', 'Request body is too large'));
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return next(new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Request body encoding is not supported'));
  }
  next(error);
}
