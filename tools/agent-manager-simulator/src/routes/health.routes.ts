import type { Router } from 'express';

import type { SimulatorContext } from '../context';

import { defineRoute } from './route-helpers';

/** `GET /api/health` → `{"status":"ok","timestamp":<epoch ms>}`: no auth, not rate limited (faults apply). */
export function registerHealthRoutes(router: Router, ctx: SimulatorContext): void {
  defineRoute(
    router,
    ctx,
    'get',
    '/health',
    'HealthController.check',
    (_req, res) => {
      res.json({ status: 'ok', timestamp: Date.now() });
    },
    { public: true, skipThrottle: true },
  );
}
