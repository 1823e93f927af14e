import { Injectable, Logger } from '@nestjs/common';
import { AgentSnapshotsRepository } from './agent-snapshots.repository';

/** A state already stored is written again only after this long, to keep its time recent without a write per 5 s. */
const REWRITE_AFTER_MS = 60_000;
const MAX_REMEMBERED = 10_000;

/**
 * The running state of agents, as remotes report it in `containerStats` over the gateway's links (the only place
 * the contract reports it). Stored in the agents snapshot; a change is written at once, an unchanged state once a
 * minute.
 */
@Injectable()
export class AgentRunningStates {
  private readonly logger = new Logger('AgentRunningStates');
  private readonly written = new Map<string, { running: boolean; at: number }>();

  constructor(private readonly snapshots: AgentSnapshotsRepository) {}

  report(clientId: string, agentId: string, running: boolean): void {
    const key = `${clientId}|${agentId}`;
    const now = Date.now();
    const last = this.written.get(key);
    if (last && last.running === running && now - last.at < REWRITE_AFTER_MS) return;
    if (!last && this.written.size >= MAX_REMEMBERED) this.written.clear();
    this.written.set(key, { running, at: now });
    this.snapshots.recordRunning(clientId, agentId, running, new Date(now)).catch((error: unknown) => {
      this.written.delete(key);
      this.logger.warn({ err: error, clientId, agentId }, 'Could not store the running state of an agent');
    });
  }
}
