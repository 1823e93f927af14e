import { z } from 'zod';

/** An agent as the snapshot keeps it, taken from the remote's `AgentResponseDto`. */
export interface SnapshotAgent {
  agentId: string;
  name: string;
  description: string | null;
  agentType: string | null;
  containerType: string | null;
  remoteCreatedAt: Date | null;
}

/** The parts of a page the snapshot uses; anything else the remote sends is ignored. */
const remoteAgentRowSchema = z.object({
  id: z.uuid(),
  name: z.string().trim().min(1).max(255),
  description: z.string().nullish(),
  agentType: z.string().min(1).max(50).nullish(),
  containerType: z.string().min(1).max(50).nullish(),
  createdAt: z.string().max(64).nullish(),
});

/** Descriptions are for display; a longer one is cut rather than costing the agent its place in the list. */
export const SNAPSHOT_DESCRIPTION_MAX = 2000;

export interface ParsedAgentsPage {
  agents: SnapshotAgent[];
  /** Rows the remote sent, valid or not: a page shorter than asked for is the last one. */
  received: number;
  /** Rows that were not agents (no uuid id, no name, wrong types): left out, counted for the log. */
  skipped: number;
}

function toDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * One page of the remote's `GET /api/agents` (already checked to be a JSON array). A remote answering garbage in
 * some rows loses those rows only; the caller decides what a page that is not an array means.
 */
export function parseAgentsPage(rows: readonly unknown[]): ParsedAgentsPage {
  const agents: SnapshotAgent[] = [];
  let skipped = 0;
  for (const row of rows) {
    const parsed = remoteAgentRowSchema.safeParse(row);
    if (!parsed.success) {
      skipped++;
      continue;
    }
    const agent = parsed.data;
    agents.push({
      agentId: agent.id.toLowerCase(),
      name: agent.name,
      description: agent.description ? agent.description.slice(0, SNAPSHOT_DESCRIPTION_MAX) : null,
      agentType: agent.agentType ?? null,
      containerType: agent.containerType ?? null,
      remoteCreatedAt: toDate(agent.createdAt),
    });
  }
  return { agents, received: rows.length, skipped };
}

/**
 * `containerStats` as relayed from the remote's socket (`{success, data: {status: {running}}}`, contract §6): the
 * running flag, or undefined for anything else.
 */
export function runningFromContainerStats(payload: unknown): boolean | undefined {
  const parsed = containerStatsSchema.safeParse(payload);
  return parsed.success ? parsed.data.data.status.running : undefined;
}

const containerStatsSchema = z.object({
  success: z.literal(true),
  data: z.object({ status: z.object({ running: z.boolean() }) }),
});
