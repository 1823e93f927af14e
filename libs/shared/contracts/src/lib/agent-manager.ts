import { z } from 'zod';

/**
 * Shapes the remote agent-manager sends (../shared/contracts/agent-manager.md). Parsed leniently where the
 * contract says fields may be missing, strictly where the controller depends on them.
 */
export const remoteHealthSchema = z.object({ status: z.literal('ok'), timestamp: z.number().optional() });

export const agentTypeSchema = z.object({ type: z.string().min(1), displayName: z.string() });
export type AgentType = z.infer<typeof agentTypeSchema>;

export const remoteConfigSchema = z.object({
  gitRepositoryUrl: z.string().optional(),
  agentTypes: z.array(agentTypeSchema),
});
export type RemoteConfig = z.infer<typeof remoteConfigSchema>;
