/**
 * The chat view's state as a pure reduction of the gateway's events (contract §6 plus the gateway's own link
 * events), so it is tested without a socket. Remote events arrive in the remote's envelope
 * (`{success, data | error, timestamp}`); the gateway's own events arrive bare.
 */

/** One line of the transcript. */
export type ChatEntry =
  | { type: 'user'; id: string; text: string; timestamp?: string }
  | { type: 'assistant'; id: string; text: string; streaming: boolean; correlationId?: string; timestamp?: string }
  | {
      type: 'tool';
      id: string;
      toolCallId: string;
      name: string;
      args?: unknown;
      status?: string;
      result?: unknown;
      isError?: boolean;
      done: boolean;
    }
  | { type: 'notice'; id: string; text: string; tone: 'info' | 'error' };

/**
 * The link to the agent: `connecting` (socket and `setClient`), `linked` (client selected), `reconnecting`
 * (the controller lost its link to the remote and retries), `failed` (it gave up: retry), `offline` (the browser
 * socket itself is down; socket.io reconnects it).
 */
export type LinkState = 'connecting' | 'linked' | 'reconnecting' | 'failed' | 'offline';

export interface ChatState {
  link: LinkState;
  /** The attempt of `remoteReconnecting`. */
  attempt: number;
  loggedIn: boolean;
  agentName: string | null;
  /** The agent is working on an answer (between `thinking`/the user's message and the final answer). */
  thinking: boolean;
  /** The turn whose answer is awaited: `chatMessage` carries no correlation id, the `chatEvent`s do. */
  activeTurn: string | null;
  entries: ChatEntry[];
  /** The session id of the open terminal, if any (its output goes straight to the terminal, not here). */
  terminal: string | null;
  /** The last failure (gateway `error`, `loginError`, handshake refusal), shown until the next success. */
  error: string | null;
  /** Counter for entry ids. */
  seq: number;
}

/** A socket event by name with its payload as received. */
export interface ChatSocketEvent {
  name: string;
  payload?: unknown;
}

export const initialChatState: ChatState = {
  link: 'connecting',
  attempt: 0,
  loggedIn: false,
  agentName: null,
  thinking: false,
  activeTurn: null,
  entries: [],
  terminal: null,
  error: null,
  seq: 0,
};

type Dict = Record<string, unknown>;

function asDict(value: unknown): Dict {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Dict) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The `data` of a success envelope (or the payload itself when it is not an envelope). */
function dataOf(payload: unknown): Dict {
  const body = asDict(payload);
  return 'success' in body && 'data' in body ? asDict(body['data']) : body;
}

/** The message of a failure envelope: `{success:false, error:{message, code}}`, the gateway adds `source`. */
export function failureMessage(payload: unknown): string {
  const body = asDict(payload);
  const error = asDict(body['error']);
  const message = str(error['message']) ?? str(body['message']) ?? 'Unknown error';
  const code = str(error['code']) ?? str(body['code']);
  const forwarded = str(body['forwardedEvent']);
  const where = body['source'] === 'controller' ? 'Controller' : 'Agent';
  return `${where}${forwarded ? ` (${forwarded})` : ''}: ${message}${code ? ` [${code}]` : ''}`;
}

/** An agent's answer may be text or an object (contract §6): text is shown as is, else a known field or JSON. */
export function responseText(response: unknown): string {
  if (typeof response === 'string') return response;
  const body = asDict(response);
  for (const key of ['text', 'result', 'message', 'response']) {
    const value = str(body[key]);
    if (value !== undefined) return value;
  }
  return JSON.stringify(response);
}

/** `ChatEntry` without its id, per variant. */
type NewEntry = ChatEntry extends infer E ? (E extends ChatEntry ? Omit<E, 'id'> : never) : never;

function push(state: ChatState, entry: NewEntry): ChatState {
  const id = `e${state.seq + 1}`;
  return { ...state, seq: state.seq + 1, entries: [...state.entries, { ...entry, id } as ChatEntry] };
}

function notice(state: ChatState, text: string, tone: 'info' | 'error' = 'info'): ChatState {
  return push(state, { type: 'notice', text, tone });
}

/** The index of the assistant entry answering `correlationId`, else of the one still streaming. */
function assistantIndex(entries: ChatEntry[], correlationId: string | undefined): number {
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index];
    if (entry.type !== 'assistant') continue;
    if (correlationId !== undefined && entry.correlationId === correlationId) return index;
    if (correlationId === undefined && entry.streaming) return index;
  }
  return -1;
}

function replaceAt(state: ChatState, index: number, entry: ChatEntry): ChatState {
  const entries = state.entries.slice();
  entries[index] = entry;
  return { ...state, entries };
}

/** Adds to (or creates) the answer of a turn. */
function upsertAssistant(
  state: ChatState,
  correlationId: string | undefined,
  change: { delta?: string; text?: string; final: boolean; timestamp?: string },
): ChatState {
  const index = assistantIndex(state.entries, correlationId);
  if (index === -1) {
    return push(state, {
      type: 'assistant',
      text: change.text ?? change.delta ?? '',
      streaming: !change.final,
      correlationId,
      timestamp: change.timestamp,
    });
  }
  const current = state.entries[index] as Extract<ChatEntry, { type: 'assistant' }>;
  return replaceAt(state, index, {
    ...current,
    correlationId: current.correlationId ?? correlationId,
    text: change.text ?? current.text + (change.delta ?? ''),
    streaming: current.streaming && !change.final,
    timestamp: change.timestamp ?? current.timestamp,
  });
}

