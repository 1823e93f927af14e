import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type DefaultEventsMap, type Namespace, Server, type Socket } from 'socket.io';

import type { SimulatorContext } from '../context';
import { applyAgentFilters } from '../services/filters.service';
import type { AgentRecord, ChatMessageRecord } from '../state';

/** Namespace of the real manager (`WEBSOCKET_NAMESPACE`, default `agents`). */
export const SOCKET_NAMESPACE = '/agents';
/** How many persisted messages a login replays. */
export const HISTORY_REPLAY_LIMIT = 20;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SocketSession {
  agentId: string;
  agentName: string;
}

interface SocketData {
  session?: SocketSession;
  terminals?: string[];
}

type AgentSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;

export function successEnvelope<T>(data: T): { success: true; data: T; timestamp: string } {
  return { success: true, data, timestamp: new Date().toISOString() };
}

export function errorEnvelope(
  message: string,
  code?: string,
): { success: false; error: { message: string; code?: string }; timestamp: string } {
  return { success: false, error: code ? { message, code } : { message }, timestamp: new Date().toISOString() };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function roomOf(agentId: string): string {
  return `agent:${agentId}`;
}

/** A small, plausible `docker stats` (one-shot) document. */
export function fakeDockerStats(agent: AgentRecord): Record<string, unknown> {
  const now = new Date();
  const total = 1_000_000_000 + Math.floor(Math.random() * 50_000_000);
  return {
    read: now.toISOString(),
    preread: new Date(now.getTime() - 1000).toISOString(),
    id: agent.containerId,
    name: `/agent-${agent.id}`,
    pids_stats: { current: 12 },
    cpu_stats: {
      cpu_usage: { total_usage: total, usage_in_kernelmode: 10_000_000, usage_in_usermode: 90_000_000 },
      system_cpu_usage: 900_000_000_000,
      online_cpus: 2,
    },
    precpu_stats: {
      cpu_usage: { total_usage: total - 20_000_000, usage_in_kernelmode: 9_000_000, usage_in_usermode: 80_000_000 },
      system_cpu_usage: 898_000_000_000,
      online_cpus: 2,
    },
    memory_stats: { usage: 104_857_600 + Math.floor(Math.random() * 1_048_576), limit: 2_147_483_648 },
    networks: { eth0: { rx_bytes: 123_456, tx_bytes: 65_432, rx_packets: 800, tx_packets: 600 } },
  };
}

/** The simulated agent's answer, split into stream chunks. */
export function simulatedReply(message: string): string {
  return `Simulated agent reply to: ${message}`;
}

function chunks(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) {
    parts.push(text.slice(i, i + size));
  }
  return parts;
}

export interface AgentsGatewayOptions {
  port: number;
  host: string;
  statsIntervalMs: number;
}

/**
 * The Socket.IO side of the contract (§6): namespace `agents` on its own port, no handshake auth,
 * per-socket `login`, chat with a streamed reply, history replay, terminals that echo, file update
 * broadcasts and `containerStats` while logged in.
 */
export class AgentsGateway {
  private readonly httpServer: HttpServer;
  private readonly io: Server<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;
  private readonly nsp: Namespace<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;
  private readonly socketsByAgent = new Map<string, Set<AgentSocket>>();
  private readonly statsTimers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Set<NodeJS.Timeout>();
  private closed = false;
  port = 0;

