import type { RequestHandler } from 'express';

import { forbidden } from './http-errors';

const ALLOWED_METHODS = 'GET,POST,PUT,PATCH,DELETE,OPTIONS';
const ALLOWED_HEADERS = 'Content-Type,Authorization,X-Correlation-Id,X-Request-Id';
const EXPOSED_HEADERS = 'Content-Range,X-Content-Range,X-Correlation-Id';

function appendVary(res: Parameters<RequestHandler>[1], field: string): void {
  const current = res.getHeader('Vary');
  if (current === undefined) {
    res.setHeader('Vary', field);
  } else if (
    !String(current)
      .split(/\s*,\s*/)
      .includes(field)
  ) {
    res.setHeader('Vary', `${String(current)}, ${field}`);
  }
}

/**
 * The real manager's `app.enableCors(...)`: without `CORS_ORIGIN` outside production every response gets
 * `Access-Control-Allow-Origin: *`; with an allowlist (possibly empty, in production) an allowed `Origin`
 * is echoed with credentials and `Vary: Origin` is set. Every `OPTIONS` request is answered here as a
 * preflight: 204, empty body.
 *
 * @param allowlist `undefined` for `*`.
 */
export function createCorsMiddleware(allowlist: string[] | undefined): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (allowlist === undefined) {
      res.setHeader('Access-Control-Allow-Origin', '*');
    } else {
      if (origin !== undefined && allowlist.includes(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
      }
      appendVary(res, 'Origin');
      if (allowlist.length > 0) {
        res.setHeader('Access-Control-Allow-Credentials', 'true');
      }
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.statusCode = 204;
      res.setHeader('Content-Length', '0');
      res.end();
      return;
    }
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    next();
  };
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Origin allowlist (on in production or when `CORS_ORIGIN` is set): POST/PUT/PATCH/DELETE that carry an
 * `Origin` header outside the list → 403 `"Origin not allowed"`. Requests without `Origin` (server to
 * server) always pass.
 */
export function createOriginAllowlistMiddleware(allowlist: string[]): RequestHandler {
  return (req, _res, next) => {
    const origin = req.headers.origin;
    if (!UNSAFE_METHODS.has(req.method.toUpperCase()) || !origin || allowlist.includes(origin)) {
      next();
      return;
    }
    next(forbidden('Origin not allowed'));
  };
}
