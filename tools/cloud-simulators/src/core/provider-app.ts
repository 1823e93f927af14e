import express, {
  type ErrorRequestHandler,
  type Express,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';

import type { Faults } from './faults';
import { ApiError, bearerToken } from './http';
import type { RateLimiter, RateLimitState } from './rate-limit';
import type { Scheduler } from './scheduler';

/** What differs between the providers in the request pipeline: names, headers and error bodies. */
export interface ProviderProfile {
  provider: 'hetzner' | 'digitalocean';
  /** `/v1` or `/v2`. */
  apiPrefix: string;
  requestIdHeader: string;
  newRequestId(): string;
  renderError(err: ApiError, requestId: string): unknown;
  setRateLimitHeaders(res: Response, state: RateLimitState): void;
  unauthorized(): ApiError;
  /** A read-only token attempted a write (Hetzner); undefined: the provider has no read-only tokens here. */
  readOnly?(): ApiError;
  notFound(): ApiError;
  invalidJson(): ApiError;
  /** 429, from the limiter or from fault `rateLimitNext` (`state.retryAfter` set: send `retry-after`). */
  rateLimited(state: RateLimitState): ApiError;
  serverError(status: number): ApiError;
  /** 423 for `lockedNext`; undefined when the provider does not model it. */
  locked?(): ApiError;
}

export interface RequestStats {
  total: number;
  byStatus: Record<string, number>;
}

export interface ProviderContext {
  profile: ProviderProfile;
  faults: Faults;
  limiter: RateLimiter;
  scheduler: Scheduler;
  tokens: { readWrite: ReadonlySet<string>; readOnly: ReadonlySet<string> };
  stats: RequestStats;
  log?: (line: string) => void;
  logRequests: boolean;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

function statsMiddleware(ctx: ProviderContext): RequestHandler {
  return (req, res, next) => {
    const started = Date.now();
    res.on('finish', () => {
      ctx.stats.total++;
      const key = String(res.statusCode);
      ctx.stats.byStatus[key] = (ctx.stats.byStatus[key] ?? 0) + 1;
      if (ctx.logRequests) {
        ctx.log?.(`${req.method} ${req.originalUrl} ${res.statusCode} ${Date.now() - started}ms`);
      }
    });
    res.locals['requestId'] = ctx.profile.newRequestId();
    res.setHeader(ctx.profile.requestIdHeader, res.locals['requestId'] as string);
    next();
  };
}

/**
 * Per API request, in order: authentication (401; Hetzner read-only tokens: 401 on writes) → rate limit
 * (fault `rateLimitNext`, else the provider's limiter; headers on every answer) → latency fault → fault
 * `serverErrorNext` → fault `lockedNext` on writes → JSON body → the routes.
 */
function apiGuards(ctx: ProviderContext): RequestHandler {
  const { profile, faults } = ctx;
  return (req, res, next) => {
    const token = bearerToken(req);
    const writable = token !== undefined && ctx.tokens.readWrite.has(token);
    const readable = writable || (token !== undefined && ctx.tokens.readOnly.has(token));
    if (!readable) {
      profile.setRateLimitHeaders(res, ctx.limiter.peek(token ?? 'anonymous'));
      next(profile.unauthorized());
      return;
    }
    const write = !READS.has(req.method);
    if (write && !writable && profile.readOnly) {
      profile.setRateLimitHeaders(res, ctx.limiter.peek(token));
      next(profile.readOnly());
      return;
    }
    let limit: RateLimitState;
    if (faults.take('rateLimitNext')) {
      const retryAfter = faults.current.retryAfterSeconds;
      limit = {
        ...ctx.limiter.peek(token),
        remaining: 0,
        reset: Math.ceil(ctx.scheduler.now() / 1000) + retryAfter,
        limited: true,
        retryAfter,
      };
    } else {
      limit = ctx.limiter.hit(token);
    }
    profile.setRateLimitHeaders(res, limit);
    if (limit.limited) {
      next(profile.rateLimited(limit));
      return;
    }
    const proceed = (): void => {
      if (faults.take('serverErrorNext')) {
        next(profile.serverError(faults.current.serverErrorStatus));
      } else if (write && profile.locked && faults.take('lockedNext')) {
        next(profile.locked());
      } else {
        next();
      }
    };
    const latency = faults.current.latencyMs;
    if (latency > 0) {
      void ctx.scheduler.sleep(latency).then(proceed);
    } else {
      proceed();
    }
  };
}

function errorHandler(ctx: ProviderContext): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    let error: ApiError;
    if (err instanceof ApiError) {
      error = err;
    } else if ((err as { type?: string }).type === 'entity.parse.failed') {
      error = ctx.profile.invalidJson();
    } else {
      ctx.log?.(`unexpected error: ${(err as Error).stack ?? String(err)}`);
      error = ctx.profile.serverError(500);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(error.headers)) {
      res.setHeader(name, value);
    }
    res.status(error.status).json(ctx.profile.renderError(error, res.locals['requestId'] as string));
  };
}

/** The Express app of one provider: control API at `/_simulator`, the API under the provider's prefix. */
export function createProviderApp(ctx: ProviderContext, api: Router, control: Router): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(statsMiddleware(ctx));
  app.use('/_simulator', control);
  app.use(ctx.profile.apiPrefix, apiGuards(ctx));
  // Any content type: both APIs read the body as JSON. Large enough for user_data over the limits.
  app.use(ctx.profile.apiPrefix, express.json({ type: () => true, limit: '2mb', strict: false }));
  app.use(ctx.profile.apiPrefix, api);
  app.use((_req, _res, next) => next(ctx.profile.notFound()));
  app.use(errorHandler(ctx));
  return app;
}
