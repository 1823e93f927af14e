/**
 * The controller's REST paths, built in one place for its callers (the console; scripts may use them too). Ids
 * are encoded here, so no caller splices raw text into a path. `api-paths.spec.ts` checks every path against the
 * committed OpenAPI document, which is generated from the backend's controllers: a route renamed there fails that
 * test instead of a console call at run time.
 */
const at = (...segments: string[]): string => `/api/${segments.map(encodeURIComponent).join('/')}`;

const client = (id: string) => at('clients', id);
const agent = (clientId: string, agentId: string) => at('clients', clientId, 'agents', agentId);

export const apiPaths = {
  auth: {
    config: at('auth', 'config'),
    setup: at('auth', 'setup'),
    login: at('auth', 'login'),
    password: at('auth', 'password'),
    me: at('auth', 'me'),
  },
  users: {
    list: at('users'),
    one: (id: string) => at('users', id),
    lock: (id: string) => at('users', id, 'lock'),
    unlock: (id: string) => at('users', id, 'unlock'),
  },
  audit: at('audit'),
  clients: {
    list: at('clients'),
    bulk: at('clients', 'bulk'),
    summary: at('clients', 'summary'),
    topUsage: at('clients', 'usage', 'top'),
    healthStrips: at('clients', 'health', 'strips'),
    one: client,
    verify: (id: string) => `${client(id)}/verify`,
    rotateKey: (id: string) => `${client(id)}/rotate-key`,
    status: (id: string) => `${client(id)}/status`,
    healthHistory: (id: string) => `${client(id)}/health/history`,
    usage: (id: string) => `${client(id)}/usage`,
    provisioningInfo: (id: string) => `${client(id)}/provisioning/info`,
    users: (id: string) => `${client(id)}/users`,
    user: (id: string, relationshipId: string) => `${client(id)}/users/${encodeURIComponent(relationshipId)}`,
  },
  agents: {
    /** Every agent of the fleet the caller may see (the snapshot), and their types. */
    fleet: at('agents'),
    fleetTypes: at('agents', 'types'),
    /** One client's agents, proxied to its remote. */
    list: (clientId: string) => `${client(clientId)}/agents`,
    /** The prefix of every route of one agent (`/start`, `/credentials`, `/environment`, `/files/…`, `/vcs/…`). */
    one: agent,
  },
  tokens: {
    list: at('tokens'),
    one: (id: string) => at('tokens', id),
  },
  teams: {
    list: at('teams'),
    one: (id: string) => at('teams', id),
    members: (id: string) => at('teams', id, 'members'),
    member: (id: string, membershipId: string) => at('teams', id, 'members', membershipId),
  },
  webhooks: {
    list: at('webhooks'),
    one: (id: string) => at('webhooks', id),
    test: (id: string) => at('webhooks', id, 'test'),
    deliveries: (id: string) => at('webhooks', id, 'deliveries'),
    redeliver: (id: string, deliveryId: string) => at('webhooks', id, 'deliveries', deliveryId, 'redeliver'),
  },
  provisioning: {
    providers: at('clients', 'provisioning', 'providers'),
    locations: (type: string) => at('clients', 'provisioning', 'providers', type, 'locations'),
    serverTypes: (type: string) => at('clients', 'provisioning', 'providers', type, 'server-types'),
    provision: at('clients', 'provisioning', 'provision'),
    jobs: at('provisioning', 'jobs'),
    job: (id: string) => at('provisioning', 'jobs', id),
    orphans: at('provisioning', 'orphans'),
  },
} as const;
