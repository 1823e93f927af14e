import { RemoteCallError } from '@agent-controller/agent-manager-client';
import { DomainError, RequestPrincipal } from '@agent-controller/core';
import { z } from 'zod';
import { PROXIED_ROUTES, RemoteRoute } from './proxied-routes';
import { RemoteAgentsService } from './remote-agents.service';

const ADMIN: RequestPrincipal = { kind: 'api-key', isGlobalAdmin: true, userId: null, email: null };
const READ_AGENTS: RemoteRoute = { method: 'GET', path: '/agents', action: 'read' };
const C1 = { id: 'c1' };
const CLIENT = {
  id: 'c1',
  name: 'remote',
  status: 'active',
  endpoint: 'http://remote',
  authenticationType: 'api_key',
  apiKey: 'k',
};

function setUp(client: Record<string, unknown> = CLIENT, remoteBody = '{}', remoteStatus = 200) {
  const clients = { authorize: jest.fn(async () => ({ client, relation: 'global_admin' })) };
  const agentManager = {
    send: jest.fn(async () => ({ status: remoteStatus, body: remoteBody, headers: {}, latencyMs: 1 })),
  };
  const credentials = { upsert: jest.fn(async () => undefined), delete: jest.fn(async () => undefined) };
  const lastUsed = { markUsed: jest.fn() };
  const rateLimiter = { consume: jest.fn(async () => undefined) };
  const metrics = { recordProxyCall: jest.fn() };
  const service = new RemoteAgentsService(
    clients as never,
    agentManager as never,
    credentials as never,
    lastUsed as never,
    rateLimiter as never,
    { remote: { requestTimeoutMs: 1000, longRequestTimeoutMs: 9000 } } as never,
    metrics as never,
  );
  return { service, clients, agentManager, credentials, lastUsed, rateLimiter, metrics };
}

