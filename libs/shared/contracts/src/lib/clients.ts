import { z } from 'zod';
import { agentTypeSchema } from './agent-manager';
import { pagingQueryShape } from './paging';

export const CLIENT_AUTHENTICATION_TYPES = ['api_key', 'keycloak'] as const;
export type ClientAuthenticationType = (typeof CLIENT_AUTHENTICATION_TYPES)[number];

export const CLIENT_STATUSES = ['active', 'inactive'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

/** `unknown` until the first check. The others carry a human reason. */
export const HEALTH_STATES = ['unknown', 'healthy', 'degraded', 'unreachable', 'auth_failed', 'incompatible'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export const API_KEY_MAX_LENGTH = 512;
/** A remote's key shorter than this is accepted (the remote chose it) but flagged as weak (`weakApiKey`). */
export const API_KEY_WEAK_BELOW_LENGTH = 16;

/** True for a key short enough to be guessed; generated keys (43 characters) never are. */
export function isWeakApiKey(apiKey: string | null | undefined): boolean {
  return typeof apiKey === 'string' && apiKey.length < API_KEY_WEAK_BELOW_LENGTH;
}

/**
 * Visible ASCII (0x21–0x7E): what an HTTP header (`Authorization: Bearer …`) carries unchanged. Emoji, other
 * non-ASCII, control characters and spaces would make every call to the remote fail, so they are refused here.
 */
const VISIBLE_ASCII = /^[\x21-\x7E]*$/;
const VISIBLE_ASCII_MESSAGE =
  'must be visible ASCII characters (0x21–0x7E): no spaces, control characters or non-ASCII';

/** True for a non-empty value of visible ASCII only: one a request header carries as it is. */
export function isVisibleAscii(value: string): boolean {
  return value.length > 0 && VISIBLE_ASCII.test(value);
}

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
    agentWsPort: agentWsPort.default(8080),
  })
  .superRefine((body, context) => {
    if (body.authenticationType === 'keycloak') {
      for (const field of ['keycloakClientId', 'keycloakClientSecret', 'keycloakRealm'] as const) {
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

export const listClientsQuerySchema = z.strictObject({
  ...pagingQueryShape,
  search: z.string().trim().max(255).optional().describe('Matches name, description or endpoint (case-insensitive)'),
  status: z.enum(CLIENT_STATUSES).optional(),
  health: z.enum(HEALTH_STATES).optional(),
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
          id: z.uuid(),
          name: z.string(),
          health: z.enum(HEALTH_STATES).describe('The state now'),
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

export const BULK_CLIENT_ACTIONS = ['activate', 'deactivate', 'delete', 'verify'] as const;
export const MAX_BULK_IDS = 500;

export const bulkClientRequestSchema = z.strictObject({
  action: z.enum(BULK_CLIENT_ACTIONS),
  ids: z
    .array(z.uuid())
    .min(1)
    .max(MAX_BULK_IDS)
    .refine((ids) => new Set(ids).size === ids.length, 'ids must be unique'),
  dryRun: z.boolean().default(false),
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
