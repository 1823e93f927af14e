import { Inject, Injectable } from '@nestjs/common';
import { AgentManagerClient, RemoteCallError } from '@agent-controller/agent-manager-client';
import { ClientAccess, ClientEntity, clientInactive, toRemoteTarget } from '@agent-controller/clients';
import { AppConfig, appConfig, DomainError, RequestPrincipal } from '@agent-controller/core';
import { ProxyMetrics, proxyRouteGroup } from '@agent-controller/metrics';
import { remoteAgentSchema } from '@agent-controller/shared-contracts';
import { z } from 'zod';
import { AgentCredentialsRepository } from './agent-credentials.repository';
import { ClientRateLimiter } from './client-rate-limiter';
import { LastUsedTracker } from './last-used.tracker';
import { actionOf, remotePath, RemoteRoute, RouteParams, RouteQuery } from './proxied-routes';

export interface ProxiedResponse {
  status: number;
  /** The remote's JSON as it sent it (`''` for none): passed on as it is, not serialised again. */
  json: string;
  /** The same, parsed (`undefined` for none). */
  body: unknown;
}

/** A proxied call's checked arguments: the path parameters name the client (`id`). */
export interface ProxiedRequest {
  params: RouteParams;
  query?: RouteQuery;
  body?: unknown;
}

/** Every remote answer with a body is JSON (contract §5); anything else means it is not an agent-manager. */
function parseBody(json: string, schema: z.ZodType | undefined, clientId: string): unknown {
  if (json === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(json);
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

type AgentParams = { id: string; agentId: string };

// The remote calls behind the routes that also keep or drop an agent's stored password.
const CREATE_AGENT: RemoteRoute = {
  method: 'POST',
  path: '/agents',
  action: 'configure',
  response: createdAgentSchema,
  timeout: 'long',
};
const DELETE_AGENT: RemoteRoute = { method: 'DELETE', path: '/agents/:agentId', action: 'configure' };
// Storing an agent's credentials needs `manage`; the remote's GET of the agent confirms it exists.
const CHECK_AGENT: RemoteRoute = {
  method: 'GET',
  path: '/agents/:agentId',
  action: 'manage',
  response: remoteAgentSchema,
};

/**
 * Agent operations on a remote agent-manager, on behalf of a caller: the permission policy decides, the
 * client must be active, and the remote's answer is passed on as it was sent.
 */
@Injectable()
export class RemoteAgentsService {
  constructor(
    private readonly access: ClientAccess,
    private readonly agentManager: AgentManagerClient,
    private readonly credentials: AgentCredentialsRepository,
    private readonly lastUsed: LastUsedTracker,
    private readonly rateLimiter: ClientRateLimiter,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly metrics: ProxyMetrics,
  ) {}

  /** Sends one request to the client's remote after checking the route's action for the caller. */
  async forward(principal: RequestPrincipal, route: RemoteRoute, request: ProxiedRequest): Promise<ProxiedResponse> {
    const startedAt = performance.now();
    const clientId = request.params.id;
    const action = actionOf(route, request.query);
    const path = remotePath(route, request.params, request.query);
    // A refused caller is not measured: the id may not even exist, and labels must stay bounded.
    const { client } = await this.access.authorize(principal, clientId, action);
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
      proxied = await this.send(client, route, path, request.body);
    } catch (error) {
      if (error instanceof DomainError) record(error.status, error.code);
      else record(500, 'INTERNAL_ERROR');
      throw error;
    }
    record(proxied.status);
    return proxied;
  }

  private async send(client: ClientEntity, route: RemoteRoute, path: string, body: unknown): Promise<ProxiedResponse> {
    try {
      const timeoutMs =
        route.timeout === 'long' ? this.config.remote.longRequestTimeoutMs : this.config.remote.requestTimeoutMs;
      const response = await this.agentManager.send(toRemoteTarget(client), route.method, `/api${path}`, {
        body,
        timeoutMs,
      });
      const json = response.body;
      return { status: response.status, json, body: parseBody(json, route.response, client.id) };
    } finally {
      this.lastUsed.markUsed(client.id);
    }
  }

  /** Creates an agent; its one-time password is returned to the caller once and kept (encrypted) for the gateway. */
  async createAgent(principal: RequestPrincipal, clientId: string, body: unknown): Promise<ProxiedResponse> {
    const response = await this.forward(principal, CREATE_AGENT, { params: { id: clientId }, body });
    const created = createdAgentSchema.parse(response.body);
    await this.credentials.upsert(clientId, created.id, created.password);
    return response;
  }

  async deleteAgent(principal: RequestPrincipal, params: AgentParams): Promise<ProxiedResponse> {
    const response = await this.forward(principal, DELETE_AGENT, { params });
    await this.credentials.delete(params.id, params.agentId);
    return response;
  }

  /**
   * For agents created elsewhere: stores the password the gateway will log in with, once the remote has
   * confirmed the agent exists (a credential for no agent would only fail later, at login).
   */
  async storeAgentCredentials(principal: RequestPrincipal, params: AgentParams, password: string): Promise<void> {
    await this.requireRemoteAgent(principal, params);
    await this.credentials.upsert(params.id, params.agentId, password);
  }

  /** The remote's `GET /agents/{id}`: its 404 is ours, naming the agent; other failures are 502/504 as usual. */
  private async requireRemoteAgent(principal: RequestPrincipal, params: AgentParams): Promise<void> {
    try {
      await this.forward(principal, CHECK_AGENT, { params });
    } catch (error) {
      if (error instanceof RemoteCallError && error.kind === 'rejected' && error.remoteStatus === 404) {
        const { id: clientId, agentId } = params;
        throw new DomainError('NOT_FOUND', `Agent ${agentId} does not exist on the remote of client ${clientId}`, {
          clientId,
          agentId,
        });
      }
      throw error;
    }
  }
}
