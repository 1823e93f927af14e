/**
 * The metric label for a proxied call: a fixed set of names, so agent ids, file paths and query strings never
 * become labels (each distinct label value is a new Prometheus series).
 */
export const PROXY_ROUTE_GROUPS = [
  'config',
  'agents',
  'lifecycle',
  'models',
  'environment',
  'files',
  'vcs',
  'automation',
  'deployments',
  'filters',
  'configuration',
  'other',
] as const;
export type ProxyRouteGroup = (typeof PROXY_ROUTE_GROUPS)[number];

const TOP_LEVEL = new Map<string, ProxyRouteGroup>([
  ['config', 'config'],
  ['agents', 'agents'],
  ['agents-filters', 'filters'],
  ['configuration-overrides', 'configuration'],
]);

/** What follows `/agents/:id/`; an agent itself (`/agents/:id`) is in `agents`. */
const AGENT_PARTS = new Map<string, ProxyRouteGroup>([
  ['start', 'lifecycle'],
  ['stop', 'lifecycle'],
  ['restart', 'lifecycle'],
  ['models', 'models'],
  ['environment', 'environment'],
  ['files', 'files'],
  ['vcs', 'vcs'],
  ['automation', 'automation'],
  ['deployments', 'deployments'],
]);

/** The group of a path as `RemoteAgentsService.forward` receives it (below the remote's `/api`, query allowed). */
export function proxyRouteGroup(path: string): ProxyRouteGroup {
  const [first = '', , part] = path
    .split(/[?#]/, 1)[0]
    .split('/')
    .filter((segment) => segment !== '');
  if (first === 'agents' && part !== undefined) return AGENT_PARTS.get(part) ?? 'other';
  return TOP_LEVEL.get(first) ?? 'other';
}
