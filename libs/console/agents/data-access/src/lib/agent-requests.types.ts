import type {
  createFileRequestSchema,
  environmentVariableRequestSchema,
  moveFileRequestSchema,
  triggerWorkflowRequestSchema,
  vcsCommitRequestSchema,
  vcsCreateBranchRequestSchema,
  vcsResolveConflictRequestSchema,
  deploymentConfigurationRequestSchema,
  verifyCommandsRequestSchema,
  writeFileRequestSchema,
} from '@agent-controller/shared-contracts';
import type { z } from 'zod';

/** Request bodies of the detail routes, inferred from the schemas the controller validates them with. */
export type EnvironmentVariableRequest = z.infer<typeof environmentVariableRequestSchema>;
export type WriteFileRequest = z.infer<typeof writeFileRequestSchema>;
export type CreateFileRequest = z.infer<typeof createFileRequestSchema>;
export type MoveFileRequest = z.infer<typeof moveFileRequestSchema>;
export type VcsCommitRequest = z.infer<typeof vcsCommitRequestSchema>;
export type VcsCreateBranchRequest = z.infer<typeof vcsCreateBranchRequestSchema>;
export type VcsResolveConflictRequest = z.infer<typeof vcsResolveConflictRequestSchema>;
export type ConflictStrategy = VcsResolveConflictRequest['strategy'];
export type VerifyCommandsRequest = z.infer<typeof verifyCommandsRequestSchema>;
export type DeploymentConfigurationRequest = z.infer<typeof deploymentConfigurationRequestSchema>;
export type TriggerWorkflowRequest = z.infer<typeof triggerWorkflowRequestSchema>;
