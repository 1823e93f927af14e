import { z } from 'zod';
import { pagingQueryShape } from './paging';

/** Agents fetched from one remote per snapshot, at most: newest first, as the remote lists them. */
export const FLEET_AGENTS_PER_CLIENT_MAX = 500;

export const listFleetAgentsQuerySchema = z.strictObject({
  ...pagingQueryShape,
  search: z
    .string()
    .trim()
    .max(255)
    .optional()
    .describe("Matches the agent's name or description or its client's name (case-insensitive)"),
  clientId: z.uuid().optional().describe('Only the agents of this client'),
  agentType: z.string().trim().min(1).max(50).optional().describe('Only agents of this type, e.g. `cursor`'),
});
export type ListFleetAgentsQuery = z.infer<typeof listFleetAgentsQuerySchema>;

export const fleetAgentSchema = z.object({
  id: z.uuid().describe("The agent's id on its remote"),
  name: z.string(),
  description: z.string().nullable(),
  agentType: z.string().nullable(),
  containerType: z.string().nullable(),
  running: z
    .boolean()
    .nullable()
    .describe(
      "Whether the agent's container runs, as the remote last reported it (its `containerStats`, heard while " +
        "someone had the agent open in the console); null when never reported: the remote's HTTP API does not say",
    ),
  stateReportedAt: z.iso.datetime().nullable().describe('When `running` was reported'),
  createdAt: z.iso.datetime().nullable().describe('When the remote created the agent, as it says'),
  client: z.object({ id: z.uuid(), name: z.string() }),
  snapshotAt: z.iso
    .datetime()
    .describe("When this client's agents were last fetched; an old time means its remote has not answered since"),
});
export type FleetAgent = z.infer<typeof fleetAgentSchema>;

export const fleetAgentTypeSchema = z.object({
  agentType: z.string(),
  count: z.number().int().describe('Agents of this type the caller may see'),
});
export type FleetAgentType = z.infer<typeof fleetAgentTypeSchema>;
