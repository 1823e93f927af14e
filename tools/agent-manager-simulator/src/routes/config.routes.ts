import type { Router } from 'express';

import type { SimulatorContext } from '../context';

import { defineRoute } from './route-helpers';

/** `GET /api/config` → `{gitRepositoryUrl?, agentTypes}` (see `ConfigStore` for runtime overrides). */
export function registerConfigRoutes(router: Router, ctx: SimulatorContext): void {
  defineRoute(router, ctx, 'get', '/config', 'ConfigController.getConfig', (_req, res) => {
    res.json(ctx.config.response());
  });
}