describe('RemoteAgentsService', () => {
  it('checks the action for the caller, loads secrets, forwards below /api and marks the client used', async () => {
    const { service, clients, agentManager, lastUsed, rateLimiter } = setUp(CLIENT, '[{"id":"a"}]');
    await expect(service.forward(ADMIN, READ_AGENTS, { params: C1, query: { limit: 5 } })).resolves.toEqual({
      status: 200,
      json: '[{"id":"a"}]',
      body: [{ id: 'a' }],
    });
    expect(clients.authorize).toHaveBeenCalledWith(ADMIN, 'c1', 'read');
    expect(agentManager.send).toHaveBeenCalledWith(
      expect.objectContaining({ clientId: 'c1' }),
      'GET',
      '/api/agents?limit=5',
      { body: undefined, timeoutMs: 1000 },
    );
    expect(lastUsed.markUsed).toHaveBeenCalledWith('c1');
    expect(rateLimiter.consume).toHaveBeenCalledWith('c1', 'remote');
  });

  it('records each call once with its route group, status, duration and error code', async () => {
    const { service, agentManager, metrics } = setUp(CLIENT, '[]');
    await service.forward(
      ADMIN,
      { method: 'GET', path: '/agents/:agentId/environment', action: 'read' },
      {
        params: { id: 'c1', agentId: 'a1' },
        query: { limit: 5 },
      },
    );
    agentManager.send.mockRejectedValueOnce(new RemoteCallError('server_error', 'The remote failed (HTTP 503)', 503));
    const start: RemoteRoute = { method: 'POST', path: '/agents/a1/start', action: 'operate' };
    await expect(service.forward(ADMIN, start, { params: C1 })).rejects.toThrow(RemoteCallError);
    agentManager.send.mockRejectedValueOnce(new RemoteCallError('rejected', 'Agent not found', 404));
    const getAgent: RemoteRoute = { method: 'GET', path: '/agents/a2', action: 'read' };
    await expect(service.forward(ADMIN, getAgent, { params: C1 })).rejects.toThrow(RemoteCallError);

    expect(metrics.recordProxyCall.mock.calls).toEqual([
      [
        {
          clientId: 'c1',
          routeGroup: 'environment',
          status: 200,
          durationMs: expect.any(Number),
          errorCode: undefined,
        },
      ],
      [
        {
          clientId: 'c1',
          routeGroup: 'lifecycle',
          status: 502,
          durationMs: expect.any(Number),
          errorCode: 'REMOTE_ERROR',
        },
      ],
      [
        {
          clientId: 'c1',
          routeGroup: 'agents',
          status: 404,
          durationMs: expect.any(Number),
          errorCode: 'REMOTE_REJECTED',
        },
      ],
    ]);
    for (const [call] of metrics.recordProxyCall.mock.calls) expect(call.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('records an unexpected failure as a 500 and lets it through unchanged', async () => {
    const { service, agentManager, metrics } = setUp();
    const failure = new Error('bug');
    agentManager.send.mockRejectedValueOnce(failure);
    const config: RemoteRoute = { method: 'GET', path: '/config', action: 'read' };
    await expect(service.forward(ADMIN, config, { params: C1 })).rejects.toBe(failure);
    expect(metrics.recordProxyCall).toHaveBeenCalledWith(
      expect.objectContaining({ routeGroup: 'config', status: 500, errorCode: 'INTERNAL_ERROR' }),
    );
  });

  it('does not record a caller the policy refuses: the client id may not exist', async () => {
    const { service, clients, metrics } = setUp();
    clients.authorize.mockRejectedValueOnce(new DomainError('NOT_FOUND', 'Client not found'));
    await expect(service.forward(ADMIN, READ_AGENTS, { params: { id: 'nope' } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(metrics.recordProxyCall).not.toHaveBeenCalled();
  });

  it('refuses an inactive client with CLIENT_INACTIVE without calling it', async () => {
    const { service, agentManager, metrics } = setUp({ ...CLIENT, status: 'inactive' });
    const error = await service.forward(ADMIN, READ_AGENTS, { params: C1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'CLIENT_INACTIVE', status: 409 });
    expect(agentManager.send).not.toHaveBeenCalled();
    expect(metrics.recordProxyCall).toHaveBeenCalledWith(
      expect.objectContaining({ clientId: 'c1', status: 409, errorCode: 'CLIENT_INACTIVE' }),
    );
  });

  it('passes an empty body on as undefined and refuses a non-JSON body as REMOTE_INCOMPATIBLE', async () => {
    const deleteAgent: RemoteRoute = { method: 'DELETE', path: '/agents/a', action: 'configure' };
    expect((await setUp(CLIENT, '', 204).service.forward(ADMIN, deleteAgent, { params: C1 })).body).toBeUndefined();
    await expect(setUp(CLIENT, '<html>').service.forward(ADMIN, READ_AGENTS, { params: C1 })).rejects.toMatchObject({
      code: 'REMOTE_INCOMPATIBLE',
      status: 502,
    });
  });

  it('checks the body against the route schema and uses the long time limit where asked', async () => {
    const { service, agentManager } = setUp(CLIENT, '{"unexpected":true}');
    const route: RemoteRoute = { ...READ_AGENTS, response: z.array(z.object({ id: z.string() })), timeout: 'long' };
    await expect(service.forward(ADMIN, route, { params: C1 })).rejects.toMatchObject({
      code: 'REMOTE_INCOMPATIBLE',
    });
    expect(agentManager.send).toHaveBeenCalledWith(expect.anything(), 'GET', '/api/agents', {
      body: undefined,
      timeoutMs: 9000,
    });
  });

  it('passes on fields the contract does not name: the check accepts them and the text is relayed as sent', async () => {
    const sent = '[{"id":"a1","name":"n","vnc":{"port":5900},"status":"running"}]';
    const { service } = setUp(CLIENT, sent);
    const listAgents = PROXIED_ROUTES.agents.find((route) => route.name === 'listAgents') as RemoteRoute;
    await expect(service.forward(ADMIN, listAgents, { params: C1, query: { limit: 10, offset: 0 } })).resolves.toEqual({
      status: 200,
      json: sent,
      body: JSON.parse(sent),
    });
  });

  it('stores the one-time password of a created agent, under the configure right', async () => {
    const { service, clients, credentials } = setUp(CLIENT, '{"id":"a1","name":"n","password":"p4ss"}', 201);
    const response = await service.createAgent(ADMIN, 'c1', { name: 'n' });
    expect(response).toMatchObject({ status: 201, body: { id: 'a1', name: 'n', password: 'p4ss' } });
    expect(clients.authorize).toHaveBeenCalledWith(ADMIN, 'c1', 'configure');
    expect(credentials.upsert).toHaveBeenCalledWith('c1', 'a1', 'p4ss');
  });

  it('refuses a create answer without id and password as REMOTE_INCOMPATIBLE and stores nothing', async () => {
    const { service, credentials } = setUp(CLIENT, '{"id":"a1"}', 201);
    await expect(service.createAgent(ADMIN, 'c1', {})).rejects.toMatchObject({ code: 'REMOTE_INCOMPATIBLE' });
    expect(credentials.upsert).not.toHaveBeenCalled();
  });

  it('deletes the stored credential with the agent', async () => {
    const { service, credentials } = setUp(CLIENT, '', 204);
    await service.deleteAgent(ADMIN, { id: 'c1', agentId: 'a1' });
    expect(credentials.delete).toHaveBeenCalledWith('c1', 'a1');
  });

  describe('storeAgentCredentials', () => {
    it('asks the remote for the agent under the manage right, then stores the password', async () => {
      const { service, clients, agentManager, credentials } = setUp(CLIENT, '{"id":"a2","name":"elsewhere"}');
      await service.storeAgentCredentials(ADMIN, { id: 'c1', agentId: 'a2' }, 'secret');
      expect(clients.authorize).toHaveBeenCalledWith(ADMIN, 'c1', 'manage');
      expect(agentManager.send).toHaveBeenCalledWith(
        expect.objectContaining({ clientId: 'c1' }),
        'GET',
        '/api/agents/a2',
        expect.anything(),
      );
      expect(credentials.upsert).toHaveBeenCalledWith('c1', 'a2', 'secret');
    });

    it('answers 404 NOT_FOUND naming the agent when the remote does not know it, and stores nothing', async () => {
      const { service, agentManager, credentials } = setUp();
      agentManager.send.mockRejectedValueOnce(
        new RemoteCallError('rejected', 'Agent with ID a9 not found', 404).forClient('c1'),
      );
      const refused = service.storeAgentCredentials(ADMIN, { id: 'c1', agentId: 'a9' }, 'secret');
      await expect(refused).rejects.toBeInstanceOf(DomainError);
      await expect(refused).rejects.toMatchObject({
        code: 'NOT_FOUND',
        status: 404,
        message: expect.stringContaining('a9'),
        details: { clientId: 'c1', agentId: 'a9' },
      });
      expect(credentials.upsert).not.toHaveBeenCalled();
    });

    it.each([
      ['unreachable', 'REMOTE_UNREACHABLE', new RemoteCallError('network', 'connect ENETUNREACH')],
      ['failing', 'REMOTE_ERROR', new RemoteCallError('server_error', 'HTTP 500', 500)],
      ['slow', 'REMOTE_TIMEOUT', new RemoteCallError('timeout', 'No answer')],
    ])('passes a %s remote on as %s and stores nothing', async (_name, code, failure) => {
      const { service, agentManager, credentials } = setUp();
      agentManager.send.mockRejectedValueOnce(failure);
      await expect(service.storeAgentCredentials(ADMIN, { id: 'c1', agentId: 'a2' }, 'secret')).rejects.toMatchObject({
        code,
      });
      expect(credentials.upsert).not.toHaveBeenCalled();
    });

    it('refuses an inactive client before asking the remote', async () => {
      const { service, agentManager, credentials } = setUp({ ...CLIENT, status: 'inactive' });
      await expect(service.storeAgentCredentials(ADMIN, { id: 'c1', agentId: 'a2' }, 'secret')).rejects.toBeInstanceOf(
        DomainError,
      );
      expect(agentManager.send).not.toHaveBeenCalled();
      expect(credentials.upsert).not.toHaveBeenCalled();
    });
  });
});
