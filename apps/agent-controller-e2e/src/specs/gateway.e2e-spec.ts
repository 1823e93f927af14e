import { randomUUID } from 'node:crypto';
import { GatewayClient, handshakeRefusal } from '../support/gateway-client';
import { Api, setUpFirstAdmin } from '../support/http';
import { freePort, RunningController, startController } from '../support/controller-process';
import { RunningSimulator, startSimulator } from '../support/simulator-process';

const PASSWORD = 'correct horse battery';
const GIT_URL = 'https://git.example.com/agents.git';

/** Polls until `check` holds (state on another process changes asynchronously). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Socket.IO gateway (namespace /clients)', () => {
  let remote: RunningSimulator;
  let other: RunningSimulator;
  let controller: RunningController;
  let api: Api;
  let admin: string;
  let clientId: string;
  let otherClientId: string;
  const open: GatewayClient[] = [];

  async function createClient(sim: RunningSimulator, name: string): Promise<string> {
    const response = await api.post(
      '/api/clients',
      { name, endpoint: sim.url, authenticationType: 'api_key', apiKey: sim.apiKey, agentWsPort: sim.wsPort },
      { token: admin },
    );
    expect(response.status).toBe(201);
    return response.body.id;
  }

  async function connect(token = admin): Promise<GatewayClient> {
    const client = await GatewayClient.connect(controller.baseUrl, `Bearer ${token}`);
    open.push(client);
    return client;
  }

  async function linked(target = clientId, token = admin): Promise<GatewayClient> {
    const browser = await connect(token);
    browser.emit('setClient', { clientId: target });
    await browser.next('setClientSuccess');
    return browser;
  }

  async function createAgent(name: string): Promise<string> {
    const created = await api.post(`/api/clients/${clientId}/agents`, { name }, { token: admin });
    if (created.status !== 201) throw new Error(`agent create answered ${created.status}: ${created.text}`);
    return created.body.id;
  }

  async function userToken(email: string): Promise<{ id: string; token: string }> {
    const created = await api.post('/api/users', { email, password: PASSWORD }, { token: admin });
    expect(created.status).toBe(201);
    const token = (await api.post('/api/auth/login', { email, password: PASSWORD })).body.accessToken;
    return { id: created.body.id, token };
  }

  beforeAll(async () => {
    [remote, other] = await Promise.all([
      startSimulator({ apiKey: 'gateway-remote-key-1', args: ['--git-repository-url', GIT_URL] }),
      startSimulator({ apiKey: 'gateway-remote-key-2', args: ['--git-repository-url', GIT_URL] }),
    ]);
    controller = await startController({
      env: {
        REMOTE_REQUEST_TIMEOUT: '3000',
        GATEWAY_ACCESS_RECHECK_SECONDS: '1',
        GATEWAY_RECONNECT_ATTEMPTS: '3',
        GATEWAY_RECONNECT_DELAY_MS: '100',
      },
    });
    api = new Api(controller.baseUrl);
    admin = await setUpFirstAdmin(api, controller.setupToken());
    clientId = await createClient(remote, 'Gateway remote');
    otherClientId = await createClient(other, 'Other remote');
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await controller?.stop();
    await Promise.all([remote?.stop(), other?.stop()]);
  });

  describe('handshake', () => {
    it('refuses a socket without credentials or with a bad token, as "Unauthorized"', async () => {
      for (const authorization of [undefined, 'Bearer not-a-token', 'Basic abc']) {
        const refusal = await handshakeRefusal(controller.baseUrl, authorization);
        expect(refusal?.message).toBe('Unauthorized');
        expect(refusal?.data?.code).toBe('UNAUTHORIZED');
      }
    });

    it('accepts the token in auth.Authorization and in the Authorization header', async () => {
      expect(await handshakeRefusal(controller.baseUrl, `Bearer ${admin}`)).toBeNull();
      const viaHeader = await GatewayClient.connect(controller.baseUrl, `Bearer ${admin}`, { header: true });
      expect(viaHeader.socket.connected).toBe(true);
      viaHeader.close();
    });

    it('reaches the same decision as HTTP for every kind of credential', async () => {
      const active = await userToken('gw-active@example.com');
      const locked = await userToken('gw-locked@example.com');
      expect((await api.post(`/api/users/${locked.id}/lock`, undefined, { token: admin })).status).toBe(200);
      const changed = await userToken('gw-changed@example.com');
      const renewed = await api.post(
        '/api/auth/password',
        { currentPassword: PASSWORD, newPassword: 'another long passphrase' },
        { token: changed.token },
      );
      expect(renewed.status).toBeLessThan(300);
      const [header, payload, signature] = active.token.split('.');
      const tampered = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;
      const cases: Array<[string, string | undefined]> = [
        ['admin', `Bearer ${admin}`],
        ['active user', `Bearer ${active.token}`],
        ['locked user', `Bearer ${locked.token}`],
        ['session ended by a password change', `Bearer ${changed.token}`],
        ['tampered signature', `Bearer ${tampered}`],
        ['garbage', 'Bearer abc.def.ghi'],
        ['wrong scheme', `Basic ${active.token}`],
        ['missing', undefined],
      ];
      for (const [name, authorization] of cases) {
        const http = await api.get('/api/auth/me', { headers: authorization ? { authorization } : {} });
        const refusal = await handshakeRefusal(controller.baseUrl, authorization);
        expect({ name, allowed: refusal === null, code: refusal?.data?.code }).toEqual({
          name,
          allowed: http.status === 200,
          code: http.status === 200 ? undefined : http.body.code,
        });
      }
    });
  });

  describe('setClient and forward', () => {
    it('answers setClientSuccess once the remote link is up, and counts sockets and links in /metrics', async () => {
      const browser = await linked();
      expect(await browser.next('setClientSuccess')).toEqual({ clientId, message: 'Linked to client Gateway remote' });
      await eventually(async () => (await remote.connectedSockets()) === 1);
      const metrics = (await api.get('/metrics', { token: admin })).text;
      expect(metrics).toMatch(/^agent_controller_gateway_open_sockets [1-9]/m);
      expect(metrics).toContain(`agent_controller_gateway_remote_links{client_id="${clientId}"} 1`);
      browser.close();
      await eventually(async () => (await remote.connectedSockets()) === 0);
      expect((await api.get('/metrics', { token: admin })).text).not.toContain(`remote_links{client_id="${clientId}"}`);
    });

    it('refuses bad requests with an error naming the code, without opening a link', async () => {
      const browser = await connect();
      browser.emit('forward', { event: 'chat', payload: { message: 'hi' } });
      expect((await browser.next('error')).error.code).toBe('NO_CLIENT_SELECTED');
      browser.emit('setClient', { clientId: 'not-a-uuid' });
      expect(await browser.next('error', (e) => e.event === 'setClient')).toMatchObject({
        success: false,
        source: 'controller',
        error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('clientId') },
      });
      const from = browser.received.length;
      browser.emit('setClient', { clientId: randomUUID() });
      expect((await browser.next('error', () => true, from)).error.code).toBe('NOT_FOUND');
      const linkedBrowser = await linked();
      linkedBrowser.emit('forward', { event: 'joinRoom', payload: {} });
      expect((await linkedBrowser.next('error')).error).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('event'),
      });
      linkedBrowser.emit('forward', { event: 'login', payload: { password: 'mine' } });
      expect((await linkedBrowser.next('error', (e) => e.forwardedEvent === 'login')).error.code).toBe(
        'VALIDATION_FAILED',
      );
    });

    it('runs a whole chat session with the stored credentials: login, streamed reply, terminal, file update, logout', async () => {
      const agentId = await createAgent('gateway-chat');
      const browser = await linked();
      browser.emit('forward', { event: 'login', agentId });
      expect((await browser.next('loginSuccess')).data).toMatchObject({ agentId, agentName: 'gateway-chat' });
      expect(await browser.next('forwardAck')).toEqual({ event: 'login', agentId, received: true });

      const beforeChat = browser.received.length;
      browser.emit('forward', {
        event: 'chat',
        payload: { message: 'Hello agent', correlationId: 'c-1', responseMode: 'stream' },
      });
      await browser.next('forwardAck', (ack) => ack.event === 'chat', beforeChat);
      const answer = await browser.next(
        'chatEvent',
        (envelope) => envelope.data.kind === 'assistantMessage',
        beforeChat,
      );
      expect(answer.data.correlationId).toBe('c-1');
      const kinds = browser.received
        .slice(beforeChat)
        .filter((entry) => entry.event === 'chatEvent')
        .map((entry) => entry.payload.data.kind);
      expect(kinds[0]).toBe('userMessage');
      expect(kinds).toContain('thinking');
      expect(kinds).toContain('assistantDelta');
      expect(kinds.indexOf('assistantDelta')).toBeLessThan(kinds.indexOf('assistantMessage'));
      await browser.next('chatMessage', (envelope) => envelope.data.from === 'agent', beforeChat);

      browser.emit('forward', { event: 'createTerminal', payload: { sessionId: 'term-1' } });
      expect((await browser.next('terminalCreated')).data).toEqual({ sessionId: 'term-1' });
      browser.emit('forward', { event: 'terminalInput', payload: { sessionId: 'term-1', data: 'echo hi\n' } });
      expect((await browser.next('terminalOutput')).data.sessionId).toBe('term-1');
      browser.emit('forward', { event: 'closeTerminal', payload: { sessionId: 'term-1' } });
      expect((await browser.next('terminalClosed')).data).toEqual({ sessionId: 'term-1' });

      browser.emit('forward', { event: 'fileUpdate', payload: { filePath: 'README.md' } });
      expect((await browser.next('fileUpdateNotification')).data.filePath).toBe('README.md');
      browser.emit('forward', { event: 'logout' });
      expect((await browser.next('logoutSuccess')).data.agentId).toBe(agentId);
    });

    it('replays the history on login and logs in first when an event names an agent not logged in', async () => {
      const agentId = await createAgent('gateway-history');
      const first = await linked();
      first.emit('forward', { event: 'chat', agentId, payload: { message: 'remember me', responseMode: 'stream' } });
      const names = async () => first.names();
      await first.next('chatEvent', (envelope) => envelope.data.kind === 'assistantMessage');
      expect((await names()).indexOf('loginSuccess')).toBeLessThan((await names()).indexOf('chatEvent'));

      const second = await linked();
      second.emit('forward', { event: 'login', agentId });
      await second.next('loginSuccess');
      const replayed = await second.next('chatMessage', (envelope) => envelope.data.text === 'remember me');
      expect(replayed.data.from).toBe('user');
    });

    it('matches the login answer to its agent when switching agents on one link', async () => {
      const [one, two] = [await createAgent('gateway-one'), await createAgent('gateway-two')];
      const browser = await linked();
      browser.emit('forward', { event: 'login', agentId: one });
      browser.emit('forward', { event: 'login', agentId: two });
      await browser.next('forwardAck', (ack) => ack.agentId === two);
      const acks = browser.received.filter((entry) => entry.event === 'forwardAck').map((entry) => entry.payload);
      expect(acks).toEqual([
        { event: 'login', agentId: one, received: true },
        { event: 'login', agentId: two, received: true },
      ]);
      const logins = browser.received.filter((entry) => entry.event === 'loginSuccess');
      expect(logins.map((entry) => entry.payload.data.agentId)).toEqual([one, two]);
    });

    it('needs stored credentials for agents created elsewhere, and says when the remote refuses them', async () => {
      const direct = await fetch(`${remote.url}/api/agents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${remote.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'made-elsewhere' }),
      });
      const { id: agentId, password } = (await direct.json()) as { id: string; password: string };
      const browser = await linked();
      browser.emit('forward', { event: 'login', agentId });
      expect((await browser.next('error')).error.code).toBe('AGENT_CREDENTIALS_MISSING');

      const put = (secret: string) =>
        api.request('PUT', `/api/clients/${clientId}/agents/${agentId}/credentials`, {
          body: { password: secret },
          token: admin,
        });
      expect((await put('not-the-password')).status).toBeLessThan(300);
      const from = browser.received.length;
      browser.emit('forward', { event: 'login', agentId });
      expect((await browser.next('error', () => true, from)).error.code).toBe('AGENT_LOGIN_FAILED');
      expect((await put(password)).status).toBeLessThan(300);
      browser.emit('forward', { event: 'login', agentId });
      expect((await browser.next('loginSuccess', () => true, from)).data.agentId).toBe(agentId);
    });

    it('sends remote events only to the socket whose link they came from', async () => {
      const agentId = await createAgent('gateway-private');
      const [mine, theirs] = [await linked(), await linked(otherClientId)];
      mine.emit('forward', { event: 'chat', agentId, payload: { message: 'just for me', responseMode: 'stream' } });
      await mine.next('chatEvent', (envelope) => envelope.data.kind === 'assistantMessage');
      expect(theirs.names().filter((name) => name.startsWith('chat') || name === 'loginSuccess')).toEqual([]);
    });
  });

  describe('links', () => {
    it('never leaks a link when setClient calls race on one socket, and closes links with the socket', async () => {
      const browser = await connect();
      for (let round = 0; round < 5; round += 1) {
        browser.emit('setClient', { clientId });
        browser.emit('setClient', { clientId: otherClientId });
      }
      await eventually(async () => browser.names().filter((name) => name === 'setClientSuccess').length === 10);
      expect(browser.received.filter((e) => e.event === 'setClientSuccess').at(-1)?.payload).toMatchObject({
        clientId: otherClientId,
      });
      await eventually(async () => (await remote.connectedSockets()) === 0 && (await other.connectedSockets()) === 1);
      browser.close();
      await eventually(async () => (await other.connectedSockets()) === 0);
    });

    it('reports a drop, reconnects, logs the agent in again and carries on', async () => {
      const agentId = await createAgent('gateway-reconnect');
      const browser = await linked();
      browser.emit('forward', { event: 'login', agentId });
      await browser.next('loginSuccess');
      const from = browser.received.length;
      await remote.dropSockets();
      expect((await browser.next('remoteDisconnected', () => true, from)).clientId).toBe(clientId);
      expect(await browser.next('remoteReconnecting', () => true, from)).toEqual({ clientId, attempt: 1 });
      expect(await browser.next('remoteReconnected', () => true, from)).toEqual({ clientId, agentId });
      const names = browser.names(from);
      expect(names.indexOf('loginSuccess')).toBeGreaterThan(names.indexOf('remoteReconnecting'));
      expect(names.indexOf('loginSuccess')).toBeLessThan(names.indexOf('remoteReconnected'));
      const afterReconnect = browser.received.length;
      browser.emit('forward', { event: 'chat', payload: { message: 'still there?', responseMode: 'stream' } });
      await browser.next('chatEvent', (envelope) => envelope.data.kind === 'assistantMessage', afterReconnect);
    });

    it('gives up after the configured attempts with remoteReconnectFailed', async () => {
      const doomed = await startSimulator({ apiKey: 'gateway-doomed-key' });
      const doomedId = await createClient(doomed, 'Doomed remote');
      const browser = await linked(doomedId);
      await doomed.stop();
      await browser.next('remoteDisconnected');
      expect(await browser.next('remoteReconnectFailed', () => true, 0, 10_000)).toEqual({
        clientId: doomedId,
        attempts: 3,
        error: 'The remote could not be reached again after 3 attempts',
      });
      const attempts = browser.received.filter((e) => e.event === 'remoteReconnecting').map((e) => e.payload.attempt);
      expect(attempts).toEqual([1, 2, 3]);
      // Each failed attempt is reported on its own, as Agenstra's controller does.
      const failed = browser.received.filter((e) => e.event === 'remoteReconnectError').map((e) => e.payload);
      expect(failed.map((e) => e.attempt)).toEqual([1, 2, 3]);
      expect(failed.every((e) => e.clientId === doomedId && typeof e.error === 'string' && e.error !== '')).toBe(true);
      browser.emit('setClient', { clientId: doomedId });
      expect((await browser.next('error', (e) => e.event === 'setClient')).error.code).toBe('REMOTE_UNREACHABLE');
    });
  });

  describe('access re-checks', () => {
    it('closes the link of a member who is removed, and disconnects a user who is locked', async () => {
      const member = await userToken('gw-member@example.com');
      const added = await api.post(
        `/api/clients/${otherClientId}/users`,
        { email: 'gw-member@example.com', role: 'user' },
        { token: admin },
      );
      expect(added.status).toBe(201);
      const browser = await linked(otherClientId, member.token);
      const removed = await api.delete(`/api/clients/${otherClientId}/users/${added.body.id}`, { token: admin });
      expect(removed.status).toBe(204);
      expect((await browser.next('error', (e) => e.event === 'accessCheck')).error.code).toBe('NOT_FOUND');
      await eventually(async () => (await other.connectedSockets()) === 0);
      expect(browser.socket.connected).toBe(true);

      const locked = await userToken('gw-locked-later@example.com');
      const lockedBrowser = await connect(locked.token);
      expect((await api.post(`/api/users/${locked.id}/lock`, undefined, { token: admin })).status).toBe(200);
      expect((await lockedBrowser.next('error', (e) => e.event === 'accessCheck')).error.code).toBe('ACCOUNT_LOCKED');
      await lockedBrowser.next('disconnect');
    });

    it('closes the link of a team member when the client leaves their team', async () => {
      const member = await userToken('gw-team-member@example.com');
      const team = await api.post('/api/teams', { name: 'gateway team' }, { token: admin });
      const joined = await api.post(
        `/api/teams/${team.body.id}/members`,
        { email: 'gw-team-member@example.com', role: 'member' },
        { token: admin },
      );
      expect(joined.status).toBe(201);
      expect((await api.post(`/api/clients/${otherClientId}`, { teamId: team.body.id }, { token: admin })).status).toBe(
        200,
      );
      const browser = await linked(otherClientId, member.token);
      expect((await api.post(`/api/clients/${otherClientId}`, { teamId: null }, { token: admin })).status).toBe(200);
      expect((await browser.next('error', (e) => e.event === 'accessCheck')).error.code).toBe('NOT_FOUND');
      await eventually(async () => (await other.connectedSockets()) === 0);
    });
  });
});

describe('Socket.IO gateway on its own port (WEBSOCKET_PORT)', () => {
  it('serves the namespace there, with the same handshake, and not on the API port', async () => {
    const wsPort = await freePort();
    const controller = await startController({ env: { WEBSOCKET_PORT: String(wsPort) } });
    try {
      const api = new Api(controller.baseUrl);
      const admin = await setUpFirstAdmin(api, controller.setupToken());
      const gatewayUrl = `http://127.0.0.1:${wsPort}`;
      const browser = await GatewayClient.connect(gatewayUrl, `Bearer ${admin}`);
      browser.emit('forward', { event: 'chat', payload: { message: 'hi' } });
      expect((await browser.next('error')).error.code).toBe('NO_CLIENT_SELECTED');
      browser.close();
      expect((await handshakeRefusal(gatewayUrl, 'Bearer nope'))?.message).toBe('Unauthorized');
      expect(await handshakeRefusal(controller.baseUrl, `Bearer ${admin}`)).not.toBeNull();
    } finally {
      await controller.stop();
    }
  });
});
