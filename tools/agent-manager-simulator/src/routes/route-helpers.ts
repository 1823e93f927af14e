import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';

import { createAuthGuard } from '../auth';
import type { SimulatorContext } from '../context';
import { createThrottleGuard } from '../rate-limit';

export type Handler = (req: Request, res: Response) => unknown;

/** Runs a sync or async handler and forwards whatever it throws to the error handler. */
export function wrap(handler: Handler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      Promise.resolve(handler(req, res)).catch(next);
    } catch (err) {
      next(err);
    }
  };
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteOptions {
  /** No authentication (health). */
  public?: boolean;
  /** Not counted by the rate limiter (health). */
  skipThrottle?: boolean;
}

/**
 * Registers one route the way the real manager's global guards see it: auth first, then the throttler
 * (keyed by `name`, like NestJS's `Controller-handler` key), then the handler. Unmatched paths never reach
 * the guards, so an unknown route is a 404 even without credentials.
 */
export function defineRoute(
  router: Router,
  ctx: SimulatorContext,
  method: Method,
  path: string,
  name: string,
  handler: Handler,
  options: RouteOptions = {},
): void {
  const chain: RequestHandler[] = [];
  if (!options.public) {
    chain.push(createAuthGuard(ctx.authenticate));
  }
  if (!options.skipThrottle) {
    chain.push(createThrottleGuard(ctx.throttler, ctx.options.rateLimitScope, name));
  }
  chain.push(wrap(handler));
  router[method](path, ...chain);
}