  constructor(
    private readonly ctx: SimulatorContext,
    private readonly options: AgentsGatewayOptions,
  ) {
    this.httpServer = createServer();
    this.io = new Server<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>(this.httpServer, {
      path: '/socket.io',
      cors: { origin: '*' },
      connectionStateRecovery: { maxDisconnectionDuration: 120000, skipMiddlewares: true },
    });
    this.nsp = this.io.of(SOCKET_NAMESPACE);
    this.nsp.on('connection', (socket: AgentSocket) => this.onConnection(socket));
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.httpServer.once('error', onError);
      this.httpServer.listen(this.options.port, this.options.host, () => {
        this.httpServer.off('error', onError);
        const address = this.httpServer.address() as AddressInfo;
        this.port = address.port;
        resolve(address);
      });
    });
  }

  /** Number of sockets currently connected to the namespace. */
  get connectedCount(): number {
    return this.nsp.sockets.size;
  }

  /** Disconnects every socket server-side (fault: dropped sockets). Returns how many were dropped. */
  /** Like a network failure: transports close without a Socket.IO disconnect packet, so clients reconnect. */
  dropSockets(): number {
    const count = this.nsp.sockets.size;
    for (const socket of this.nsp.sockets.values()) socket.conn.close();
    return count;
  }

  close(): Promise<void> {
    this.closed = true;
    for (const timer of this.statsTimers.values()) clearInterval(timer);
    this.statsTimers.clear();
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    this.socketsByAgent.clear();
    this.nsp.disconnectSockets(true);
    const closed = this.io.close().catch(() => undefined);
    this.httpServer.closeAllConnections();
    return closed;
  }

  // ---- plumbing

  private later(delayMs: number, fn: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      if (!this.closed) fn();
    }, delayMs);
    this.pending.add(timer);
  }

  /** The HTTP latency fault (latency + jitter) also delays socket replies. */
  private replyDelay(): number {
    const { latencyMs, jitterMs } = this.ctx.faults.current;
    return latencyMs + (jitterMs > 0 ? Math.floor(Math.random() * (jitterMs + 1)) : 0);
  }

  private on(socket: AgentSocket, event: string, handler: (payload: unknown) => void | Promise<void>): void {
    socket.on(event, (payload: unknown) => {
      const run = (): void => {
        Promise.resolve()
          .then(() => handler(payload))
          .catch((err: unknown) => {
            this.ctx.options.log?.(`socket ${event} failed: ${err instanceof Error ? err.message : String(err)}`);
          });
      };
      const delay = this.replyDelay();
      if (delay > 0) this.later(delay, run);
      else run();
    });
  }

  private emit(socket: AgentSocket, event: string, data: unknown): void {
    socket.emit(event, successEnvelope(data));
  }

  private emitError(socket: AgentSocket, event: string, message: string, code?: string): void {
    socket.emit(event, errorEnvelope(message, code));
  }

  private broadcast(agentId: string, event: string, data: unknown): void {
    this.nsp.to(roomOf(agentId)).emit(event, successEnvelope(data));
  }

  /** The agent of a logged-in socket, or sends `error` UNAUTHORIZED. */
  private requireSession(socket: AgentSocket): SocketSession | undefined {
    const session = socket.data.session;
    if (!session || !this.ctx.state.findAgent(session.agentId)) {
      this.emitError(socket, 'error', 'Unauthorized. Please login first.', 'UNAUTHORIZED');
      return undefined;
    }
    return session;
  }

  private onConnection(socket: AgentSocket): void {
    if (socket.recovered && socket.data.session) {
      this.attach(socket, socket.data.session.agentId);
    }
    this.on(socket, 'login', (payload) => this.login(socket, payload));
    this.on(socket, 'logout', () => this.logout(socket));
    this.on(socket, 'chat', (payload) => this.chat(socket, payload));
    this.on(socket, 'enhanceChat', (payload) => this.enhance(socket, payload, 'chatEnhanceResult', 'message'));
    this.on(socket, 'generateTicketBody', (payload) => this.enhance(socket, payload, 'ticketBodyResult', 'title'));
    this.on(socket, 'fileUpdate', (payload) => this.fileUpdate(socket, payload));
    this.on(socket, 'createTerminal', (payload) => this.createTerminal(socket, payload));
    this.on(socket, 'terminalInput', (payload) => this.terminalInput(socket, payload));
    this.on(socket, 'closeTerminal', (payload) => this.closeTerminal(socket, payload));
    socket.on('disconnect', () => this.detach(socket));
  }

  // ---- sessions and stats

  private attach(socket: AgentSocket, agentId: string): void {
    void socket.join(roomOf(agentId));
    let set = this.socketsByAgent.get(agentId);
    if (!set) {
      set = new Set();
      this.socketsByAgent.set(agentId, set);
    }
    set.add(socket);
    if (!this.statsTimers.has(agentId) && !this.closed) {
      const timer = setInterval(() => this.sendStats(agentId), this.options.statsIntervalMs);
      timer.unref();
      this.statsTimers.set(agentId, timer);
    }
  }

  private detach(socket: AgentSocket): void {
    const session = socket.data.session;
    if (!session) return;
    void socket.leave(roomOf(session.agentId));
    const set = this.socketsByAgent.get(session.agentId);
    set?.delete(socket);
    if (!set || set.size === 0) {
      this.socketsByAgent.delete(session.agentId);
      const timer = this.statsTimers.get(session.agentId);
      if (timer) clearInterval(timer);
      this.statsTimers.delete(session.agentId);
    }
  }

  private statsPayload(agent: AgentRecord): Record<string, unknown> {
    return {
      status: { running: agent.running },
      stats: agent.running ? fakeDockerStats(agent) : null,
      timestamp: new Date().toISOString(),
    };
  }

  private sendStats(agentId: string): void {
    const agent = this.ctx.state.findAgent(agentId);
    if (!agent) {
      // The agent was deleted: its sessions end.
      for (const socket of this.socketsByAgent.get(agentId) ?? []) {
        this.detach(socket);
        socket.data.session = undefined;
      }
      return;
    }
    this.broadcast(agentId, 'containerStats', this.statsPayload(agent));
  }

  // ---- events

  private async login(socket: AgentSocket, payload: unknown): Promise<void> {
    const body = asRecord(payload) ?? {};
    const agentId = body['agentId'];
    const password = body['password'];
    if (typeof agentId !== 'string' || typeof password !== 'string') {
      this.emitError(socket, 'loginError', 'Invalid credentials', 'INVALID_CREDENTIALS');
      return;
    }
    if (!UUID.test(agentId)) {
      // The real manager looks the id up first; PostgreSQL rejects a non-UUID before the name is tried.
      this.emitError(socket, 'loginError', `invalid input syntax for type uuid: "${agentId}"`, 'LOGIN_ERROR');
      return;
    }
    const agent = this.ctx.state.findAgent(agentId);
    if (!agent || !(await this.ctx.state.verifyAgentPassword(agentId, password))) {
      this.emitError(socket, 'loginError', 'Invalid credentials', 'INVALID_CREDENTIALS');
      return;
    }
    if (socket.data.session) {
      this.detach(socket);
    }
    socket.data.session = { agentId: agent.id, agentName: agent.name };
    this.attach(socket, agent.id);
    this.emit(socket, 'loginSuccess', { message: `Welcome, ${agent.name}!`, agentId: agent.id, agentName: agent.name });
    for (const message of this.ctx.state.chatHistory(agent.id, HISTORY_REPLAY_LIMIT)) {
      this.emit(socket, 'chatMessage', message);
    }
    this.emit(socket, 'containerStats', this.statsPayload(agent));
  }

  private logout(socket: AgentSocket): void {
    const session = socket.data.session;
    this.detach(socket);
    socket.data.session = undefined;
    socket.data.terminals = [];
    this.emit(socket, 'logoutSuccess', {
      message: 'Logged out successfully',
      agentId: session?.agentId ?? null,
      agentName: session?.agentName ?? null,
    });
  }

  private chat(socket: AgentSocket, payload: unknown): void {
    const session = this.requireSession(socket);
    if (!session) return;
    const body = asRecord(payload);
    if (!body) {
      this.emitError(socket, 'error', 'Invalid payload', 'INVALID_PAYLOAD');
      return;
    }
    const message = body['message'];
    if (typeof message !== 'string' || message.trim().length === 0) {
      return;
    }
    const ephemeral = body['ephemeral'] === true;
    const correlationId = typeof body['correlationId'] === 'string' ? body['correlationId'] : randomUUID();
    const agentId = session.agentId;
    const send = (event: string, data: unknown): void =>
      ephemeral ? this.emit(socket, event, data) : this.broadcast(agentId, event, data);
    const persist = (record: ChatMessageRecord): void => {
      if (!ephemeral) this.ctx.state.appendChatMessage(agentId, record);
    };
    let sequence = 0;
    const chatEvent = (kind: string, eventPayload: Record<string, unknown>): void =>
      send('chatEvent', {
        eventId: randomUUID(),
        agentId,
        correlationId,
        sequence: sequence++,
        timestamp: new Date().toISOString(),
        kind,
        payload: eventPayload,
      });
    /** Applies the agent filters, sends `messageFilterResult`; returns the text to go on with, or undefined if dropped. */
    const filterResult = (direction: 'incoming' | 'outgoing', text: string): string | undefined => {
      const outcome = applyAgentFilters(this.ctx.state.agentFilters.values(), direction, text);
      send('messageFilterResult', {
        direction,
        status: outcome.status,
        message: text,
        ...(outcome.modifiedMessage !== undefined ? { modifiedMessage: outcome.modifiedMessage } : {}),
        appliedFilters: outcome.appliedFilters,
        ...(outcome.matchedFilter ? { matchedFilter: outcome.matchedFilter } : {}),
        ...(outcome.action ? { action: outcome.action } : {}),
        timestamp: new Date().toISOString(),
      });
      return outcome.status === 'dropped' ? undefined : outcome.text;
    };

    const incoming = filterResult('incoming', message);
    if (incoming === undefined) return;
    const userMessage: ChatMessageRecord = { from: 'user', text: incoming, timestamp: new Date().toISOString() };
    persist(userMessage);
    send('chatMessage', userMessage);
    chatEvent('userMessage', { text: incoming });
    chatEvent('thinking', { phase: 'thinking' });

    const reply = simulatedReply(incoming);
    const parts = chunks(reply, 12);
    const step = 5;
    parts.forEach((delta, index) => {
      this.later(step * (index + 1), () => chatEvent('assistantDelta', { delta }));
    });
    this.later(step * (parts.length + 1), () => {
      const outgoing = filterResult('outgoing', reply);
      if (outgoing === undefined) return;
      const agentMessage: ChatMessageRecord = {
        from: 'agent',
        response: outgoing,
        timestamp: new Date().toISOString(),
      };
      persist(agentMessage);
      send('chatMessage', agentMessage);
      chatEvent('assistantMessage', { text: outgoing });
    });
  }

  private enhance(socket: AgentSocket, payload: unknown, event: string, field: 'message' | 'title'): void {
    if (!this.requireSession(socket)) return;
    const body = asRecord(payload) ?? {};
    const correlationId = typeof body['correlationId'] === 'string' ? body['correlationId'] : null;
    const text = body[field];
    if (typeof text !== 'string' || text.trim().length === 0) {
      this.emit(socket, event, {
        correlationId,
        success: false,
        error: { message: `${field} is required`, code: 'INVALID_PAYLOAD' },
      });
      return;
    }
    const enhancedText =
      field === 'message'
        ? `${text.trim()} (enhanced by the simulator)`
        : `## ${text.trim()}\n\nSimulated ticket body.`;
    this.emit(socket, event, { correlationId, success: true, enhancedText });
  }

  private fileUpdate(socket: AgentSocket, payload: unknown): void {
    const session = this.requireSession(socket);
    if (!session) return;
    const filePath = asRecord(payload)?.['filePath'];
    if (typeof filePath !== 'string' || filePath.length === 0) {
      this.emitError(socket, 'error', 'filePath is required', 'FILE_UPDATE_ERROR');
      return;
    }
    this.broadcast(session.agentId, 'fileUpdateNotification', {
      socketId: socket.id,
      filePath,
      timestamp: new Date().toISOString(),
    });
  }

  private createTerminal(socket: AgentSocket, payload: unknown): void {
    if (!this.requireSession(socket)) return;
    const requested = asRecord(payload)?.['sessionId'];
    const sessionId = typeof requested === 'string' && requested.length > 0 ? requested : randomUUID();
    const terminals = socket.data.terminals ?? [];
    if (!terminals.includes(sessionId)) terminals.push(sessionId);
    socket.data.terminals = terminals;
    this.emit(socket, 'terminalCreated', { sessionId });
  }

  private terminalInput(socket: AgentSocket, payload: unknown): void {
    if (!this.requireSession(socket)) return;
    const body = asRecord(payload) ?? {};
    const sessionId = body['sessionId'];
    const data = body['data'];
    if (typeof sessionId !== 'string' || !(socket.data.terminals ?? []).includes(sessionId)) {
      this.emitError(socket, 'error', 'Terminal session not found', 'TERMINAL_ERROR');
      return;
    }
    this.emit(socket, 'terminalOutput', { sessionId, data: typeof data === 'string' ? data : '' });
  }

  private closeTerminal(socket: AgentSocket, payload: unknown): void {
    if (!this.requireSession(socket)) return;
    const sessionId = asRecord(payload)?.['sessionId'];
    if (typeof sessionId !== 'string') {
      this.emitError(socket, 'error', 'sessionId is required', 'TERMINAL_ERROR');
      return;
    }
    socket.data.terminals = (socket.data.terminals ?? []).filter((id) => id !== sessionId);
    this.emit(socket, 'terminalClosed', { sessionId });
  }
}
