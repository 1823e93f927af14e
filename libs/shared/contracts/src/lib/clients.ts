import { z } from 'zod';
import { agentTypeSchema } from './agent-manager';
import { MAX_SELECTOR_LENGTH, parseLabelSelector } from './label-selector';
import { environmentNameSchema, labelKeysSchema, labelsSchema } from './labels';
import { MAX_PAGE_LIMIT, pagingQueryShape } from './paging';
import { API_KEY_MAX_LENGTH, API_KEY_WEAK_BELOW_LENGTH, VISIBLE_ASCII, VISIBLE_ASCII_MESSAGE } from './rules';

export const CLIENT_AUTHENTICATION_TYPES = ['api_key', 'keycloak'] as const;
export type ClientAuthenticationType = (typeof CLIENT_AUTHENTICATION_TYPES)[number];

export const CLIENT_STATUSES = ['active', 'inactive'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

/** `unknown` until the first check. The others carry a human reason. */
export const HEALTH_STATES = ['unknown', 'healthy', 'degraded', 'unreachable', 'auth_failed', 'incompatible'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** The one rule for a credential the controller sends to a remote or to Keycloak (trimmed first if asked). */
export function credentialSchema(maxLength: number, { trim = false } = {}) {
  return (trim ? z.string().trim() : z.string()).min(1).max(maxLength).regex(VISIBLE_ASCII, VISIBLE_ASCII_MESSAGE);
}

const name = z.string().trim().min(1).max(255).describe('Unique, case-insensitively; 1–255 characters, trimmed');
const description = z.string().max(2000).nullable().describe('Up to 2000 characters');
const endpoint = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .describe(
    'Base URL of the remote agent-manager HTTP API, without /api (http or https, no credentials, query or fragment)',
  );
const apiKey = credentialSchema(API_KEY_MAX_LENGTH).describe(
  `The remote agent-manager's API key as the remote knows it: 1–${API_KEY_MAX_LENGTH} visible ASCII characters ` +
    `(0x21–0x7E). A key shorter than ${API_KEY_WEAK_BELOW_LENGTH} characters is accepted but flagged as ` +
    '`weakApiKey`. Generated (43 random characters) when omitted.',
);
const agentWsPort = z.number().int().min(1).max(65535).describe('Port of the remote agents Socket.IO server');
const keycloakClientId = credentialSchema(255, { trim: true }).describe(
  'Visible ASCII (0x21–0x7E), 1–255 characters, trimmed',
);
const keycloakClientSecret = credentialSchema(1024).describe('Visible ASCII (0x21–0x7E), 1–1024 characters');
const keycloakRealm = z.string().trim().min(1).max(255);
const keycloakAuthServerUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .nullable()
  .describe(
    'Keycloak server the token is fetched from (else KEYCLOAK_AUTH_SERVER_URL). Checked like `endpoint` when saved: ' +
      'no credentials, query or fragment, and no internal address unless CLIENT_ENDPOINT_ALLOW_INTERNAL_HOST=true',
  );

const teamIdSchema = z.uuid().nullable();
const KEYCLOAK_REQUIRED = ['keycloakClientId', 'keycloakClientSecret', 'keycloakRealm'] as const;

/** Field schemas a client is made of, shared with the provisioning request that ends in a client. */
export const clientFields = {
  name,
  description,
  apiKey,
  agentWsPort,
  keycloakClientId,
  keycloakClientSecret,
  keycloakRealm,
  keycloakAuthServerUrl,
};

export const createClientRequestSchema = z
  .strictObject({
    name,
    description: description.optional(),
    endpoint,
    authenticationType: z.enum(CLIENT_AUTHENTICATION_TYPES),
    apiKey: apiKey.optional(),
    keycloakClientId: keycloakClientId.optional(),
    keycloakClientSecret: keycloakClientSecret.optional(),
    keycloakRealm: keycloakRealm.optional(),
    keycloakAuthServerUrl: keycloakAuthServerUrl.optional(),
    agentWsPort: agentWsPort.optional().describe("Default: the team's default, else 8080"),
    environment: environmentNameSchema
      .optional()
      .describe('One of the configured environments (CLIENT_ENVIRONMENTS); default: the first of them (production)'),
    labels: labelsSchema.optional().describe("The team's default labels are added (these win)"),
    teamId: teamIdSchema
      .optional()
      .describe('The team the client belongs to (a global admin or an admin of that team may put it there)'),
  })
  .superRefine((body, context) => {
    if (body.authenticationType === 'keycloak') {
      // A team's default realm may stand in for the realm (the service checks there is one).
      const required = body.teamId ? KEYCLOAK_REQUIRED.slice(0, 2) : KEYCLOAK_REQUIRED;
      for (const field of required) {
        if (!body[field])
          context.addIssue({ code: 'custom', path: [field], message: 'required for keycloak authentication' });
      }
      if (body.apiKey !== undefined)
        context.addIssue({ code: 'custom', path: ['apiKey'], message: 'only for api_key authentication' });
    } else {
      for (const field of [
        'keycloakClientId',
        'keycloakClientSecret',
        'keycloakRealm',
        'keycloakAuthServerUrl',
      ] as const) {
        if (body[field] !== undefined)
          context.addIssue({ code: 'custom', path: [field], message: 'only for keycloak authentication' });
      }
    }
  });
export type CreateClientRequest = z.infer<typeof createClientRequestSchema>;

export const updateClientRequestSchema = z
  .strictObject({
    name: name.optional(),
    description: description.optional(),
    endpoint: endpoint.optional(),
    authenticationType: z.enum(CLIENT_AUTHENTICATION_TYPES).optional(),
    apiKey: apiKey.optional(),
    keycloakClientId: keycloakClientId.optional(),
    keycloakClientSecret: keycloakClientSecret.optional(),
    keycloakRealm: keycloakRealm.optional(),
    keycloakAuthServerUrl: keycloakAuthServerUrl.optional(),
    agentWsPort: agentWsPort.optional(),
    environment: environmentNameSchema.optional(),
    labels: labelsSchema.optional().describe('Replaces all labels (`{}` removes them)'),
    teamId: teamIdSchema
      .optional()
      .describe('Moves the client to this team (null: out of its team); needs admin rights on both teams'),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'At least one field must be given' });
export type UpdateClientRequest = z.infer<typeof updateClientRequestSchema>;

export const clientHealthSchema = z.object({
  state: z.enum(HEALTH_STATES),
  reason: z.string().nullable(),
  checkedAt: z.iso.datetime().nullable(),
  lastSeenAt: z.iso.datetime().nullable().describe('Last time the remote answered at all'),
  latencyMs: z.number().int().nullable(),
});
export type ClientHealth = z.infer<typeof clientHealthSchema>;

export const clientConfigSchema = z.object({
  gitRepositoryUrl: z.string().nullable(),
  agentTypes: z.array(agentTypeSchema),
  fetchedAt: z.iso.datetime(),
});
export type ClientConfig = z.infer<typeof clientConfigSchema>;

export const clientSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  endpoint: z.string(),
  authenticationType: z.enum(CLIENT_AUTHENTICATION_TYPES),
  agentWsPort: z.number().int(),
  keycloakClientId: z.string().nullable(),
  keycloakRealm: z.string().nullable(),
  keycloakAuthServerUrl: z.string().nullable(),
  status: z.enum(CLIENT_STATUSES),
  config: clientConfigSchema.nullable(),
  health: clientHealthSchema,
  weakApiKey: z
    .boolean()
    .describe(
      `True when the stored API key is shorter than ${API_KEY_WEAK_BELOW_LENGTH} characters: it works, but is ` +
        'easy to guess; change it on the remote and rotate it here. Always false for keycloak clients.',
    ),
  keyCreatedAt: z.iso.datetime().nullable(),
  keyRotatedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  isAutoProvisioned: z.boolean(),
  environment: z.string().describe('One of the configured environments (CLIENT_ENVIRONMENTS)'),
  labels: z.record(z.string(), z.string()).describe('Key → value, Kubernetes label syntax'),
  teamId: z.uuid().nullable().describe('The team the client belongs to, if any'),
  canManageWorkspaceConfiguration: z
    .boolean()
    .describe(
      'True when the caller may configure this client: create, update and delete its agents, write their ' +
        'environment and configuration files (global admin, creator, client admin). Read by Agenstra consoles too.',
    ),
  createdBy: z
    .uuid()
    .nullable()
    .describe('The user who created the client (its creator); null when it was made with the static API key'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Client = z.infer<typeof clientSchema>;

/** Create and rotate answer with the key once; it is never readable again. */
export const clientWithSecretSchema = clientSchema.extend({
  apiKey: z.string().optional().describe('Returned only here, once'),
});
export type ClientWithSecret = z.infer<typeof clientWithSecretSchema>;

/** Fields `GET /api/clients` sorts by: the name ascending, or `-name` descending. */
export const CLIENT_SORT_FIELDS = ['name', 'health', 'lastSeen', 'latency', 'createdAt'] as const;
export type ClientSortField = (typeof CLIENT_SORT_FIELDS)[number];
export const CLIENT_SORTS = [
  ...CLIENT_SORT_FIELDS,
  ...CLIENT_SORT_FIELDS.map((field) => `-${field}` as const),
] as const satisfies readonly [string, ...string[]];
export type ClientSort = (typeof CLIENT_SORTS)[number];

/** Healthy first, then worse and worse, unknown (never checked) last: what `sort=health` follows. */
export const HEALTH_SORT_ORDER = [
  'healthy',
  'degraded',
  'incompatible',
  'auth_failed',
  'unreachable',
  'unknown',
] as const satisfies readonly HealthState[];

/** A Kubernetes label selector, refused with the parser's explanation (the field is named by the caller). */
export const labelSelectorSchema = z
  .string()
  .max(MAX_SELECTOR_LENGTH)
  .superRefine((selector, context) => {
    const parsed = parseLabelSelector(selector);
    if (!parsed.ok) context.addIssue({ code: 'custom', message: `invalid label selector: ${parsed.error}` });
  })
  .describe(
    'Kubernetes label selector, requirements separated by commas and all required: `k=v` (or `k==v`), `k!=v`, ' +
      '`k in (a,b)`, `k notin (a,b)`, `k` (has the label), `!k` (has not); `!=` and `notin` also match clients ' +
      'without the label. Example: `env=prod,region in (eu,us),!deprecated`',
  );

/** Which clients: the filters of `GET /api/clients`, also what a bulk run may select by instead of ids. */
export const clientFilterShape = {
  search: z.string().trim().max(255).optional().describe('Matches name, description or endpoint (case-insensitive)'),
  status: z.enum(CLIENT_STATUSES).optional(),
  health: z.enum(HEALTH_STATES).optional(),
  environment: environmentNameSchema.optional().describe('Only clients in this (configured) environment'),
  selector: labelSelectorSchema.optional(),
  teamId: z
    .union([z.uuid(), z.literal('none')])
    .optional()
    .describe('Only clients in this team; `none`: only clients in no team'),
};
export const CLIENT_FILTER_FIELDS = ['search', 'status', 'health', 'environment', 'selector', 'teamId'] as const;
export type ClientFilter = { [K in (typeof CLIENT_FILTER_FIELDS)[number]]?: z.infer<(typeof clientFilterShape)[K]> };

export const listClientsQuerySchema = z.strictObject({
  ...pagingQueryShape,
  ...clientFilterShape,
  sort: z
    .enum(CLIENT_SORTS)
    .optional()
    .describe(
      'Order of the list: a field, ascending, or with a leading `-` descending (`-latency`: slowest first). ' +
        '`health` runs from healthy to worst (healthy, degraded, incompatible, auth_failed, unreachable, unknown). ' +
        'Clients without a value (never seen, no latency) come last either way; ties go by id. ' +
        'Without it: newest first (`-createdAt`)',
    ),
});
export type ListClientsQuery = z.infer<typeof listClientsQuerySchema>;

/** A client as overview lists name it: enough to link to it and show its health. */
export const namedClientShape = {
  id: z.uuid(),
  name: z.string(),
  health: z.enum(HEALTH_STATES).describe('The state now'),
};

/** How many recently changed clients and jobs in flight the summary names (their counts are complete). */
export const CLIENTS_SUMMARY_LIST_LIMIT = 10;

export const clientsSummarySchema = z.object({
  total: z.number().int().describe('Clients the caller may see'),
  byHealth: z.record(z.enum(HEALTH_STATES), z.number().int()).describe('Every health state, 0 when none'),
  byStatus: z.record(z.enum(CLIENT_STATUSES), z.number().int()).describe('Every status, 0 when none'),
  healthChanged: z.object({
    since: z.iso.datetime().describe('An hour before the answer'),
    count: z.number().int().describe('Clients whose health state changed since then'),
    clients: z
      .array(
        z.object({
          ...namedClientShape,
          changedAt: z.iso.datetime().describe('The latest change'),
        }),
      )
      .describe(`The ${CLIENTS_SUMMARY_LIST_LIMIT} most recently changed, latest first`),
  }),
  provisioningJobsInFlight: z.object({
    count: z
      .number()
      .int()
      .describe('Running provisioning jobs the caller may see (global admins: all; others: their own)'),
    jobs: z
      .array(z.object({ id: z.uuid(), clientName: z.string(), createdAt: z.iso.datetime() }))
      .describe(`The ${CLIENTS_SUMMARY_LIST_LIMIT} newest`),
  }),
});
export type ClientsSummary = z.infer<typeof clientsSummarySchema>;

export const setClientStatusRequestSchema = z.strictObject({ status: z.enum(CLIENT_STATUSES) });
export type SetClientStatusRequest = z.infer<typeof setClientStatusRequestSchema>;

/**
 * The key is the remote agent-manager's own (its STATIC_API_KEY): the controller cannot change it there, so a
 * rotation stores the key the remote already has, after checking that the remote accepts it.
 */
export const rotateClientKeyRequestSchema = z.strictObject({
  apiKey: apiKey.describe(
    'The key the remote agent-manager now expects (set it there first), 1–512 visible ASCII characters (a short one is flagged `weakApiKey`); checked with the remote before it is stored',
  ),
  force: z
    .boolean()
    .default(false)
    .describe(
      'Store the key even when the remote refuses it or cannot be reached (or the client is inactive); the answer’s health then shows what the remote said',
    ),
});
export type RotateClientKeyRequest = z.infer<typeof rotateClientKeyRequestSchema>;

/** What happens to the cloud server of a provisioned client when the client is deleted. */
export const SERVER_ON_DELETE = ['delete', 'keep'] as const;
export type ServerOnDelete = (typeof SERVER_ON_DELETE)[number];

export const deleteClientQuerySchema = z.strictObject({
  server: z
    .enum(SERVER_ON_DELETE)
    .optional()
    .describe(
      'Only for a client whose remote runs on a cloud server made by provisioning, and then required: `delete` deletes the server at its cloud first, `keep` leaves it running and lists it as an orphan. Accepted and ignored for other clients',
    ),
});
export type DeleteClientQuery = z.infer<typeof deleteClientQuerySchema>;

export const BULK_CLIENT_ACTIONS = [
  'activate',
  'deactivate',
  'delete',
  'verify',
  'set_environment',
  'add_labels',
  'remove_labels',
  'move_to_team',
  'apply_team_defaults',
] as const;
export type BulkClientAction = (typeof BULK_CLIENT_ACTIONS)[number];
export const MAX_BULK_IDS = 500;
/** A run selecting by filters takes at most this many clients; more answers 422 BULK_TOO_MANY_CLIENTS. */
export const MAX_BULK_SELECTED = 5000;

/** Each action's own argument: required for it, refused for the others. */
const BULK_ACTION_ARGUMENTS = {
  targetEnvironment: 'set_environment',
  labels: 'add_labels',
  labelKeys: 'remove_labels',
  targetTeamId: 'move_to_team',
} as const satisfies Record<string, BulkClientAction>;

/** A filter counts when given and not blank: an empty search selects nothing narrower than every client. */
export function hasClientFilter(filter: ClientFilter): boolean {
  return CLIENT_FILTER_FIELDS.some((field) => {
    const value = filter[field];
    return value !== undefined && value.trim() !== '';
  });
}

export const bulkClientRequestSchema = z
  .strictObject({
    action: z
      .enum(BULK_CLIENT_ACTIONS)
      .describe(
        '`apply_team_defaults` gives each client its team’s default agent WebSocket port, Keycloak realm and server ' +
          '(keycloak clients) where the team sets them, and adds the team’s labels; a client in no team is refused',
      ),
    ids: z
      .array(z.uuid())
      .min(1)
      .max(MAX_BULK_IDS)
      .refine((ids) => new Set(ids).size === ids.length, 'ids must be unique')
      .optional()
      .describe(
        `The clients, up to ${MAX_BULK_IDS}; or leave out and select by filters (${CLIENT_FILTER_FIELDS.join(', ')})`,
      ),
    ...clientFilterShape,
    targetEnvironment: environmentNameSchema.optional().describe('set_environment: the environment to put them in'),
    labels: labelsSchema.optional().describe('add_labels: labels to add (a key already there gets the new value)'),
    labelKeys: labelKeysSchema.optional().describe('remove_labels: the keys to remove'),
    targetTeamId: teamIdSchema
      .optional()
      .describe('move_to_team: the team to move them to (null: out of their team); needs admin rights on both teams'),
    server: z
      .enum(SERVER_ON_DELETE)
      .optional()
      .describe(
        'delete: what happens to the cloud servers of provisioned clients, as `DELETE /api/clients/:id?server=` does ' +
          '(`delete`: at their cloud first, a cloud failure keeps that client; `keep`: listed as orphans). Without ' +
          'it such clients are left alone and reported as `CLIENT_HAS_SERVER`',
      ),
    dryRun: z.boolean().default(false),
  })
  .superRefine((body, context) => {
    if (body.server !== undefined && body.action !== 'delete') {
      context.addIssue({ code: 'custom', path: ['server'], message: 'only for action delete' });
    }
    const filtered = hasClientFilter(body);
    if (body.ids !== undefined && filtered) {
      context.addIssue({
        code: 'custom',
        path: ['ids'],
        message: `give either ids or filters (${CLIENT_FILTER_FIELDS.join(', ')}), not both`,
      });
    }
    if (body.ids === undefined && !filtered) {
      context.addIssue({
        code: 'custom',
        path: ['ids'],
        message: `required unless the clients are selected by filters (${CLIENT_FILTER_FIELDS.join(', ')})`,
      });
    }
    for (const [argument, action] of Object.entries(BULK_ACTION_ARGUMENTS)) {
      const given = body[argument as keyof typeof BULK_ACTION_ARGUMENTS] !== undefined;
      if (body.action === action && !given) {
        context.addIssue({ code: 'custom', path: [argument], message: `required for action ${action}` });
      }
      if (body.action !== action && given) {
        context.addIssue({ code: 'custom', path: [argument], message: `only for action ${action}` });
      }
    }
    if (body.action === 'add_labels' && body.labels && Object.keys(body.labels).length === 0) {
      context.addIssue({ code: 'custom', path: ['labels'], message: 'name at least one label to add' });
    }
  });
export type BulkClientRequest = z.infer<typeof bulkClientRequestSchema>;

export const bulkClientResultSchema = z.object({
  id: z.uuid(),
  result: z.string().describe('ok, not_found, forbidden, or an error code'),
  message: z.string().optional(),
  health: clientHealthSchema.optional(),
});
export const bulkClientResponseSchema = z.object({
  action: z.enum(BULK_CLIENT_ACTIONS),
  dryRun: z.boolean(),
  results: z.array(bulkClientResultSchema),
});
export type BulkClientResponse = z.infer<typeof bulkClientResponseSchema>;

export const clientHealthEventSchema = z.object({
  id: z.uuid(),
  from: z.enum(HEALTH_STATES),
  to: z.enum(HEALTH_STATES),
  reason: z.string().nullable(),
  at: z.iso.datetime(),
});
export type ClientHealthEvent = z.infer<typeof clientHealthEventSchema>;

export const verifyClientResponseSchema = z.object({
  health: clientHealthSchema,
  config: clientConfigSchema.nullable(),
});

/** Hourly cells of a client's health strip: the last 24 clock hours, the current (partial) hour last. */
export const HEALTH_STRIP_HOURS = 24;

/**
 * How bad a state is when an hour saw several: the strip colours the hour by its worst. `unknown` (not checked
 * yet) says nothing, so an hour in which a new client was added and found healthy reads healthy.
 */
export const HEALTH_SEVERITY: Record<HealthState, number> = {
  unknown: 0,
  healthy: 1,
  degraded: 2,
  incompatible: 3,
  auth_failed: 4,
  unreachable: 5,
};

export const clientHealthStripsQuerySchema = z.strictObject({
  ids: z
    .string()
    .max(MAX_PAGE_LIMIT * 37)
    .transform((value) => [...new Set(value.split(',').map((id) => id.trim()))])
    .pipe(z.array(z.uuid()).min(1).max(MAX_PAGE_LIMIT))
    .describe(`Comma-separated client ids, 1–${MAX_PAGE_LIMIT} (a page of the clients list); repeats count once`),
});
export type ClientHealthStripsQuery = z.infer<typeof clientHealthStripsQuerySchema>;

export const clientHealthStripsSchema = z.object({
  from: z.iso.datetime().describe('Start of the first hour (a clock hour, UTC)'),
  hours: z.number().int().describe(`Cells per strip (${HEALTH_STRIP_HOURS}), one per hour, oldest first`),
  strips: z
    .array(
      z.object({
        id: z.uuid(),
        hours: z
          .array(z.enum(HEALTH_STATES).nullable())
          .describe('The worst state of each hour; null for hours before the client was added'),
      }),
    )
    .describe('One per requested client the caller may see, in the order asked; others are left out'),
});
export type ClientHealthStrips = z.infer<typeof clientHealthStripsSchema>;
