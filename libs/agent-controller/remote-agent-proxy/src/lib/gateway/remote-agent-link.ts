import { RemoteCallError } from '@agent-controller/agent-manager-client';
import { DomainError } from '@agent-controller/core';
import { ForwardableEvent, GatewayEvents, REMOTE_EVENTS } from '@agent-controller/shared-contracts';
import type { Socket } from 'socket.io-client';
import { runningFromContainerStats } from '../fleet-agents/agent-snapshot.parser';

const RELAYED = new Set<string>(REMOTE_EVENTS);

type LinkStateEvent =
  | 'remoteDisconnected'
  | 'remoteReconnecting'
  | 'remoteReconnectError'
  | 'remoteReconnected'
  | 'remoteReconnectFailed';

/** What a link needs from the gateway; all of it is re-read when used, so rotations and revocations apply. */
export interface RemoteAgentLinkHooks {
  /** The stored password of an agent of this client, or null. */
  loadPassword(agentId: string): Promise<string | null>;
  /** Puts fresh credentials on the socket for its next (re)connection attempt. */
  refreshCredentials(socket: Socket): Promise<void>;
  /** Sends to the browser socket that owns the link. */
  toBrowser(event: string, payload: unknown): void;
  linkState<E extends LinkStateEvent>(event: E, payload: GatewayEvents[E]): void;
  /** A failure outside any browser call (re-login after a reconnection). */
  failure(error: unknown): void;
  /** The logged-in agent's container runs or not, as the remote's `containerStats` said. */
  containerState(agentId: string, running: boolean): void;
  /** Each relayed event, both ways. */
  counted(direction: 'to_remote' | 'to_browser'): void;
  /** The link closed after it had opened. */
  closed(): void;
}

interface PendingLogin {
  agentId: string;
  settle(error?: Error): void;
}

interface Envelope {
  success?: boolean;
  data?: { agentId?: unknown };
  error?: { message?: unknown; code?: unknown };
}

/**
 * One browser socket's Socket.IO connection to one client's `agents` namespace (contract §6). The remote keeps
 * one agent session per connection, so logging in to another agent switches it. Reconnection is the
 * socket.io-client Manager's; after it, the agent that was logged in is logged in again.
 */
export class RemoteAgentLink {
  private agentId: string | null = null;
  /**
   * The agent whose `containerStats` the remote sends now: set as the login answer arrives, since the remote
   * sends the first stats right behind it, before `login()` has resumed.
   */
  private statsAgentId: string | null = null;
  private pendingLogin: PendingLogin | null = null;
  private opened = false;
  private closed = false;

  private constructor(
    readonly clientId: string,
    private readonly socket: Socket,
    private readonly hooks: RemoteAgentLinkHooks,
    private readonly timeoutMs: number,
  ) {}

