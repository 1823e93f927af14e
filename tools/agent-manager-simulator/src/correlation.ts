import { randomUUID } from 'node:crypto';

import type { RequestHandler } from 'express';

export const CORRELATION_HEADER = 'X-Correlation-Id';

function firstValue(value: string | string[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[0] : value;
  return single && single.trim().length > 0 ? single.trim() : undefined;
}

/**
 * Takes `X-Correlation-Id` (else `X-Request-Id`, else a new UUID) and echoes it as `X-Correlation-Id` on
 * every response, errors included. Stored in `res.locals.correlationId`.
 */
export const correlationMiddleware: RequestHandler = (req, res, next) => {
  const id = firstValue(req.headers['x-correlation-id']) ?? firstValue(req.headers['x-request-id']) ?? randomUUID();
  res.locals['correlationId'] = id;
  res.setHeader(CORRELATION_HEADER, id);
  next();
};
