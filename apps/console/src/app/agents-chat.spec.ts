import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  AgentsStore,
  ChatSocketEvent,
  ChatState,
  initialChatState,
  reduceChat,
} from '@agent-controller/console-agents-data-access';

const T = '2026-11-23T00:00:00.000Z';
const ok = (data: unknown) => ({ success: true, data, timestamp: T });
const chatEvent = (correlationId: string, sequence: number, kind: string, payload: unknown) =>
  ok({ eventId: `ev${sequence}`, agentId: 'a1', correlationId, sequence, timestamp: T, kind, payload });

function run(events: ChatSocketEvent[], state: ChatState = initialChatState): ChatState {
  return events.reduce(reduceChat, state);
}

const loggedIn = run([
  { name: 'connect' },
  { name: 'setClientSuccess', payload: { clientId: 'c1' } },
  { name: 'loginSuccess', payload: ok({ message: 'Welcome, Ada!', agentId: 'a1', agentName: 'Ada' }) },
]);

describe('reduceChat', () => {
  it('links, logs in and replays the history', () => {
    const state = run(
      [
        { name: 'chatMessage', payload: ok({ from: 'user', text: 'hello', timestamp: T }) },
        { name: 'chatMessage', payload: ok({ from: 'agent', response: { text: 'hi there' }, timestamp: T }) },
        { name: 'chatMessage', payload: ok({ from: 'agent', response: 'plain', timestamp: T }) },
      ],
      loggedIn,
    );
    expect(loggedIn.link).toBe('linked');
    expect(loggedIn.loggedIn).toBe(true);
    expect(loggedIn.agentName).toBe('Ada');
    expect(state.entries.map((entry) => [entry.type, 'text' in entry ? entry.text : ''])).toEqual([
      ['user', 'hello'],
      ['assistant', 'hi there'],
      ['assistant', 'plain'],
    ]);
  });

  it('assembles streamed deltas into one answer, completed once by chatMessage and assistantMessage', () => {
    const during = run(
      [
        { name: 'chatMessage', payload: ok({ from: 'user', text: 'count', timestamp: T }) },
        { name: 'chatEvent', payload: chatEvent('k1', 0, 'userMessage', { text: 'count' }) },
        { name: 'chatEvent', payload: chatEvent('k1', 1, 'thinking', { phase: 'thinking' }) },
        { name: 'chatEvent', payload: chatEvent('k1', 2, 'assistantDelta', { delta: 'one, ' }) },
        { name: 'chatEvent', payload: chatEvent('k1', 3, 'assistantDelta', { delta: 'two' }) },
      ],
      loggedIn,
    );
    expect(during.thinking).toBe(true);
    expect(during.entries).toHaveLength(2);
    expect(during.entries[1]).toMatchObject({ type: 'assistant', text: 'one, two', streaming: true });

    const after = run(
      [
        { name: 'chatMessage', payload: ok({ from: 'agent', response: 'one, two, three', timestamp: T }) },
        { name: 'chatEvent', payload: chatEvent('k1', 4, 'assistantMessage', { text: 'one, two, three' }) },
      ],
      during,
    );
    expect(after.entries).toHaveLength(2);
    expect(after.entries[1]).toMatchObject({ type: 'assistant', text: 'one, two, three', streaming: false });
    expect(after.thinking).toBe(false);
    expect(after.activeTurn).toBeNull();
  });

  it('keeps a non-streamed answer single when chatMessage comes before assistantMessage', () => {
    const state = run(
      [
        { name: 'chatEvent', payload: chatEvent('k2', 1, 'thinking', {}) },
        { name: 'chatMessage', payload: ok({ from: 'agent', response: 'done', timestamp: T }) },
        { name: 'chatEvent', payload: chatEvent('k2', 2, 'assistantMessage', { text: 'done' }) },
      ],
      loggedIn,
    );
    expect(state.entries).toEqual([expect.objectContaining({ type: 'assistant', text: 'done', correlationId: 'k2' })]);
  });

  it('shows a tool call and its result as one entry', () => {
    const state = run(
      [
        {
          name: 'chatEvent',
          payload: chatEvent('k3', 1, 'toolCall', {
            toolCallId: 't1',
            name: 'ls',
            args: { path: '/' },
            status: 'running',
          }),
        },
        {
          name: 'chatEvent',
          payload: chatEvent('k3', 2, 'toolResult', { toolCallId: 't1', name: 'ls', result: 'a b' }),
        },
      ],
      loggedIn,
    );
    expect(state.entries).toEqual([
      expect.objectContaining({
        type: 'tool',
        name: 'ls',
        args: { path: '/' },
        result: 'a b',
        done: true,
        isError: false,
      }),
    ]);
  });

  it('follows the link: disconnected, reconnecting, reconnected, failed and retried', () => {
    const reconnecting = run(
      [
        { name: 'remoteDisconnected', payload: { clientId: 'c1', reason: 'transport close' } },
        { name: 'remoteReconnecting', payload: { clientId: 'c1', attempt: 2 } },
      ],
      loggedIn,
    );
    expect(reconnecting.link).toBe('reconnecting');
    expect(reconnecting.attempt).toBe(2);

    const back = reduceChat(reconnecting, { name: 'remoteReconnected', payload: { clientId: 'c1', agentId: 'a1' } });
    expect(back.link).toBe('linked');
    expect(back.loggedIn).toBe(true);
    expect(back.entries.at(-1)).toMatchObject({ type: 'notice', text: 'Reconnected to the agent-manager' });

    const failed = reduceChat(reconnecting, {
      name: 'remoteReconnectFailed',
      payload: { clientId: 'c1', attempts: 5 },
    });
    expect(failed.link).toBe('failed');
    expect(failed.loggedIn).toBe(false);

    const stillDown = run(
      [
        { name: 'connect' },
        {
          name: 'error',
          payload: {
            success: false,
            source: 'controller',
            event: 'setClient',
            error: { code: 'REMOTE_UNREACHABLE', message: 'The remote cannot be reached' },
          },
        },
      ],
      failed,
    );
    expect(stillDown.link).toBe('failed');

    const retried = run([{ name: 'connect' }, { name: 'setClientSuccess', payload: { clientId: 'c1' } }], stillDown);
    expect(retried.link).toBe('linked');
  });

  it('tells a dropped browser socket (retried by socket.io) from a refused one (retry offered)', () => {
    expect(reduceChat(loggedIn, { name: 'disconnect', payload: { reason: 'transport close' } }).link).toBe('offline');
    expect(reduceChat(loggedIn, { name: 'disconnect', payload: { reason: 'io server disconnect' } }).link).toBe(
      'failed',
    );
    const refused = reduceChat(initialChatState, {
      name: 'connect_error',
      payload: { message: 'Unauthorized', active: false },
    });
    expect(refused.link).toBe('failed');
    expect(refused.error).toBe('Cannot connect to the controller: Unauthorized');
  });

  it("shows the gateway's errors with their source and code", () => {
    const state = reduceChat(loggedIn, {
      name: 'error',
      payload: {
        success: false,
        source: 'controller',
        event: 'forward',
        forwardedEvent: 'login',
        error: { code: 'AGENT_CREDENTIALS_MISSING', message: 'No stored password' },
        timestamp: T,
      },
    });
    expect(state.entries.at(-1)).toMatchObject({
      type: 'notice',
      tone: 'error',
      text: 'Controller (login): No stored password [AGENT_CREDENTIALS_MISSING]',
    });
    const denied = reduceChat(loggedIn, {
      name: 'loginError',
      payload: { success: false, error: { message: 'Invalid credentials', code: 'INVALID_CREDENTIALS' } },
    });
    expect(denied.error).toBe('Login failed: Agent: Invalid credentials [INVALID_CREDENTIALS]');
  });
});

