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
import { ClientAccess, ClientAccessPolicy, clientInactive, toRemoteTarget } from '@agent-controller/clients';
import { AppConfig, appConfig, DomainError, FleetEvents } from '@agent-controller/core';
import { isDatabaseUnavailable } from '@agent-controller/database';
import { ProxyMetrics } from '@agent-controller/metrics';
import {
  CLIENTS_NAMESPACE,
  FORWARD_PAYLOAD_SCHEMAS,
  forwardRequestSchema,
  GatewayEvents,
  ProvisioningJob,
  setClientRequestSchema,
} from '@agent-controller/shared-contracts';
import { Subscription } from 'rxjs';
import type { Namespace, Socket } from 'socket.io';
import { AgentCredentialsRepository } from '../agent-credentials.repository';
import { AgentRunningStates } from '../fleet-agents/agent-running-states';
import { LastUsedTracker } from '../last-used.tracker';
import { FleetWatchers } from './fleet-watchers';
import { FORWARD_PERMISSIONS } from './forward-permissions';
import { API_KEY_ROOM, callerRoom, clientRoom, userRoom } from './gateway-rooms';
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
 *
 * Fleet events (DESIGN §8) reach every replica through the event bus, and each replica serves its own sockets
 * (`namespace.local`): one emit per socket, with Redis or without, and nothing crosses Redis twice. The Redis
 * adapter keeps rooms fleet-wide for broadcasts made outside the bus.
 */