  /** Connects, or fails with REMOTE_UNREACHABLE / REMOTE_TIMEOUT and leaves nothing open. */
  static async open(
    clientId: string,
    socket: Socket,
    hooks: RemoteAgentLinkHooks,
    timeoutMs: number,
  ): Promise<RemoteAgentLink> {
    const link = new RemoteAgentLink(clientId, socket, hooks, timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', (error: Error & { description?: unknown }) => reject(connectFailure(error)));
        socket.connect();
      });
    } catch (error) {
      link.close();
      throw error;
    }
    link.opened = true;
    link.listen();
    return link;
  }

  get loggedInAgentId(): string | null {
    return this.agentId;
  }

  /** Relays one event; `login` uses the stored password, other events log in to `agentId` first if needed. */
  async forward(event: ForwardableEvent, payload: unknown, agentId: string | undefined): Promise<void> {
    if (!this.socket.connected) {
      throw new DomainError('REMOTE_UNREACHABLE', 'The link to the remote is down; wait for it to reconnect');
    }
    if (event === 'login') {
      if (!agentId) throw invalidForward('agentId is required to log in');
      await this.login(agentId);
      return;
    }
    if (agentId && agentId !== this.agentId && event !== 'logout') await this.login(agentId);
    if (event === 'logout') this.agentId = this.statsAgentId = null;
    this.socket.emit(event, payload);
    this.hooks.counted('to_remote');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pendingLogin?.settle(new DomainError('REMOTE_UNREACHABLE', 'The link to the remote was closed'));
    this.socket.removeAllListeners();
    this.socket.io.removeAllListeners();
    this.socket.offAny();
    this.socket.disconnect();
    if (this.opened) this.hooks.closed();
  }

  private async login(agentId: string): Promise<void> {
    const password = await this.hooks.loadPassword(agentId);
    if (password === null) {
      throw new DomainError(
        'AGENT_CREDENTIALS_MISSING',
        `No password is stored for agent ${agentId}; store it with PUT …/agents/${agentId}/credentials`,
      );
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => this.pendingLogin?.settle(new RemoteCallError('timeout', `No login answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      this.pendingLogin = {
        agentId,
        settle: (error) => {
          clearTimeout(timer);
          this.pendingLogin = null;
          if (error) reject(error);
          else resolve();
        },
      };
      this.socket.emit('login', { agentId, password });
      this.hooks.counted('to_remote');
    });
    this.agentId = agentId;
  }

  private listen(): void {
    const { socket, hooks } = this;
    socket.onAny((event: string, payload: unknown) => {
      if (this.closed || !RELAYED.has(event)) return;
      if (event === 'loginSuccess' || event === 'loginError') this.matchLogin(event, payload as Envelope);
      if (event === 'containerStats' && this.statsAgentId) {
        const running = runningFromContainerStats(payload);
        if (running !== undefined) hooks.containerState(this.statsAgentId, running);
      }
      hooks.toBrowser(event, payload);
      hooks.counted('to_browser');
    });
    socket.on('disconnect', (reason) => {
      if (this.closed) return;
      this.pendingLogin?.settle(new DomainError('REMOTE_UNREACHABLE', `The link to the remote dropped (${reason})`));
      hooks.linkState('remoteDisconnected', { clientId: this.clientId, reason });
      void hooks.refreshCredentials(socket).catch(() => undefined);
      // A deliberate disconnect by the remote is not retried by the Manager; a drop is.
      if (reason === 'io server disconnect') socket.connect();
    });
    let attempt = 0;
    socket.io.on('reconnect_attempt', (number) => {
      attempt = number;
      hooks.linkState('remoteReconnecting', { clientId: this.clientId, attempt });
      void hooks.refreshCredentials(socket).catch(() => undefined);
    });
    socket.io.on('reconnect_error', (error) => {
      hooks.linkState('remoteReconnectError', { clientId: this.clientId, attempt, error: error.message });
    });
    socket.io.on('reconnect_failed', () => {
      const attempts = socket.io.reconnectionAttempts();
      // The Manager gives up before it reports the last attempt's error (in the same tick): told after it, so a
      // console hears every attempt's error before the end.
      setImmediate(() => {
        if (this.closed) return;
        hooks.linkState('remoteReconnectFailed', {
          clientId: this.clientId,
          attempts,
          error: `The remote could not be reached again after ${attempts} attempts`,
        });
      });
    });
    socket.on('connect', () => void this.resume());
  }

  /** After a reconnection the remote has forgotten the session: log the same agent in again. */
  private async resume(): Promise<void> {
    const agentId = this.agentId;
    this.agentId = null;
    if (agentId) {
      try {
        await this.login(agentId);
      } catch (error) {
        this.hooks.failure(error);
      }
    }
    if (!this.closed) this.hooks.linkState('remoteReconnected', { clientId: this.clientId, agentId: this.agentId });
  }

  /** `loginSuccess` names its agent; `loginError` answers the one login in flight (logins are serialised). */
  private matchLogin(event: 'loginSuccess' | 'loginError', envelope: Envelope): void {
    const pending = this.pendingLogin;
    if (!pending) return;
    if (event === 'loginSuccess') {
      if (envelope?.data?.agentId === pending.agentId) {
        this.statsAgentId = pending.agentId;
        pending.settle();
      }
      return;
    }
    this.statsAgentId = null;
    const message = typeof envelope?.error?.message === 'string' ? envelope.error.message : 'login refused';
    pending.settle(new DomainError('AGENT_LOGIN_FAILED', `The remote refused the stored password: ${message}`));
  }
}

function invalidForward(message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', message, {
    fields: [{ field: 'agentId', location: 'body', message }],
  });
}

function connectFailure(error: Error & { description?: unknown }): RemoteCallError {
  if (error.message === 'timeout') return new RemoteCallError('timeout', "The remote's agent socket did not answer");
  const cause = error.description as (Error & { code?: string }) | undefined;
  const detail = cause?.code ?? cause?.message ?? error.message;
  return new RemoteCallError('refused', `Could not connect to the remote's agent socket (${detail})`);
}
