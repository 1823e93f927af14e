import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The controller's own registry (not prom-client's global one), with the standard process and Node.js
 * metrics; tests make independent registries with `new Registry()`.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
