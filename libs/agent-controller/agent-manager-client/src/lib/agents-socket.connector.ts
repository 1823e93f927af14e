import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, appConfig } from '@agent-controller/core';
import http from 'node:http';
import https from 'node:https';
import { io, Socket } from 'socket.io-client';
import { AgentManagerClient } from './agent-manager.client';
import { EndpointPolicy } from './endpoint-policy';
import { RemoteTarget } from './remote-credentials';
import { pinnedLookup } from './remote-http';

/** The remote's agents namespace (contract §6): the endpoint's host, the client's agent WebSocket port. */
export function agentsSocketUrl(endpoint: string, wsPort: number): URL {
  const url = new URL(endpoint);
  url.port = String(wsPort);
  url.pathname = '/agents';
  return url;
}

/**
 * Opens Socket.IO connections to a remote's `agents` namespace with the same rules as HTTP calls: the address
 * is checked by the endpoint policy and the connection goes to that address (no DNS rebinding), with the
 * client's credentials as `Authorization` and a connect timeout.
 */
@Injectable()
export class AgentsSocketConnector {
  constructor(
    private readonly endpoints: EndpointPolicy,
    private readonly agentManager: AgentManagerClient,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  /** A socket that is not connected yet, so listeners can be attached before `connect()`. */
  async create(target: RemoteTarget, wsPort: number): Promise<Socket> {
    const url = agentsSocketUrl(target.endpoint, wsPort);
    const address = await this.endpoints.resolve(url);
    const secure = url.protocol === 'https:';
    const agentOptions = { lookup: pinnedLookup(address), keepAlive: false };
    const agent = secure
      ? new https.Agent({ ...agentOptions, servername: url.hostname.replace(/^\[|\]$/g, '') })
      : new http.Agent(agentOptions);
    return io(url.href, {
      autoConnect: false,
      forceNew: true,
      transports: ['websocket'],
      agent: agent as unknown as string,
      extraHeaders: { authorization: await this.agentManager.authorization(target) },
      timeout: this.config.remote.requestTimeoutMs,
      reconnectionAttempts: this.config.gateway.reconnectAttempts,
      reconnectionDelay: this.config.gateway.reconnectDelayMs,
      reconnectionDelayMax: this.config.gateway.reconnectDelayMs * 5,
    });
  }

  /** Sets the credentials the next (re)connection attempt sends: Keycloak tokens expire, keys are rotated. */
  async refreshCredentials(socket: Socket, target: RemoteTarget): Promise<void> {
    socket.io.opts.extraHeaders = { authorization: await this.agentManager.authorization(target) };
  }
}
