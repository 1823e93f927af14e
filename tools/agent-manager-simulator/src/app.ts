import express, { type Express, type RequestHandler } from 'express';

import type { SimulatorContext } from './context';
import { correlationMiddleware } from './correlation';
import { createCorsMiddleware, createOriginAllowlistMiddleware } from './cors';
import { createFaultMiddleware } from './faults';
import { createErrorHandler, notFoundHandler } from './http-errors';
import { registerAgentRoutes } from './routes/agents.routes';
import { registerConfigRoutes } from './routes/config.routes';
import { CONTROL_PREFIX, createControlRouter } from './routes/control.routes';
import { registerEnvironmentRoutes } from './routes/environment.routes';
import { registerDeploymentRoutes } from './routes/deployments.routes';
import { registerHealthRoutes } from './routes/health.routes';
import { registerConfigurationOverrideRoutes, registerFilterRoutes } from './routes/settings.routes';
import { registerFileRoutes, registerVcsRoutes } from './routes/workspace.routes';

/** Global prefix of the agent-manager API (contract §1). */
export const API_PREFIX = '/api';

function createStatsMiddleware(ctx: SimulatorContext): RequestHandler {
  return (req, res, next) => {
    const started = Date.now();
    res.on('finish', () => {
      ctx.stats.total++;
      const key = String(res.statusCode);
      ctx.stats.byStatus[key] = (ctx.stats.byStatus[key] ?? 0) + 1;
      if (ctx.options.logRequests && ctx.options.log) {
        ctx.options.log(`${req.method} ${req.originalUrl} ${res.statusCode} ${Date.now() - started}ms`);
      }
    });
    next();
  };
}

/**
 * The Express app. Order per request:
 * stats, correlation id → control API (`/_simulator`) → for `/api`: faults → CORS (every OPTIONS is a
 * preflight) → origin allowlist → JSON/urlencoded body parsing → routes (each: auth → rate limit → handler)
 * → NestJS-style 404 → error bodies.
 *
 * Later rounds add route modules next to these (files, vcs, deployments, filters, configuration
 * overrides) and a Socket.IO server beside the HTTP one.
 */
export function createApp(ctx: SimulatorContext): Express {
  const app = express();
  app.set('etag', 'weak');

  app.use(createStatsMiddleware(ctx));
  app.use(correlationMiddleware);
  app.use(CONTROL_PREFIX, createControlRouter(ctx));

  app.use(API_PREFIX, createFaultMiddleware(ctx.faults, ctx.timers));
  app.use(createCorsMiddleware(ctx.options.corsOrigins));
  if (ctx.options.corsOrigins !== undefined) {
    app.use(createOriginAllowlistMiddleware(ctx.options.corsOrigins));
  }
  app.use(express.json());
  app.use(express.urlencoded({ extended: true }));

  const api = express.Router();
  registerHealthRoutes(api, ctx);
  registerConfigRoutes(api, ctx);
  registerAgentRoutes(api, ctx);
  registerEnvironmentRoutes(api, ctx);
  registerFileRoutes(api, ctx);
  registerVcsRoutes(api, ctx);
  registerDeploymentRoutes(api, ctx);
  registerFilterRoutes(api, ctx);
  registerConfigurationOverrideRoutes(api, ctx);
  app.use(API_PREFIX, api);

  app.use(notFoundHandler);
  app.use(createErrorHandler(ctx.options.log));
  return app;
}
