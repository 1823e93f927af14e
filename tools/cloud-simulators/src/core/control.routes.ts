import { createHash, timingSafeEqual } from 'node:crypto';

import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';

import { type Faults, type FaultSettings, validateFaultPatch } from './faults';
import { ApiError, wrap } from './http';

export const CONTROL_PREFIX = '/_simulator';

export interface ControlHooks {
  controlToken: string;
  faults: Faults;
  /** Fault keys this provider does not model (rejected with 400). */
  unsupportedFaults: readonly (keyof FaultSettings)[];
  snapshot(): Record<string, unknown>;
  /** The control view of one server (user data included), or undefined. */
  server(id: number): Record<string, unknown> | undefined;
  /** Servers deleted (agent-managers stopped), faults back to the start options, counters cleared. */
  reset(): Promise<void>;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** `Authorization: Bearer <controlToken>` or `X-Simulator-Token: <controlToken>`. */
function controlTokenGuard(token: string): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    const alternative = req.headers['x-simulator-token'];
    const provided = bearer ?? (typeof alternative === 'string' ? alternative : undefined);
    if (provided === undefined || !timingSafeEqual(digest(provided), expected)) {
      next(new ApiError(401, 'unauthorized', 'Invalid or missing control token'));
      return;
    }
    next();
  };
}

const controlErrors: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  if (err instanceof ApiError) {
    res.status(err.status).json({ statusCode: err.status, message: err.message });
    return;
  }
  const status = (err as { status?: number }).status ?? 500;
  res.status(status).json({ statusCode: status, message: (err as Error).message });
};

/**
 * The control API of one provider simulator (not part of the provider's API; never rate-limited or faulted):
 *
 * - `GET /_simulator/state`: options, faults, servers (with user data and agent-manager), actions, counters.
 * - `GET /_simulator/servers/:id`: one server as in `state`.
 * - `GET|POST|DELETE /_simulator/faults`: read; patch (any subset of the keys); back to the start options.
 * - `POST /_simulator/reset`: every server deleted at once, faults back to the start options, rate-limit and
 *   request counters cleared. Ids keep counting.
 */
export function createControlRouter(hooks: ControlHooks): Router {
  const router = express.Router();
  router.use(controlTokenGuard(hooks.controlToken));
  router.use(express.json());

  router.get(
    '/state',
    wrap((_req, res) => {
      res.json(hooks.snapshot());
    }),
  );

  router.get(
    '/servers/:id',
    wrap((req, res) => {
      const server = hooks.server(Number(req.params['id']));
      if (!server) {
        throw new ApiError(404, 'not_found', `No server ${String(req.params['id'])}`);
      }
      res.json(server);
    }),
  );

  router.get(
    '/faults',
    wrap((_req, res) => {
      res.json(hooks.faults.current);
    }),
  );

  router.post(
    '/faults',
    wrap((req, res) => {
      res.json(hooks.faults.patch(validateFaultPatch(req.body ?? {}, hooks.unsupportedFaults)));
    }),
  );

  router.delete(
    '/faults',
    wrap((_req, res) => {
      res.json(hooks.faults.reset());
    }),
  );

  router.post(
    '/reset',
    wrap(async (_req, res) => {
      await hooks.reset();
      res.json(hooks.snapshot());
    }),
  );

  router.use((req, _res, next) => {
    next(new ApiError(404, 'not_found', `Cannot ${req.method} ${req.originalUrl}`));
  });
  router.use(controlErrors);
  return router;
}