describe('reduceChat terminals', () => {
  it('opens and closes the terminal session, and forgets it when the link drops', () => {
    const open = reduceChat(loggedIn, { name: 'terminalCreated', payload: ok({ sessionId: 's1' }) });
    expect(open.terminal).toBe('s1');
    expect(reduceChat(open, { name: 'terminalClosed', payload: ok({ sessionId: 'other' }) }).terminal).toBe('s1');
    expect(reduceChat(open, { name: 'terminalClosed', payload: ok({ sessionId: 's1' }) }).terminal).toBeNull();
    expect(
      reduceChat(open, { name: 'remoteDisconnected', payload: { clientId: 'c1', reason: 'x' } }).terminal,
    ).toBeNull();
  });
});

describe('AgentsStore', () => {
  function setUp() {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), AgentsStore],
    });
    return { store: TestBed.inject(AgentsStore), http: TestBed.inject(HttpTestingController) };
  }

  it('lists the agents of a client and runs lifecycle actions', async () => {
    const { store, http } = setUp();
    const loading = store.load('c1');
    http.expectOne((request) => request.url === '/api/clients/c1/agents').flush([{ id: 'a1', name: 'Ada' }]);
    await loading;
    expect(store.agents().map((agent) => agent.name)).toEqual(['Ada']);

    const stopping = store.act({ id: 'a1', name: 'Ada' }, 'stop');
    expect(store.busy()).toEqual({ agentId: 'a1', action: 'stop' });
    const request = http.expectOne('/api/clients/c1/agents/a1/stop');
    expect(request.request.method).toBe('POST');
    request.flush({ id: 'a1', name: 'Ada' });
    expect(await stopping).toBe(true);
    expect(store.notice()).toBe('Ada: stopped');
    expect(store.busy()).toBeNull();
  });
});