@WebSocketGateway({ namespace: CLIENTS_NAMESPACE })
export class ClientsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger('ClientsGateway');
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly recheckTimer: NodeJS.Timeout;
  private readonly subscriptions: Subscription[];
  private namespace?: Namespace;

  constructor(
    private readonly authenticator: CredentialsAuthenticator,
    private readonly access: ClientAccess,
    private readonly policy: ClientAccessPolicy,
    private readonly connector: AgentsSocketConnector,
    private readonly credentials: AgentCredentialsRepository,
    private readonly lastUsed: LastUsedTracker,
    private readonly metrics: ProxyMetrics,
    private readonly fleet: FleetWatchers,
    events: FleetEvents,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly runningStates: AgentRunningStates,
  ) {
    // A safety net: changes are told on the bus and re-checked at once; this catches what was not told.
    this.recheckTimer = setInterval(() => this.recheckAll(), config.gateway.accessRecheckMs).unref();
    this.subscriptions = [
      events
        .on('provisioningProgress')
        .subscribe(({ job }) => this.toLocal(ownerRoom(job), 'provisioningProgress', job)),
      events
        .on('clientHealthChanged')
        .subscribe(({ clientId, from, health }) =>
          this.toLocal(clientRoom(clientId), 'clientHealth', { clientId, from, health }),
        ),
      events
        .on('accessChanged')
        .subscribe(({ clientId, userId }) =>
          this.recheckRoom(
            clientRoom(clientId),
            (session) => userId === undefined || session.principal.userId === userId,
          ),
        ),
      events.on('userAccessChanged').subscribe(({ userId }) => this.userAccessChanged(userId)),
    ];
  }

  afterInit(namespace: Namespace): void {
    this.namespace = namespace;
    namespace.use((socket, next) => {
      const authorization = handshakeAuthorization(socket);
      this.authenticator.authenticate(authorization, socket.handshake.address).then(
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
    const session = sessionOf(socket);
    this.sessions.set(socket.id, session);
    void socket.join(callerRoom(session.principal));
    this.metrics.socketOpened();
  }

  handleDisconnect(socket: Socket): void {
    const session = this.sessions.get(socket.id);
    if (!session) return;
    session.end();
    this.sessions.delete(socket.id);
    this.fleet.unwatch(socket.id);
    this.metrics.socketClosed();
  }

  onModuleDestroy(): void {
    clearInterval(this.recheckTimer);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
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
        unlink(socket, session);
        const { client, relation } = await this.access.authorize(session.principal, clientId, 'read');
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
        void socket.join(clientRoom(client.id));
        emit(socket, 'setClientSuccess', { clientId: client.id, message: `Linked to client ${client.name}` });
      })
      .catch((error: unknown) => socket.emit('error', gatewayError(error, 'setClient')));
  }

  /**
   * The console looks at the fleet: from now on it is told of changes to every client its caller may see
   * (`clientAdded`, `clientUpdated`, `clientRemoved`, `clientHealth`, `clientsChecked`) until `unwatchFleet`.
   */
  @SubscribeMessage('watchFleet')
  watchFleet(@ConnectedSocket() socket: Socket): void {
    const session = sessionOf(socket);
    // The principal as last re-checked: a user who lost a role is judged by what they are now.
    this.fleet.watch(socket, () => session.principal);
    emit(socket, 'watchFleetSuccess', { watching: true });
  }

  @SubscribeMessage('unwatchFleet')
  unwatchFleet(@ConnectedSocket() socket: Socket): void {
    this.fleet.unwatch(socket.id);
    emit(socket, 'watchFleetSuccess', { watching: false });
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
        if (!this.policy.permits(session.principal, session.relation, FORWARD_PERMISSIONS[request.event])) {
          throw new DomainError('FORBIDDEN', `Your role on this client does not allow ${request.event}`);
        }
        await link.forward(request.event, payload, request.agentId);
        this.lastUsed.markUsed(link.clientId);
        emit(socket, 'forwardAck', {
          event: request.event,
          ...(request.agentId ? { agentId: request.agentId } : {}),
          received: true,
        });
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
        const { client } = await this.access.authorize(session.principal, clientId, 'read');
        await this.connector.refreshCredentials(remoteSocket, toRemoteTarget(client));
      },
      toBrowser: (event, payload) => socket.emit(event, payload),
      linkState: (event, payload) => emit(socket, event, payload),
      failure: (error) => socket.emit('error', gatewayError(error, 'reconnect')),
      containerState: (agentId, running) => this.runningStates.report(clientId, agentId, running),
      counted: (direction) => this.metrics.eventForwarded(clientId, direction),
      closed: () => this.metrics.remoteLinkClosed(clientId),
    };
  }

  /** Emits to this replica's sockets in `room`; the other replicas heard the same event on the bus. */
  private toLocal<E extends keyof GatewayEvents>(room: string, event: E, payload: GatewayEvents[E]): void {
    this.namespace?.local.to(room).emit(event, payload);
  }

  /** Every open socket: is its caller still who they were, and may they still use the linked client? */
  private recheckAll(): void {
    for (const [socketId, session] of this.sessions) {
      void session.serialize(() => this.recheck(socketId, session));
    }
  }

  /** Checks this replica's sockets in `room` now (those `affected`), instead of at the next periodic check. */
  private recheckRoom(room: string, affected: (session: GatewaySession) => boolean = () => true): void {
    for (const socketId of this.namespace?.adapter.rooms.get(room) ?? []) {
      const session = this.sessions.get(socketId);
      if (session && affected(session)) void session.serialize(() => this.recheck(socketId, session));
    }
  }

  /**
   * A user's role, lock or team memberships changed: their sockets on this replica are checked now, and those that
   * watch the fleet (and are still open) are told to read what they show again.
   */
  private userAccessChanged(userId: string): void {
    for (const socketId of this.namespace?.adapter.rooms.get(userRoom(userId)) ?? []) {
      const session = this.sessions.get(socketId);
      if (!session) continue;
      void session.serialize(async () => {
        await this.recheck(socketId, session);
        const socket = this.namespace?.sockets.get(socketId);
        if (socket?.connected && this.fleet.watches(socketId)) {
          emit(socket, 'fleetResync', { reason: 'access_changed' });
        }
      });
    }
  }

  private async recheck(socketId: string, session: GatewaySession): Promise<void> {
    const socket = this.namespace?.sockets.get(socketId);
    if (!socket || session.ended) return;
    try {
      session.principal = await this.authenticator.authenticate(session.authorization, socket.handshake.address);
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
      const { client, relation } = await this.access.authorize(session.principal, link.clientId, 'read');
      if (client.status === 'inactive') throw clientInactive(client);
      session.relation = relation;
    } catch (error) {
      if (!(error instanceof DomainError)) {
        this.logger.warn({ err: error }, 'Access re-check failed; keeping the link until the next one');
        return;
      }
      unlink(socket, session);
      socket.emit('error', gatewayError(error, 'accessCheck'));
    }
  }
}

/** The job's owner: the user who started it, or the API-key holder for jobs started with the key. */
function ownerRoom(job: ProvisioningJob): string {
  return job.createdBy === null ? API_KEY_ROOM : userRoom(job.createdBy);
}

/** Closes the socket's link and leaves its client's room: the client's events are no longer its business. */
function unlink(socket: Socket, session: GatewaySession): void {
  if (session.link) void socket.leave(clientRoom(session.link.clientId));
  session.closeLink();
}

function sessionOf(socket: Socket): GatewaySession {
  return (socket.data as { session: GatewaySession }).session;
}

function emit<E extends keyof GatewayEvents>(socket: Socket, event: E, payload: GatewayEvents[E]): void {
  socket.emit(event, payload);
}
