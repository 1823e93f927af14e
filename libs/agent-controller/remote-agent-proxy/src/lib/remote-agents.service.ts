import { Inject, Injectable } from '@nestjs/common';
import { AgentManagerClient, RemoteCallError } from '@agent-controller/agent-manager-client';
import { ClientAction, ClientEntity, clientInactive, ClientsService, toRemoteTarget } from '@agent-controller/clients';
import { AppConfig, appConfig, DomainError, RequestPrincipal } from '@agent-controller/core';
import { ProxyMetrics, proxyRouteGroup } from '@agent-controller/metrics';
import { remoteAgentSchema } from '@agent-controller/shared-contracts';
import { z } from 'zod';
import { AgentCredentialsRepository } from './agent-credentials.repository';
import { ClientRateLimiter } from './client-rate-limiter';
import { LastUsedTracker } from './last-used.tracker';

export interface ProxiedResponse {
  status: number;
  body: unknown;
}

export interface ForwardOptions {
  /** Checked against the remote's 2xx body; a body that does not match is a 502 `REMOTE_INCOMPATIBLE`. */
  responseSchema?: z.ZodType;
  /** `long` for routes that legitimately take long (REMOTE_LONG_REQUEST_TIMEOUT). */
  timeout?: 'default' | 'long';
}

/** Every remote answer with a body is JSON (contract §5); anything else means it is not an agent-manager. */
function parseBody(text: string, schema: z.ZodType | undefined, clientId: string): unknown {
  if (text === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RemoteCallError('incompatible', 'The remote answered with a body that is not JSON', undefined, clientId);
  }
  if (schema && !schema.safeParse(body).success) {
    throw new RemoteCallError(
      'incompatible',
      'The remote answered with a body that does not match the contract',
      undefined,
      clientId,
    );
  }
  return body;
}

const createdAgentSchema = remoteAgentSchema.extend({ password: z.string().min(1) });

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
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly metrics: ProxyMetrics,
  ) {}

  /** Sends one request to the client's remote (path below `/api`) after checking `action` for the caller. */
  async forward(
    principal: RequestPrincipal,
    clientId: string,
    action: ClientAction,
    method: string,
    path: string,
    body?: unknown,
    options: ForwardOptions = {},
  ): Promise<ProxiedResponse> {
    const startedAt = performance.now();
    // A refused caller is not measured: the id may not even exist, and labels must stay bounded.
    const client = await this.clients.authorizeClient(principal, clientId, action, { withSecrets: true });
    const record = (status: number, errorCode?: DomainError['code']) =>
      this.metrics.recordProxyCall({
        clientId: client.id,
        routeGroup: proxyRouteGroup(path),
        status,
        durationMs: performance.now() - startedAt,
        errorCode,
      });
    let proxied: ProxiedResponse;
    try {
      if (client.status === 'inactive') {
        throw clientInactive(client);
      }
      await this.rateLimiter.consume(client.id, client.name);
      proxied = await this.send(client, method, path, body, options);
    } catch (error) {
      if (error instanceof DomainError) record(error.status, error.code);
      else record(500, 'INTERNAL_ERROR');
      throw error;
    }
    record(proxied.status);
    return proxied;
  }

  private async send(
    client: ClientEntity,
    method: string,
    path: string,
    body: unknown,
    options: ForwardOptions,
  ): Promise<ProxiedResponse> {
    try {
      const timeoutMs =
        options.timeout === 'long' ? this.config.remote.longRequestTimeoutMs : this.config.remote.requestTimeoutMs;
      const response = await this.agentManager.send(toRemoteTarget(client), method, `/api${path}`, {
        body,
        timeoutMs,
      });
      return { status: response.status, body: parseBody(response.body, options.responseSchema, client.id) };
    } finally {
      this.lastUsed.markUsed(client.id);
    }
  }

  /** Creates an agent; its one-time password is returned to the caller once and kept (encrypted) for the gateway. */
  async createAgent(principal: RequestPrincipal, clientId: string, body: unknown): Promise<ProxiedResponse> {
    const response = await this.forward(principal, clientId, 'configure', 'POST', '/agents', body, {
      responseSchema: createdAgentSchema,
      timeout: 'long',
    });
    const created = createdAgentSchema.parse(response.body);
    await this.credentials.upsert(clientId, created.id, created.password);
    return response;
  }

  async deleteAgent(principal: RequestPrincipal, clientId: string, agentId: string): Promise<ProxiedResponse> {
    const response = await this.forward(principal, clientId, 'configure', 'DELETE', `/agents/${agentId}`);
    await this.credentials.delete(clientId, agentId);
    return response;
  }

  /**
   * For agents created elsewhere: stores the password the gateway will log in with, once the remote has
   * confirmed the agent exists (a credential for no agent would only fail later, at login).
   */
  async storeAgentCredentials(
    principal: RequestPrincipal,
    clientId: string,
    agentId: string,
    password: string,
  ): Promise<void> {
    await this.requireRemoteAgent(principal, clientId, agentId);
    await this.credentials.upsert(clientId, agentId, password);
  }

  /** The remote's `GET /agents/{id}`: its 404 is ours, naming the agent; other failures are 502/504 as usual. */
  private async requireRemoteAgent(principal: RequestPrincipal, clientId: string, agentId: string): Promise<void> {
    try {
      await this.forward(principal, clientId, 'manage', 'GET', `/agents/${agentId}`, undefined, {
        responseSchema: remoteAgentSchema,
      });
    } catch (error) {
      if (error instanceof RemoteCallError && error.kind === 'rejected' && error.remoteStatus === 404) {
        throw new DomainError('NOT_FOUND', `Agent ${agentId} does not exist on the remote of client ${clientId}`, {
          clientId,
          agentId,
        });
      }
      throw error;
    }
  }
}
