import { Inject, Logger, OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { AgentsSocketConnector } from '@agent-controller/agent-manager-client';
import { CredentialsAuthenticator } from '@agent-controller/auth';
import { ClientAccessPolicy, clientInactive, ClientsService, toRemoteTarget } from '@agent-controller/clients';
import { AppConfig, appConfig, DomainError } from '@agent-controller/core';
import { isDatabaseUnavailable } from '@agent-controller/database';
import { ProxyMetrics } from '@agent-controller/metrics';
import { ProvisioningProgress } from '@agent-controller/provisioning';
import {
  CLIENTS_NAMESPACE,
  FORWARD_PAYLOAD_SCHEMAS,
  forwardRequestSchema,
  GatewayEvents,
  setClientRequestSchema,
} from '@agent-controller/shared-contracts';
import { Subscription } from 'rxjs';
import type { Namespace, Socket } from 'socket.io';
import { AgentCredentialsRepository } from '../agent-credentials.repository';
import { LastUsedTracker } from '../last-used.tracker';
import { FORWARD_PERMISSIONS } from './forward-permissions';
import { gatewayError } from './gateway-error';
import { GatewaySession } from './gateway-session';
import { RemoteAgentLink, RemoteAgentLinkHooks } from './remote-agent-link';

/** `auth.Authorization` (browsers cannot set headers on WebSocket handshakes) or the `Authorization` header. */
function handshakeAuthorization(socket: Socket): string | undefined {
  const fromAuth = (socket.handshake.auth as Record<string, unknown> | undefined)?.['Authorization'];
  if (typeof fromAuth === 'string') return fromAuth;
  return socket.handshake.headers.authorization;
}

/**
 * Live agent events for browsers (DESIGN §6): the browser authenticates in the handshake like an HTTP caller,
 * picks a client with `setClient`, and relays agent events with `forward`; the remote's events come back under
 * their own names, with link-state events around reconnections.
 */
@WebSocketGateway({ namespace: CLIENTS_NAMESPACE })
export class ClientsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger('ClientsGateway');
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly recheckTimer: NodeJS.Timeout;
  private readonly progressSubscription: Subscription;
  private namespace?: Namespace;

  constructor(
    private readonly authenticator: CredentialsAuthenticator,
    private readonly clients: ClientsService,
    private readonly policy: ClientAccessPolicy,
    private readonly connector: AgentsSocketConnector,
    private readonly credentials: AgentCredentialsRepository,
    private readonly lastUsed: LastUsedTracker,
    private readonly metrics: ProxyMetrics,
    provisioning: ProvisioningProgress,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    this.recheckTimer = setInterval(() => this.recheckAll(), config.gateway.accessRecheckMs).unref();
    this.progressSubscription = provisioning.changes.subscribe((job) => {
      for (const [socketId, session] of this.sessions) {
        // The job's owner: the user who started it, or the API-key holder for jobs started with the key.
        const owner =
          job.createdBy === null ? session.principal.kind === 'api-key' : session.principal.userId === job.createdBy;
        if (owner) this.namespace?.sockets.get(socketId)?.emit('provisioningProgress', job);
      }
    });
  }

  afterInit(namespace: Namespace): void {
    this.namespace = namespace;
    namespace.use((socket, next) => {
      const authorization = handshakeAuthorization(socket);
      this.authenticator.authenticate(authorization).then(
        (principal) => {
          socket.data = { session: new GatewaySession(principal, authorization) };
          next();
        },
        (error: unknown) => {
          // An outage is told apart so the browser retries instead of sending its user to log in again.
          const refusal = isDatabaseUnavailable(error)
            ? Object.assign(new Error('Database unavailable'), { data: { code: 'DATABASE_UNAVAILABLE' } })
            : Object.assign(new Error('Unauthorized'), {
                data: { code: error instanceof DomainError ? error.code : 'UNAUTHORIZED' },
              });
          next(refusal);
        },
      );
    });
  }

  handleConnection(socket: Socket): void {
    this.sessions.set(socket.id, sessionOf(socket));
    this.metrics.socketOpened();
  }

  handleDisconnect(socket: Socket): void {
    const session = this.sessions.get(socket.id);
    if (!session) return;
    session.end();
    this.sessions.delete(socket.id);
    this.metrics.socketClosed();
  }

  onModuleDestroy(): void {
    clearInterval(this.recheckTimer);
    this.progressSubscription.unsubscribe();
    for (const session of this.sessions.values()) session.end();
    this.sessions.clear();
  }

  /** Links the socket to a client's remote, closing any previous link first. */
  @SubscribeMessage('setClient')
  async setClient(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<void> {
    const session = sessionOf(socket);
    await session
      .serialize(async () => {
        const { clientId } = setClientRequestSchema.parse(body);
        session.closeLink();
        const { client, relation } = await this.clients.authorizeClientAccess(session.principal, clientId, 'read', {
          withSecrets: true,
        });
        if (client.status === 'inactive') throw clientInactive(client);
        const remoteSocket = await this.connector.create(toRemoteTarget(client), client.agentWsPort);
        const link = await RemoteAgentLink.open(
          client.id,
          remoteSocket,
          this.linkHooks(socket, session, client.id),
          this.config.remote.requestTimeoutMs,
        );
        this.metrics.remoteLinkOpened(client.id);
        this.lastUsed.markUsed(client.id);
        // The browser left while the link was being opened: nothing may outlive its socket.
        if (session.ended) {
          link.close();
          return;
        }
        session.link = link;
        session.relation = relation;
        emit(socket, 'setClientSuccess', { clientId: client.id });
      })
      .catch((error: unknown) => socket.emit('error', gatewayError(error, 'setClient')));
  }

  /** Relays one event of the contract's client → server list to the linked remote. */
  @SubscribeMessage('forward')
  async forward(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<void> {
    const session = sessionOf(socket);
    const event = (body as { event?: unknown } | null)?.event;
    await session
      .serialize(async () => {
        const request = forwardRequestSchema.parse(body);
        const payload = FORWARD_PAYLOAD_SCHEMAS[request.event].parse(request.payload);
        const link = session.link;
        if (!link || !session.relation) {
          throw new DomainError('NO_CLIENT_SELECTED', 'Send setClient before forwarding events');
        }
        if (!this.policy.allows(session.relation, FORWARD_PERMISSIONS[request.event])) {
          throw new DomainError('FORBIDDEN', `Your role on this client does not allow ${request.event}`);
        }
        await link.forward(request.event, payload, request.agentId);
        this.lastUsed.markUsed(link.clientId);
        emit(socket, 'forwardAck', { event: request.event, ...(request.agentId ? { agentId: request.agentId } : {}) });
      })
      .catch((error: unknown) =>
        socket.emit('error', gatewayError(error, 'forward', typeof event === 'string' ? event : undefined)),
      );
  }

  private linkHooks(socket: Socket, session: GatewaySession, clientId: string): RemoteAgentLinkHooks {
    return {
      loadPassword: (agentId) => this.credentials.findPassword(clientId, agentId),
      // Re-read with the caller's rights: a rotated key or a new Keycloak token is used for the next attempt.
      refreshCredentials: async (remoteSocket) => {
        const client = await this.clients.authorizeClient(session.principal, clientId, 'read', { withSecrets: true });
        await this.connector.refreshCredentials(remoteSocket, toRemoteTarget(client));
      },
      toBrowser: (event, payload) => socket.emit(event, payload),
      linkState: (event, payload) => emit(socket, event, payload),
      failure: (error) => socket.emit('error', gatewayError(error, 'reconnect')),
      counted: (direction) => this.metrics.eventForwarded(clientId, direction),
      closed: () => this.metrics.remoteLinkClosed(clientId),
    };
  }

  /** Every open socket: is its caller still who they were, and may they still use the linked client? */
  private recheckAll(): void {
    for (const [socketId, session] of this.sessions) {
      void session.serialize(() => this.recheck(socketId, session));
    }
  }

  private async recheck(socketId: string, session: GatewaySession): Promise<void> {
    const socket = this.namespace?.sockets.get(socketId);
    if (!socket || session.ended) return;
    try {
      session.principal = await this.authenticator.authenticate(session.authorization);
    } catch (error) {
      // A database outage says nothing about the caller: keep the socket until a check can be made.
      if (isDatabaseUnavailable(error)) {
        this.logger.warn({ cause: String(error) }, 'Access re-check skipped: database unavailable');
        return;
      }
      socket.emit('error', gatewayError(error, 'accessCheck'));
      socket.disconnect(true);
      return;
    }
    const link = session.link;
    if (!link) return;
    try {
      const { client, relation } = await this.clients.authorizeClientAccess(session.principal, link.clientId, 'read');
      if (client.status === 'inactive') throw clientInactive(client);
      session.relation = relation;
    } catch (error) {
      if (!(error instanceof DomainError)) {
        this.logger.warn({ err: error }, 'Access re-check failed; keeping the link until the next one');
        return;
      }
      session.closeLink();
      socket.emit('error', gatewayError(error, 'accessCheck'));
    }
  }
}

function sessionOf(socket: Socket): GatewaySession {
  return (socket.data as { session: GatewaySession }).session;
}

function emit<E extends keyof GatewayEvents>(socket: Socket, event: E, payload: GatewayEvents[E]): void {
  socket.emit(event, payload);
}
