import { z } from 'zod';
import { CLIENT_AUTHENTICATION_TYPES, clientFields } from './clients';
import { pagingQueryShape } from './paging';

export const PROVIDER_TYPES = ['hetzner', 'digital-ocean'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const providerSchema = z.object({
  type: z.enum(PROVIDER_TYPES),
  displayName: z.string(),
  configured: z.boolean().describe('Its API token is set (HETZNER_API_TOKEN / DIGITALOCEAN_API_TOKEN)'),
});
export type Provider = z.infer<typeof providerSchema>;

export const providerParamsSchema = z.strictObject({ type: z.enum(PROVIDER_TYPES) });

export const serverTypesQuerySchema = z.strictObject({
  location: z.string().trim().min(1).max(64).optional().describe('Prices and availability for this location'),
});

export const serverTypeSchema = z.object({
  id: z.string().describe('What `serverType` of a provision request takes'),
  name: z.string(),
  cores: z.number(),
  memoryGb: z.number(),
  diskGb: z.number(),
  memory: z.number().describe('The same as `memoryGb` (GB), under the name Agenstra consoles read'),
  disk: z.number().describe('The same as `diskGb` (GB), under the name Agenstra consoles read'),
  priceMonthly: z.number().nullable().describe('In the chosen location (or the cheapest one without a location)'),
  priceHourly: z.number().nullable(),
  currency: z.string(),
  locations: z.array(z.string()),
});
export type ServerType = z.infer<typeof serverTypeSchema>;

export const locationSchema = z.object({
  id: z.string().describe('What `location` of a provision request takes'),
  name: z.string(),
  country: z.string().nullable(),
  city: z.string().nullable(),
});
export type Location = z.infer<typeof locationSchema>;

const secret = z.string().min(1).max(16_384);

export const provisionRequestSchema = z
  .strictObject({
    providerType: z.enum(PROVIDER_TYPES),
    serverType: z.string().trim().min(1).max(64),
    location: z.string().trim().min(1).max(64).optional(),
    name: clientFields.name,
    description: clientFields.description.optional(),
    authenticationType: z.enum(CLIENT_AUTHENTICATION_TYPES),
    apiKey: clientFields.apiKey.optional(),
    keycloakClientId: clientFields.keycloakClientId.optional(),
    keycloakClientSecret: clientFields.keycloakClientSecret.optional(),
    keycloakRealm: clientFields.keycloakRealm.optional(),
    keycloakAuthServerUrl: clientFields.keycloakAuthServerUrl.optional(),
    agentWsPort: clientFields.agentWsPort.optional().describe('Defaults to PROVISIONING_AGENT_WS_PORT'),
    gitRepositoryUrl: z.string().trim().min(1).max(2048).optional(),
    gitUsername: z.string().min(1).max(255).optional(),
    gitToken: secret.optional(),
    gitPassword: secret.optional(),
    gitPrivateKey: secret.optional(),
    cursorApiKey: secret.optional(),
    agentDefaultImage: z.string().trim().min(1).max(512).optional(),
    autoEnrichEnabledGlobal: z
      .union([z.boolean(), z.enum(['true', 'false'])])
      .transform((value) => value === true || value === 'true')
      .optional()
      .describe(
        "The agent-manager's AUTO_ENRICH_ENABLED_GLOBAL on the new server (prompt auto-enrichment on or off): " +
          'true or false, also as the strings "true"/"false" (what Agenstra consoles send)',
      ),
    autoEnrichVectorMaxCosineDistance: z
      .number()
      .min(0)
      .max(2)
      .optional()
      .describe(
        "The agent-manager's AUTO_ENRICH_VECTOR_MAX_COSINE_DISTANCE on the new server: how close (cosine distance, " +
          '0–2) a stored context must be to be added to a prompt',
      ),
  })
  .superRefine((body, context) => {
    if (body.authenticationType === 'keycloak') {
      for (const field of [
        'keycloakClientId',
        'keycloakClientSecret',
        'keycloakRealm',
        'keycloakAuthServerUrl',
      ] as const) {
        if (!body[field])
          context.addIssue({ code: 'custom', path: [field], message: 'required for keycloak authentication' });
      }
      if (body.apiKey !== undefined)
        context.addIssue({ code: 'custom', path: ['apiKey'], message: 'only for api_key authentication' });
    }
  });
export type ProvisionRequest = z.infer<typeof provisionRequestSchema>;

/** The steps of a job, in order. */
export const PROVISIONING_STEPS = [
  'create_server',
  'server_running',
  'agent_manager_healthy',
  'client_registered',
] as const;
export type ProvisioningStepName = (typeof PROVISIONING_STEPS)[number];

export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed'] as const;
export const JOB_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const provisioningStepSchema = z.object({
  name: z.enum(PROVISIONING_STEPS),
  status: z.enum(STEP_STATUSES),
  attempts: z.number().int(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  error: z.string().nullable(),
});
export type ProvisioningStep = z.infer<typeof provisioningStepSchema>;

export const provisioningJobSchema = z.object({
  id: z.uuid(),
  status: z.enum(JOB_STATUSES),
  providerType: z.enum(PROVIDER_TYPES),
  serverType: z.string(),
  location: z.string().nullable(),
  clientName: z.string(),
  steps: z.array(provisioningStepSchema),
  server: z
    .object({ id: z.string(), name: z.string(), ipv4: z.string().nullable() })
    .nullable()
    .describe('Where the cloud server is, once it exists'),
  serverDeleted: z.boolean().describe('The server was deleted again (after a failure)'),
  clientId: z.uuid().nullable(),
  warnings: z.array(z.string()),
  error: z.string().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type ProvisioningJob = z.infer<typeof provisioningJobSchema>;

export const listProvisioningJobsQuerySchema = z.strictObject({
  ...pagingQueryShape,
  status: z.enum(JOB_STATUSES).optional(),
});

export const provisioningInfoSchema = z.object({
  clientId: z.uuid(),
  jobId: z.uuid(),
  providerType: z.enum(PROVIDER_TYPES),
  serverId: z.string(),
  serverName: z.string(),
  serverType: z.string(),
  location: z.string().nullable(),
  ipv4: z.string().nullable(),
  publicIp: z.string().nullable().describe('`ipv4` under the name Agenstra’s console reads'),
  serverStatus: z
    .string()
    .nullable()
    .describe("The server's state at its cloud now (starting, running, failed); null when the cloud cannot say"),
  priceMonthly: z
    .number()
    .nullable()
    .describe("The server type's monthly price at its cloud now (in `location`); null when the cloud cannot say"),
  currency: z.string().nullable().describe('Of `priceMonthly`'),
  provisionedAt: z.iso.datetime(),
});
export type ProvisioningInfo = z.infer<typeof provisioningInfoSchema>;

export const orphanServerSchema = z.object({
  providerType: z.enum(PROVIDER_TYPES),
  serverId: z.string(),
  serverName: z.string(),
  jobId: z.string().nullable().describe('The job named in its labels, if any'),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  deletedAt: z.iso.datetime().nullable(),
});
export type OrphanServer = z.infer<typeof orphanServerSchema>;

/** Pushed over the gateway to the job's owner after every step change. */
export type ProvisioningProgressEvent = ProvisioningJob;
