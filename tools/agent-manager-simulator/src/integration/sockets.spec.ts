import { io, type Socket } from 'socket.io-client';

import type { SimulatorHandle } from '../simulator';
import { AUTH, CONTROL_AUTH, createAgent, http, startTestSimulator, UNKNOWN_ID } from '../testing/helpers';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Envelope {
  success: boolean;
  data?: Record<string, unknown>;
  error?: { message: string; code?: string };
  timestamp: string;
}

interface Received {
  event: string;
  body: Envelope;
}

/** A connected client that records every event it receives, in order. */
class Client {
  readonly received: Received[] = [];
  private readonly waiters: { match: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  constructor(readonly socket: Socket) {
    socket.onAny((event: string, body: Envelope) => {
      const entry = { event, body };
      this.received.push(entry);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(entry)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(entry);
        }
      }
    });
  }

  /** The next event matching (including already received ones after `from`). */
  next(event: string, predicate: (body: Envelope) => boolean = () => true, from = 0): Promise<Envelope> {
    const match = (r: Received): boolean => r.event === event && predicate(r.body);
    const existing = this.received.slice(from).find(match);
    if (existing) return Promise.resolve(existing.body);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), 3000);
      this.waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r.body);
        },
      });
    });
  }

  events(from = 0): string[] {
    return this.received.slice(from).map((r) => r.event);
  }

  emit(event: string, payload?: unknown): void {
    this.socket.emit(event, payload);
  }
}

