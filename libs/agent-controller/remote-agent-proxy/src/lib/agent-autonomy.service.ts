import { Injectable } from '@nestjs/common';
import { ClientAccess } from '@agent-controller/clients';
import { DomainError, RequestPrincipal } from '@agent-controller/core';

/**
 * Agenstra's console asks every client for per-agent "autonomy" settings: limits for Agenstra's autonomous ticket
 * runs (its ticket board and run scheduler), which this controller does not have. Storing settings nothing acts
 * on would mislead, so the routes answer as Agenstra does for an agent without settings: no agent enabled, and
 * "no settings" (404, which its console shows as the defaults). Saving is refused as not supported (501).
 * Every answer follows the client's permissions first: an invisible client is 404, saving needs `configure`.
 */
@Injectable()
export class AgentAutonomyService {
  constructor(private readonly access: ClientAccess) {}

  async listEnabledAgentIds(principal: RequestPrincipal, clientId: string): Promise<{ agentIds: string[] }> {
    await this.access.authorize(principal, clientId, 'read');
    return { agentIds: [] };
  }

  async getSettings(principal: RequestPrincipal, clientId: string, agentId: string): Promise<never> {
    await this.access.authorize(principal, clientId, 'read');
    throw new DomainError(
      'NOT_FOUND',
      `Agent ${agentId} has no autonomy settings: this controller does not run autonomous ticket work`,
    );
  }

  async saveSettings(principal: RequestPrincipal, clientId: string): Promise<never> {
    await this.access.authorize(principal, clientId, 'configure');
    throw new DomainError(
      'NOT_SUPPORTED',
      'Autonomy settings are not supported: this controller does not run autonomous ticket work',
    );
  }
}
