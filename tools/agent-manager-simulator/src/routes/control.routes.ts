import { createHash, timingSafeEqual } from 'node:crypto';

import express, { type RequestHandler, type Router } from 'express';

import { validateConfigOverride } from '../config-store';
import type { SimulatorContext } from '../context';
import { validateFaultPatch } from '../faults';
import { badRequest, notFound, unauthorized } from '../http-errors';
import { toAgentResponseDto } from '../state';

import { wrap } from './route-helpers';

/** Where the control API lives: outside `/api`, so it is never subject to faults, auth or rate limits. */
export const CONTROL_PREFIX = '/_simulator';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** `Authorization: Bearer <controlToken>` or `X-Simulator-Token: <controlToken>`. */
function createControlTokenGuard(token: string): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    const alternative = req.headers['x-simulator-token'];
    const provided = bearer ?? (typeof alternative === 'string' ? alternative : undefined);
    if (provided === undefined || !timingSafeEqual(digest(provided), expected)) {
      next(unauthorized('Invalid or missing control token'));
      return;
    }
    next();
  };
}

export function simulatorStateSnapshot(ctx: SimulatorContext): Record<string, unknown> {
  const { options } = ctx;
  return {
    options: {
      host: options.host,
      auth: options.auth,
      production: options.production,
      corsOrigins: options.corsOrigins ?? null,
      gitRepositoryUrl: options.gitRepositoryUrl ?? null,
      rateLimit: { limit: options.rateLimit, ttlSeconds: options.rateLimitTtlSeconds, scope: options.rateLimitScope },
    },
    faults: ctx.faults.current,
    config: { override: ctx.config.currentOverride, effective: ctx.config.response() },
    counts: {
      agents: ctx.state.agents.size,
      environmentVariables: ctx.state.environmentVariables.size,
      deploymentConfigurations: ctx.state.deploymentConfigurations.size,
      agentFilters: ctx.state.agentFilters.size,
      configurationOverrides: ctx.state.configurationOverrides.size,
      connectedSockets: ctx.sockets?.connectedCount ?? 0,
    },
    agents: ctx.state.listAgents(Number.MAX_SAFE_INTEGER, 0).map((agent) => toAgentResponseDto(agent)),
    requests: { total: ctx.stats.total, byStatus: { ...ctx.stats.byStatus } },
  };
}

/** Resets faults and config to the start options, rate-limit counters and request stats; data unless kept. */
export function resetSimulator(ctx: SimulatorContext, keepData: boolean): void {
  ctx.faults.set(ctx.initialFaults);
  ctx.config.setOverride(ctx.initialConfigOverride);
  ctx.throttler.reset();
  ctx.stats.total = 0;
  ctx.stats.byStatus = {};
  if (!keepData) {
    ctx.state.clear();
  }
}

/**
 * The control API (not part of the agent-manager contract):
 *
 * - `GET /_simulator/state`: options, faults, config, counts, agents, request counters.
 * - `GET|POST|DELETE /_simulator/faults`: read, patch (`null` resets a key), clear. `configOverride` in a
 *   patch sets the `/api/config` override.
 * - `GET|POST|DELETE /_simulator/config`: read, replace, clear the `/api/config` override.
 * - `POST /_simulator/reset` `{keepData?: boolean}`: back to the start options (faults, config), rate-limit
 *   counters and stats cleared, agents and variables dropped unless `keepData`.
 */
export function createControlRouter(ctx: SimulatorContext): Router {
  const router = express.Router();
  router.use(createControlTokenGuard(ctx.options.controlToken));
  router.use(express.json());

  router.get(
    '/state',
    wrap((_req, res) => {
      res.json(simulatorStateSnapshot(ctx));
    }),
  );

  router.get(
    '/faults',
    wrap((_req, res) => {
      res.json(ctx.faults.current);
    }),
  );

  router.post(
    '/faults',
    wrap((req, res) => {
      const patch = validateFaultPatch(req.body ?? {});
      if (patch.configOverride !== undefined) {
        ctx.config.setOverride(patch.configOverride);
      }
      const faults = ctx.faults.patch(patch);
      res.json({ ...faults, configOverride: ctx.config.currentOverride });
    }),
  );

  router.delete(
    '/faults',
    wrap((_req, res) => {
      ctx.faults.patch({
        latencyMs: null,
        jitterMs: null,
        status5xx: null,
        failRate: null,
        garbage: null,
        dropConnections: null,
        pathPattern: null,
      });
      res.json(ctx.faults.current);
    }),
  );

  router.get(
    '/config',
    wrap((_req, res) => {
      res.json({ override: ctx.config.currentOverride, effective: ctx.config.response() });
    }),
  );

  router.post(
    '/config',
    wrap((req, res) => {
      if (req.body === undefined) {
        throw badRequest('Send the override as a JSON object');
      }
      ctx.config.setOverride(validateConfigOverride(req.body));
      res.json({ override: ctx.config.currentOverride, effective: ctx.config.response() });
    }),
  );

  router.delete(
    '/config',
    wrap((_req, res) => {
      ctx.config.setOverride(null);
      res.json({ override: null, effective: ctx.config.response() });
    }),
  );

  router.post(
    '/sockets/drop',
    wrap((_req, res) => {
      res.json({ dropped: ctx.sockets?.dropSockets() ?? 0 });
    }),
  );

  router.post(
    '/reset',
    wrap((req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body['keepData'] !== undefined && typeof body['keepData'] !== 'boolean') {
        throw badRequest('keepData must be a boolean');
      }
      resetSimulator(ctx, body['keepData'] === true);
      res.json(simulatorStateSnapshot(ctx));
    }),
  );

  router.use((req, _res, next) => {
    next(notFound(`Cannot ${req.method} ${req.originalUrl}`));
  });
  return router;
}
