import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AgentManagerClient, RemoteCallError } from '@agent-controller/agent-manager-client';
import { ClientEntity, ClientProbeFollowUps, toRemoteTarget } from '@agent-controller/clients';
import { DomainError } from '@agent-controller/core';
import { FLEET_AGENTS_PER_CLIENT_MAX } from '@agent-controller/shared-contracts';
import { z } from 'zod';
import { ClientRateLimiter } from '../client-rate-limiter';
import { parseAgentsPage, SnapshotAgent } from './agent-snapshot.parser';
import { AgentSnapshotsRepository } from './agent-snapshots.repository';

/** Agents asked for per request: the remote has no maximum, and big pages keep the calls few. */
export const SNAPSHOT_PAGE_SIZE = 100;

const pageSchema = z.array(z.unknown());

/** What one refresh did: replaced the snapshot, or kept the previous one (and its age) and why. */
export type SnapshotOutcome =
  | { kind: 'replaced'; agents: number; skipped: number; truncated: boolean }
  | { kind: 'kept'; reason: string };

/**
 * Keeps a snapshot of each healthy client's agents: after the prober has found a client healthy, in the prober's
 * lane (so its concurrency cap holds), the remote's `GET /api/agents` is paged through, each page counted against
 * the client's call budget, and the result replaces the stored snapshot. Any failure keeps the previous one.
 */
@Injectable()
export class AgentSnapshotter implements OnModuleInit {
  private readonly logger = new Logger('AgentSnapshotter');

  constructor(
    private readonly followUps: ClientProbeFollowUps,
    private readonly agentManager: AgentManagerClient,
    private readonly rateLimiter: ClientRateLimiter,
    private readonly snapshots: AgentSnapshotsRepository,
  ) {}

  onModuleInit(): void {
    this.followUps.register('Agents snapshot', async (client, signal) => {
      const outcome = await this.refresh(client, signal);
      if (outcome.kind === 'kept') {
        this.logger.warn({ clientId: client.id }, `Kept the agents snapshot of client ${client.id}: ${outcome.reason}`);
      } else if (outcome.skipped > 0 || outcome.truncated) {
        this.logger.warn(
          { clientId: client.id },
          `Agents snapshot of client ${client.id}: ${outcome.agents} agents` +
            (outcome.skipped > 0 ? `, ${outcome.skipped} rows that are not agents left out` : '') +
            (outcome.truncated ? `, the first ${FLEET_AGENTS_PER_CLIENT_MAX} kept (the remote may list more)` : ''),
        );
      }
    });
  }

  async refresh(client: ClientEntity, signal: AbortSignal): Promise<SnapshotOutcome> {
    const at = new Date();
    let fetched: { agents: SnapshotAgent[]; skipped: number; truncated: boolean } | null;
    try {
      fetched = await this.fetchAll(client, signal);
    } catch (error) {
      if (error instanceof RemoteCallError || error instanceof DomainError)
        return { kind: 'kept', reason: error.message };
      throw error;
    }
    if (!fetched) return { kind: 'kept', reason: 'the probe round was stopped' };
    const stored = await this.snapshots.replace(client.id, fetched.agents, at);
    if (!stored) return { kind: 'kept', reason: 'the client was deleted' };
    return { kind: 'replaced', agents: fetched.agents.length, skipped: fetched.skipped, truncated: fetched.truncated };
  }

  /** Every agent up to the cap, newest first as the remote lists them; null when stopped half-way. */
  private async fetchAll(
    client: ClientEntity,
    signal: AbortSignal,
  ): Promise<{ agents: SnapshotAgent[]; skipped: number; truncated: boolean } | null> {
    const target = toRemoteTarget(client);
    // Offset paging may show an agent twice when one is created between pages: the first sighting counts.
    const agents = new Map<string, SnapshotAgent>();
    let skipped = 0;
    for (let offset = 0; offset < FLEET_AGENTS_PER_CLIENT_MAX; offset += SNAPSHOT_PAGE_SIZE) {
      if (signal.aborted) return null;
      await this.rateLimiter.consume(client.id, client.name);
      const { data } = await this.agentManager.call(
        target,
        'GET',
        `/api/agents?limit=${SNAPSHOT_PAGE_SIZE}&offset=${offset}`,
        pageSchema,
      );
      const page = parseAgentsPage(data);
      skipped += page.skipped;
      for (const agent of page.agents) {
        if (!agents.has(agent.agentId) && agents.size < FLEET_AGENTS_PER_CLIENT_MAX) agents.set(agent.agentId, agent);
      }
      // The contract gives no total: a short page is the last one.
      if (page.received < SNAPSHOT_PAGE_SIZE) return { agents: [...agents.values()], skipped, truncated: false };
    }
    return { agents: [...agents.values()], skipped, truncated: true };
  }
}