function upsertTool(state: ChatState, payload: Dict, result: boolean): ChatState {
  const toolCallId = str(payload['toolCallId']) ?? `${str(payload['name']) ?? 'tool'}-${state.seq}`;
  const index = state.entries.findIndex((entry) => entry.type === 'tool' && entry.toolCallId === toolCallId);
  const base =
    index === -1
      ? { type: 'tool' as const, id: '', toolCallId, name: str(payload['name']) ?? 'tool', done: false }
      : (state.entries[index] as Extract<ChatEntry, { type: 'tool' }>);
  const next: Extract<ChatEntry, { type: 'tool' }> = result
    ? { ...base, result: payload['result'], isError: payload['isError'] === true, done: true }
    : { ...base, args: payload['args'], status: str(payload['status']) ?? base.status };
  if (str(payload['name'])) next.name = str(payload['name']) as string;
  if (index !== -1) return replaceAt(state, index, next);
  const { id: _id, ...rest } = next;
  void _id;
  return push(state, rest);
}

function reduceChatEvent(state: ChatState, event: Dict): ChatState {
  const kind = str(event['kind']);
  const payload = asDict(event['payload']);
  const correlationId = str(event['correlationId']);
  const timestamp = str(event['timestamp']);
  switch (kind) {
    case 'userMessage':
      // The text came as `chatMessage` already; this marks the turn whose answer follows.
      return { ...state, activeTurn: correlationId ?? state.activeTurn, thinking: true };
    case 'thinking':
      return { ...state, activeTurn: correlationId ?? state.activeTurn, thinking: true };
    case 'assistantDelta':
      return upsertAssistant({ ...state, thinking: true }, correlationId, {
        delta: str(payload['delta']) ?? '',
        final: false,
        timestamp,
      });
    case 'assistantMessage': {
      const next = upsertAssistant(state, correlationId, { text: str(payload['text']), final: true, timestamp });
      return { ...next, thinking: false, activeTurn: state.activeTurn === correlationId ? null : state.activeTurn };
    }
    case 'toolCall':
      return upsertTool(state, payload, false);
    case 'toolResult':
      return upsertTool(state, payload, true);
    case 'status':
      return notice(state, str(payload['message']) ?? 'Status changed');
    case 'question':
      return notice(state, `Question: ${str(payload['prompt']) ?? ''}`);
    case 'error':
      return { ...notice(state, `Agent error: ${str(payload['message']) ?? 'unknown'}`, 'error'), thinking: false };
    default:
      return state;
  }
}

/** The next state after one socket event. Unknown events leave the state as it is. */
export function reduceChat(state: ChatState, event: ChatSocketEvent): ChatState {
  const body = asDict(event.payload);
  const failed = body['success'] === false;
  switch (event.name) {
    case 'connect':
      return { ...state, link: 'connecting', error: null };
    case 'disconnect':
      // The server closing the socket (e.g. access withdrawn) is final for socket.io: offer a retry.
      return {
        ...state,
        link: body['reason'] === 'io server disconnect' ? 'failed' : 'offline',
        loggedIn: false,
        thinking: false,
        terminal: null,
      };
    case 'connect_error':
      // A refused handshake is not retried by socket.io (`active` false); a network failure is.
      return {
        ...state,
        link: body['active'] === false ? 'failed' : 'offline',
        error: `Cannot connect to the controller: ${str(body['message']) ?? 'unknown error'}`,
      };
    case 'setClientSuccess':
      return { ...state, link: 'linked', attempt: 0, error: null };
    case 'loginSuccess': {
      // The remote replays the history after every login: start the transcript again.
      const data = dataOf(event.payload);
      return {
        ...state,
        loggedIn: true,
        agentName: str(data['agentName']) ?? state.agentName,
        entries: [],
        activeTurn: null,
        thinking: false,
        error: null,
      };
    }
    case 'loginError':
      return { ...state, loggedIn: false, error: `Login failed: ${failureMessage(event.payload)}` };
    case 'chatMessage': {
      if (failed) return state;
      const data = dataOf(event.payload);
      const timestamp = str(data['timestamp']);
      if (data['from'] === 'user') return push(state, { type: 'user', text: str(data['text']) ?? '', timestamp });
      // The agent's full answer; in a live turn it completes the streamed entry, in the replay it is new.
      const next = upsertAssistant(state, state.activeTurn ?? undefined, {
        text: responseText(data['response']),
        final: true,
        timestamp,
      });
      return { ...next, thinking: false };
    }
    case 'chatEvent':
      return failed ? state : reduceChatEvent(state, dataOf(event.payload));
    case 'remoteDisconnected':
      // The remote's terminal sessions belong to the link that dropped.
      return { ...state, link: 'reconnecting', attempt: 0, terminal: null };
    case 'terminalCreated':
      return failed ? state : { ...state, terminal: str(dataOf(event.payload)['sessionId']) ?? null };
    case 'terminalClosed':
      return str(dataOf(event.payload)['sessionId']) === state.terminal ? { ...state, terminal: null } : state;
    case 'remoteReconnecting':
      return { ...state, link: 'reconnecting', attempt: Number(body['attempt']) || state.attempt + 1 };
    case 'remoteReconnected':
      return {
        ...notice(state, 'Reconnected to the agent-manager'),
        link: 'linked',
        attempt: 0,
        loggedIn: typeof body['agentId'] === 'string' ? true : state.loggedIn,
      };
    case 'remoteReconnectFailed':
      return { ...state, link: 'failed', loggedIn: false, thinking: false };
    case 'error': {
      const next = { ...notice(state, failureMessage(event.payload), 'error'), thinking: false };
      // Selecting the client failed (e.g. the remote is still unreachable after a retry): offer the retry again.
      return body['event'] === 'setClient' ? { ...next, link: 'failed' as const } : next;
    }
    default:
      return state;
  }
}
