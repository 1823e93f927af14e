import { Injectable } from '@nestjs/common';
import { AgentManagerClient } from '@agent-controller/agent-manager-client';
import { ClientAction, clientInactive, ClientsService, toRemoteTarget } from '@agent-controller/clients';
import { DomainError, RequestPrincipal } from '@agent-controller/core';
import { remoteAgentSchema } from '@agent-controller/shared-contracts';
import { AgentCredentialsRepository } from './agent-credentials.repository';
import { ClientRateLimiter } from './client-rate-limiter';
import { LastUsedTracker } from './last-used.tracker';

export interface ProxiedResponse {
  status: number;
  body: unknown;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Agent operations on a remote agent-manager, on behalf of a caller: the permission policy decides, the
 * client must be active, and the remote's answer is passed on as it was sent.
 */
@Injectable()
export class RemoteAgentsService {
  constructor(
    private readonly clients: ClientsService,
    private readonly agentManager: AgentManagerClient,
    private readonly credentials: AgentCredentialsRepository,
    private readonly lastUsed: LastUsedTracker,
    private readonly rateLimiter: ClientRateLimiter,
  ) {}

  /** Sends one request to the client's remote (path below `/api`) after checking `action` for the caller. */
  async forward(
    principal: RequestPrincipal,
    clientId: string,
    action: ClientAction,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ProxiedResponse> {
    const client = await this.clients.authorizeClient(principal, clientId, action, { withSecrets: true });
    if (client.status === 'inactive') {
      throw clientInactive(client);
    }
    await this.rateLimiter.consume(client.id, client.name);
    try {
      const response = await this.agentManager.send(toRemoteTarget(client), method, `/api${path}`, { body });
      return { status: response.status, body: parseBody(response.body) };
    } finally {
      this.lastUsed.markUsed(clientId);
    }
  }

  /** Creates an agent; its one-time password is returned to the caller once and kept (encrypted) for the gateway. */
  async createAgent(principal: RequestPrincipal, clientId: string, body: unknown): Promise<ProxiedResponse> {
    const response = await this.forward(principal, clientId, 'configure', 'POST', '/agents', body);
    const created = remoteAgentSchema.extend({ password: remoteAgentSchema.shape.name }).safeParse(response.body);
    if (!created.success) {
      throw new DomainError(
        'REMOTE_INCOMPATIBLE',
        'The remote created an agent but did not return its id and password',
      );
    }
    await this.credentials.upsert(clientId, created.data.id, created.data.password);
    return response;
  }

  async deleteAgent(principal: RequestPrincipal, clientId: string, agentId: string): Promise<ProxiedResponse> {
    const response = await this.forward(principal, clientId, 'configure', 'DELETE', `/agents/${agentId}`);
    await this.credentials.delete(clientId, agentId);
    return response;
  }

  /** For agents created elsewhere: stores the password the gateway will log in with. */
  async storeAgentCredentials(
    principal: RequestPrincipal,
    clientId: string,
    agentId: string,
    password: string,
  ): Promise<void> {
    await this.clients.authorizeClient(principal, clientId, 'manage');
    await this.credentials.upsert(clientId, agentId, password);
  }
}
