import { z } from 'zod';

/** Request bodies the controller checks before forwarding them to a remote (contract §5). */
const deploymentConfiguration = z.strictObject({
  providerType: z.string().min(1).max(50),
  repositoryId: z.string().min(1).max(500),
  defaultBranch: z.string().max(255).optional(),
  workflowId: z.string().max(255).optional(),
  providerToken: z.string().min(1).max(4096),
  providerBaseUrl: z.url().optional(),
});

export const createAgentRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(255),
  description: z.string().max(2000).optional(),
  agentType: z.string().min(1).max(50).optional(),
  containerType: z.enum(['generic', 'docker', 'terraform', 'kubernetes']).optional(),
  gitRepositoryUrl: z.string().min(1).max(2048).optional(),
  createVirtualWorkspace: z.boolean().optional(),
  createSshConnection: z.boolean().optional(),
  deploymentConfiguration: deploymentConfiguration.optional(),
});
export type CreateAgentRequest = z.infer<typeof createAgentRequestSchema>;

export const updateAgentRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(255).optional(),
    description: z.string().max(2000).nullable().optional().describe('null: no description'),
    agentType: z.string().min(1).max(50).optional(),
    containerType: z.enum(['generic', 'docker', 'terraform', 'kubernetes']).optional(),
    deploymentConfiguration: deploymentConfiguration.partial().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'At least one field must be given' });
export type UpdateAgentRequest = z.infer<typeof updateAgentRequestSchema>;

export const storeAgentCredentialsRequestSchema = z.strictObject({
  password: z.string().min(1).max(512).describe("The agent's password, as the remote issued it at creation"),
});

export const agentParamsSchema = z.strictObject({ id: z.uuid(), agentId: z.uuid() });

export const listAgentsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(0).max(1000).default(10),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/**
 * `AgentResponseDto` of the contract, checked loosely: the remote may add fields. They are accepted, not copied
 * (the proxy relays the remote's own text): zod's `looseObject` copies each one, ten times slower on a long list.
 */
export const remoteAgentSchema = z.object({
  id: z.string(),
  name: z.string(),
  agentType: z.string().optional(),
  createdAt: z.string().optional(),
});
export type RemoteAgent = z.infer<typeof remoteAgentSchema>;

export const environmentVariableRequestSchema = z.strictObject({
  // The remote judges names (it accepts `my-var`); only what cannot be one line of an env file is refused here.
  variable: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\s=\p{Cc}]+$/u, 'must be a name without spaces, "=" or control characters'),
  content: z.string().max(65_536),
});

export const environmentParamsSchema = z.strictObject({ id: z.uuid(), agentId: z.uuid(), envVarId: z.uuid() });

export const listEnvironmentQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(0).max(1000).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const filePathSegment = z
  .string()
  .min(1)
  .max(255)
  .refine(
    (segment) => segment !== '..' && segment !== '.' && !segment.includes('\0'),
    'must not be ".", ".." or contain NUL',
  );

/** `files/*path`: Express gives the wildcard as segments. */
export const agentFileParamsSchema = z.strictObject({
  id: z.uuid(),
  agentId: z.uuid(),
  path: z.union([z.array(filePathSegment).min(1).max(64), filePathSegment.transform((segment) => [segment])]),
});

export const FILE_CONTEXTS = ['app', 'config'] as const;

export const fileContextQuerySchema = z.strictObject({ context: z.enum(FILE_CONTEXTS).default('app') });

export const listFilesQuerySchema = z.strictObject({
  path: z.string().max(4096).optional(),
  context: z.enum(FILE_CONTEXTS).default('app'),
});

export const writeFileRequestSchema = z.strictObject({
  content: z
    .string()
    .max(10 * 1024 * 1024)
    .describe('base64 (or text with encoding utf-8)'),
  encoding: z.enum(['utf-8', 'base64']).optional(),
});

export const createFileRequestSchema = z.strictObject({
  type: z.enum(['file', 'directory']),
  content: z
    .string()
    .max(10 * 1024 * 1024)
    .optional(),
});

export const moveFileRequestSchema = z.strictObject({ destination: z.string().min(1).max(4096) });

const branchName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\w./-]+$/, 'must be a plain branch name')
  .refine((name) => !name.includes('..') && !name.startsWith('-'), 'must be a plain branch name');

export const vcsFilesRequestSchema = z.strictObject({
  files: z.array(z.string().min(1).max(4096)).max(10_000).optional(),
});
export const vcsCommitRequestSchema = z.strictObject({ message: z.string().trim().min(1).max(10_000) });
export const vcsPushRequestSchema = z.strictObject({ force: z.boolean().optional() });
export const vcsPrepareCleanRequestSchema = z.strictObject({ baseBranch: branchName });
export const vcsRebaseRequestSchema = z.strictObject({ branch: branchName });
export const vcsCreateBranchRequestSchema = z.strictObject({
  name: branchName,
  useConventionalPrefix: z.boolean().optional(),
  conventionalType: z.string().min(1).max(50).optional(),
  baseBranch: branchName.optional(),
});
export const vcsResolveConflictRequestSchema = z.strictObject({
  path: z.string().min(1).max(4096),
  strategy: z.enum(['yours', 'mine', 'both']),
});
export const vcsDiffQuerySchema = z.strictObject({ path: z.string().min(1).max(4096) });
export const vcsBranchParamsSchema = z.strictObject({ id: z.uuid(), agentId: z.uuid(), branch: branchName });

export const verifyCommandsRequestSchema = z.strictObject({
  commands: z
    .array(z.strictObject({ cmd: z.string().min(1).max(10_000), cwd: z.string().max(4096).optional() }))
    .min(1)
    .max(32),
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
});

// Provider ids: numeric, or `owner/repo` style names (sent on URL-encoded).
const providerId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.:@/-]+$/, 'must be a provider id (letters, digits, . : @ / _ -)')
  .refine((id) => !id.split('/').includes('..'), 'must not contain ".." segments');

export const deploymentConfigurationRequestSchema = deploymentConfiguration
  .extend({
    providerType: z.string().min(1).max(50).optional().describe('Required when creating; left out when updating'),
    providerToken: z
      .string()
      .max(4096)
      .optional()
      .transform((token) => token || undefined)
      .describe(
        'Required with `providerType` (creating). Left out or blank when updating: the stored token is kept ' +
          '(what Agenstra consoles send when the field is left empty)',
      ),
  })
  .superRefine((body, context) => {
    if (body.providerType !== undefined && body.providerToken === undefined) {
      context.addIssue({ code: 'custom', path: ['providerToken'], message: 'required with providerType' });
    }
  });
export const deploymentRepositoryParamsSchema = z.strictObject({
  id: z.uuid(),
  agentId: z.uuid(),
  repositoryId: providerId,
});
export const deploymentRunParamsSchema = z.strictObject({ id: z.uuid(), agentId: z.uuid(), runId: providerId });
export const deploymentJobParamsSchema = z.strictObject({
  id: z.uuid(),
  agentId: z.uuid(),
  runId: providerId,
  jobId: providerId,
});
export const workflowsQuerySchema = z.strictObject({ branch: z.string().min(1).max(255).optional() });
export const triggerWorkflowRequestSchema = z.strictObject({
  workflowId: providerId,
  ref: z.string().min(1).max(255),
  inputs: z.record(z.string().max(100), z.string().max(10_000)).optional(),
});
export const listRunsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(0).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