describe('Socket.IO namespace agents (contract §6)', () => {
  let sim: SimulatorHandle;
  let agent: { id: string; password: string; name: string };
  const clients: Client[] = [];

  async function connect(): Promise<Client> {
    const socket = io(sim.wsUrl, { transports: ['websocket'], reconnection: false, forceNew: true });
    const client = new Client(socket);
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return client;
  }

  async function loggedIn(): Promise<Client> {
    const client = await connect();
    client.emit('login', { agentId: agent.id, password: agent.password });
    await client.next('containerStats');
    return client;
  }

  beforeEach(async () => {
    sim = await startTestSimulator({ statsIntervalMs: 100 });
    const created = await createAgent(sim, { name: 'socket-agent' });
    agent = { id: created.id, password: created.password, name: 'socket-agent' };
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.disconnect();
    await sim.close();
  });

  it('reports wsUrl on the agents namespace', () => {
    expect(sim.wsUrl).toBe(`http://127.0.0.1:${sim.wsPort}/agents`);
    expect(sim.wsPort).not.toBe(sim.port);
  });

  it('rejects commands before login with UNAUTHORIZED', async () => {
    const client = await connect();
    for (const event of ['chat', 'fileUpdate', 'createTerminal', 'terminalInput', 'closeTerminal']) {
      const from = client.received.length;
      client.emit(event, { message: 'hi', filePath: 'a', sessionId: 's', data: 'x' });
      const body = await client.next('error', () => true, from);
      expect(body).toEqual({
        success: false,
        error: { message: 'Unauthorized. Please login first.', code: 'UNAUTHORIZED' },
        timestamp: expect.stringMatching(ISO),
      });
    }
  });

  it('logs in with the UUID and password: loginSuccess then containerStats', async () => {
    const client = await connect();
    client.emit('login', { agentId: agent.id, password: agent.password });
    const success = await client.next('loginSuccess');
    expect(success).toEqual({
      success: true,
      data: { message: 'Welcome, socket-agent!', agentId: agent.id, agentName: 'socket-agent' },
      timestamp: expect.stringMatching(ISO),
    });
    const stats = await client.next('containerStats');
    expect(stats.success).toBe(true);
    expect(stats.data).toMatchObject({ status: { running: true }, timestamp: expect.stringMatching(ISO) });
    expect(stats.data?.['stats']).toMatchObject({ memory_stats: expect.any(Object), cpu_stats: expect.any(Object) });
    expect(client.events()).toEqual(['loginSuccess', 'containerStats']);
  });

  it('answers loginError INVALID_CREDENTIALS for a wrong password or unknown agent', async () => {
    const client = await connect();
    client.emit('login', { agentId: agent.id, password: 'wrong' });
    expect((await client.next('loginError')).error).toEqual({
      message: 'Invalid credentials',
      code: 'INVALID_CREDENTIALS',
    });
    const from = client.received.length;
    client.emit('login', { agentId: UNKNOWN_ID, password: agent.password });
    expect((await client.next('loginError', () => true, from)).error?.code).toBe('INVALID_CREDENTIALS');
  });

  it('answers loginError LOGIN_ERROR when logging in by name', async () => {
    const client = await connect();
    client.emit('login', { agentId: 'socket-agent', password: agent.password });
    const body = await client.next('loginError');
    expect(body.success).toBe(false);
    expect(body.error?.code).toBe('LOGIN_ERROR');
  });

  it('streams a chat reply in the contract order to every socket of the agent', async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    const fromA = a.received.length;
    const fromB = b.received.length;
    a.emit('chat', { message: 'hello', correlationId: 'c-1', responseMode: 'stream' });
    const assistant = await a.next('chatEvent', (body) => body.data?.['kind'] === 'assistantMessage', fromA);
    await b.next('chatEvent', (body) => body.data?.['kind'] === 'assistantMessage', fromB);

    const chatOnly = (client: Client, from: number): Received[] =>
      client.received.slice(from).filter((r) => r.event !== 'containerStats');
    const seq = chatOnly(a, fromA);
    const names = seq.map((r) => (r.event === 'chatEvent' ? `chatEvent:${String(r.body.data?.['kind'])}` : r.event));
    expect(names.slice(0, 4)).toEqual([
      'messageFilterResult',
      'chatMessage',
      'chatEvent:userMessage',
      'chatEvent:thinking',
    ]);
    const deltas = names.filter((n) => n === 'chatEvent:assistantDelta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(names.slice(4, 4 + deltas.length)).toEqual(deltas);
    expect(names.slice(4 + deltas.length)).toEqual([
      'messageFilterResult',
      'chatMessage',
      'chatEvent:assistantMessage',
    ]);

    expect(seq[0]?.body.data).toMatchObject({
      direction: 'incoming',
      status: 'allowed',
      message: 'hello',
      appliedFilters: [],
    });
    expect(seq[1]?.body.data).toEqual({ from: 'user', text: 'hello', timestamp: expect.stringMatching(ISO) });
    expect(seq[2]?.body.data).toMatchObject({
      eventId: expect.any(String),
      agentId: agent.id,
      correlationId: 'c-1',
      sequence: 0,
      kind: 'userMessage',
      payload: { text: 'hello' },
    });
    expect(seq[3]?.body.data).toMatchObject({ sequence: 1, kind: 'thinking' });
    const streamed = seq
      .filter((r) => r.body.data?.['kind'] === 'assistantDelta')
      .map((r) => (r.body.data?.['payload'] as { delta: string }).delta)
      .join('');
    const reply = (assistant.data?.['payload'] as { text: string }).text;
    expect(streamed).toBe(reply);
    const agentMessage = seq[seq.length - 2]?.body.data;
    expect(agentMessage).toEqual({ from: 'agent', response: reply, timestamp: expect.stringMatching(ISO) });
    expect(seq[seq.length - 3]?.body.data).toMatchObject({ direction: 'outgoing', message: reply });
    const sequences = seq.filter((r) => r.event === 'chatEvent').map((r) => r.body.data?.['sequence']);
    expect(sequences).toEqual(sequences.map((_, i) => i));

    expect(chatOnly(b, fromB).map((r) => r.event)).toEqual(seq.map((r) => r.event));
  });

  it('applies agent filters: filtered incoming text, dropped outgoing reply', async () => {
    await http(sim)
      .post('/api/agents-filters')
      .set(AUTH)
      .send({ pattern: 'secret', direction: 'incoming', filterType: 'filter', replaceContent: '***' });
    const client = await loggedIn();
    let from = client.received.length;
    client.emit('chat', { message: 'my secret' });
    const assistant = await client.next('chatEvent', (body) => body.data?.['kind'] === 'assistantMessage', from);
    expect((assistant.data?.['payload'] as { text: string }).text).toContain('my ***');
    const incoming = await client.next('messageFilterResult', () => true, from);
    expect(incoming.data).toMatchObject({
      direction: 'incoming',
      status: 'filtered',
      message: 'my secret',
      modifiedMessage: 'my ***',
      appliedFilters: [expect.objectContaining({ type: 'regex', matched: true })],
    });

    await http(sim)
      .post('/api/agents-filters')
      .set(AUTH)
      .send({ pattern: 'reply', direction: 'outgoing', filterType: 'drop' });
    from = client.received.length;
    client.emit('chat', { message: 'hello' });
    const outgoing = await client.next('messageFilterResult', (body) => body.data?.['direction'] === 'outgoing', from);
    expect(outgoing.data).toMatchObject({ status: 'dropped', action: 'drop' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const agentMessages = client.received
      .slice(from)
      .filter((r) => r.event === 'chatMessage' && r.body.data?.['from'] === 'agent');
    expect(agentMessages).toEqual([]);
  });

  it('ignores an empty chat message silently', async () => {
    const client = await loggedIn();
    const from = client.received.length;
    client.emit('chat', { message: '' });
    client.emit('chat', { message: 'after' });
    await client.next('chatEvent', (body) => body.data?.['kind'] === 'assistantMessage', from);
    const userMessages = client.received
      .slice(from)
      .filter((r) => r.event === 'chatMessage' && r.body.data?.['from'] === 'user');
    expect(userMessages.map((r) => r.body.data?.['text'])).toEqual(['after']);
  });

  it('replays the last 20 persisted messages after loginSuccess', async () => {
    const client = await loggedIn();
    for (let i = 0; i < 11; i++) {
      const from = client.received.length;
      client.emit('chat', { message: `m${i}` });
      await client.next('chatEvent', (body) => body.data?.['kind'] === 'assistantMessage', from);
    }
    const later = await connect();
    later.emit('login', { agentId: agent.id, password: agent.password });
    await later.next('containerStats');
    const events = later.events();
    expect(events[0]).toBe('loginSuccess');
    expect(events.slice(1, 21)).toEqual(Array(20).fill('chatMessage'));
    expect(events[21]).toBe('containerStats');
    const replay = later.received.slice(1, 21).map((r) => r.body.data);
    expect(replay[0]).toMatchObject({ from: 'user', text: 'm1' });
    expect(replay[1]).toMatchObject({ from: 'agent', response: expect.stringContaining('m1') });
    expect(replay[19]).toMatchObject({ from: 'agent', response: expect.stringContaining('m10') });
  });

  it('broadcasts fileUpdateNotification to all sockets on the agent, sender included', async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    a.emit('fileUpdate', { filePath: 'src/index.ts' });
    const expected = { socketId: a.socket.id, filePath: 'src/index.ts', timestamp: expect.stringMatching(ISO) };
    expect((await a.next('fileUpdateNotification')).data).toEqual(expected);
    expect((await b.next('fileUpdateNotification')).data).toEqual(expected);
  });

  it('creates, echoes and closes terminals', async () => {
    const client = await loggedIn();
    client.emit('createTerminal', { sessionId: 't-1', shell: 'sh' });
    expect((await client.next('terminalCreated')).data).toEqual({ sessionId: 't-1' });
    client.emit('terminalInput', { sessionId: 't-1', data: 'ls\n' });
    expect((await client.next('terminalOutput')).data).toEqual({ sessionId: 't-1', data: 'ls\n' });
    client.emit('closeTerminal', { sessionId: 't-1' });
    expect((await client.next('terminalClosed')).data).toEqual({ sessionId: 't-1' });

    const from = client.received.length;
    client.emit('createTerminal', {});
    const generated = (await client.next('terminalCreated', () => true, from)).data?.['sessionId'];
    expect(typeof generated).toBe('string');
  });

  it('sends containerStats periodically while logged in and stops after logout', async () => {
    const client = await loggedIn();
    const from = client.received.length;
    await client.next('containerStats', () => true, from);
    client.emit('logout');
    expect((await client.next('logoutSuccess')).data).toEqual({
      message: 'Logged out successfully',
      agentId: agent.id,
      agentName: 'socket-agent',
    });
    const after = client.received.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.events(after)).toEqual([]);
    client.emit('chat', { message: 'x' });
    expect((await client.next('error')).error?.code).toBe('UNAUTHORIZED');
  });

  it('drops every socket through the control API', async () => {
    const client = await loggedIn();
    const disconnected = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    const res = await http(sim).post('/_simulator/sockets/drop').set(CONTROL_AUTH);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ dropped: 1 });
    expect(await disconnected).toBe('transport close');
  });

  it('applies the latency fault to socket replies', async () => {
    const client = await connect();
    sim.setFaults({ latencyMs: 150 });
    const started = Date.now();
    client.emit('login', { agentId: agent.id, password: agent.password });
    await client.next('loginSuccess');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
