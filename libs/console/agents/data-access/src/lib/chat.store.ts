import { computed, DestroyRef, inject, Injectable, signal } from '@angular/core';
import { SessionStore } from '@agent-controller/console-core';
import type { ForwardableEvent, RemoteEvent } from '@agent-controller/shared-contracts';
import type { Socket } from 'socket.io-client';
import { ChatState, initialChatState, reduceChat } from './chat.state';

// Copied rather than imported: the contracts module would bring zod into the chat chunk.
const CLIENTS_NAMESPACE = '/clients';
const REDUCED_EVENTS = [
  'loginSuccess',
  'loginError',
  'chatMessage',
  'chatEvent',
  'terminalCreated',
  'terminalClosed',
  'error',
] as const satisfies readonly RemoteEvent[];
const LINK_EVENTS = [
  'setClientSuccess',
  'remoteDisconnected',
  'remoteReconnecting',
  'remoteReconnected',
  'remoteReconnectFailed',
] as const;

/**
 * A live chat with one agent over the controller's gateway (namespace `/clients`): selects the client, logs the
 * agent in (the controller uses the stored password), relays chat messages, and folds every event into
 * `state` with `reduceChat`. The socket closes with the view that provides this store.
 */
@Injectable()
export class ChatStore {
  private readonly session = inject(SessionStore);
  private socket: Socket | null = null;
  private target: { clientId: string; agentId: string } | null = null;
  private closed = false;
  private readonly terminalListeners = new Set<(data: string) => void>();

  readonly state = signal<ChatState>(initialChatState);
  readonly entries = computed(() => this.state().entries);
  readonly link = computed(() => this.state().link);
  readonly canSend = computed(() => this.state().link === 'linked' && this.state().loggedIn);

  constructor() {
    inject(DestroyRef).onDestroy(() => this.close());
  }

  /** Opens the socket (socket.io-client is loaded on first use, so it stays out of other chunks). */
  async connect(clientId: string, agentId: string): Promise<void> {
    this.target = { clientId, agentId };
    this.state.set(initialChatState);
    const { io } = await import('socket.io-client');
    if (this.closed) return;
    const socket = io(CLIENTS_NAMESPACE, {
      // A function, so a reconnection sends the session's current credential.
      auth: (send) => send({ Authorization: `Bearer ${this.session.token() ?? ''}` }),
      transports: ['websocket'],
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.apply('connect');
      this.selectAndLogIn();
    });
    socket.on('disconnect', (reason) => this.apply('disconnect', { reason }));
    socket.on('connect_error', (error) =>
      this.apply('connect_error', { message: error.message, active: socket.active }),
    );
    for (const name of [...REDUCED_EVENTS, ...LINK_EVENTS]) {
      socket.on(name, (payload: unknown) => this.apply(name, payload));
    }
    socket.on('terminalOutput', (envelope: { data?: { sessionId?: string; data?: string } }) => {
      const output = envelope?.data;
      if (output?.sessionId && output.sessionId === this.state().terminal && typeof output.data === 'string') {
        for (const listener of this.terminalListeners) listener(output.data);
      }
    });
    // The controller logs the agent in again itself after a reconnect; after `setClientSuccess` we log in.
    socket.on('setClientSuccess', () => this.forward('login'));
  }

  /** Sends a message; the reply streams in as `assistantDelta` events. */
  send(message: string): void {
    const text = message.trim();
    if (!text) return;
    this.forward('chat', { message: text, correlationId: crypto.randomUUID(), responseMode: 'stream' });
  }

  /** Asks the agent for a shell; `terminalCreated` sets `state().terminal`. */
  openTerminal(): void {
    this.forward('createTerminal', {});
  }

  terminalInput(data: string): void {
    const sessionId = this.state().terminal;
    if (sessionId) this.forward('terminalInput', { sessionId, data });
  }

  closeTerminal(): void {
    const sessionId = this.state().terminal;
    if (sessionId) this.forward('closeTerminal', { sessionId });
  }

  /** Calls `listener` with each output chunk of the open terminal; returns the unsubscribe function. */
  onTerminalOutput(listener: (data: string) => void): () => void {
    this.terminalListeners.add(listener);
    return () => this.terminalListeners.delete(listener);
  }

  /** After `remoteReconnectFailed`: select the client again (which logs the agent in again). */
  retry(): void {
    this.apply('connect');
    if (this.socket?.connected) this.selectAndLogIn();
    else this.socket?.connect();
  }

  close(): void {
    this.closed = true;
    this.terminalListeners.clear();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  private selectAndLogIn(): void {
    if (this.target) this.socket?.emit('setClient', { clientId: this.target.clientId });
  }

  private forward(event: ForwardableEvent, payload?: unknown): void {
    if (!this.target) return;
    this.socket?.emit('forward', { event, agentId: this.target.agentId, ...(payload ? { payload } : {}) });
  }

  private apply(name: string, payload?: unknown): void {
    this.state.update((state) => reduceChat(state, { name, payload }));
  }
}
