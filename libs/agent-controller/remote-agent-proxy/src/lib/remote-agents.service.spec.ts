import { DomainError, RequestPrincipal } from '@agent-controller/core';
import { z } from 'zod';
import { RemoteAgentsService } from './remote-agents.service';

const ADMIN: RequestPrincipal = { kind: 'api-key', isGlobalAdmin: true, userId: null, email: null };
const CLIENT = {
  id: 'c1',
  name: 'remote',
  status: 'active',
  endpoint: 'http://remote',
  authenticationType: 'api_key',
  apiKey: 'k',
};

function setUp(client: Record<string, unknown> = CLIENT, remoteBody = '{}', remoteStatus = 200) {
  const clients = { authorizeClient: jest.fn(async () => client) };
  const agentManager = {
    send: jest.fn(async () => ({ status: remoteStatus, body: remoteBody, headers: {}, latencyMs: 1 })),
  };
  const credentials = { upsert: jest.fn(async () => undefined), delete: jest.fn(async () => undefined) };
  const lastUsed = { markUsed: jest.fn() };
  const rateLimiter = { consume: jest.fn(async () => undefined) };
  const service = new RemoteAgentsService(
    clients as never,
    agentManager as never,
    credentials as never,
    lastUsed as never,
    rateLimiter as never,
    { remote: { requestTimeoutMs: 1000, longRequestTimeoutMs: 9000 } } as never,
  );
  return { service, clients, agentManager, credentials, lastUsed, rateLimiter };
}

describe('RemoteAgentsService', () => {
  it('checks the action for the caller, loads secrets, forwards below /api and marks the client used', async () => {
    const { service, clients, agentManager, lastUsed, rateLimiter } = setUp(CLIENT, '[{"id":"a"}]');
    await expect(service.forward(ADMIN, 'c1', 'read', 'GET', '/agents?limit=5')).resolves.toEqual({
      status: 200,
      body: [{ id: 'a' }],
    });
    expect(clients.authorizeClient).toHaveBeenCalledWith(ADMIN, 'c1', 'read', { withSecrets: true });
    expect(agentManager.send).toHaveBeenCalledWith(
      expect.objectContaining({ clientId: 'c1' }),
      'GET',
      '/api/agents?limit=5',
      { body: undefined, timeoutMs: 1000 },
    );
    expect(lastUsed.markUsed).toHaveBeenCalledWith('c1');
    expect(rateLimiter.consume).toHaveBeenCalledWith('c1', 'remote');
  });

  it('refuses an inactive client with CLIENT_INACTIVE without calling it', async () => {
    const { service, agentManager } = setUp({ ...CLIENT, status: 'inactive' });
    const error = await service.forward(ADMIN, 'c1', 'read', 'GET', '/agents').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'CLIENT_INACTIVE', status: 409 });
    expect(agentManager.send).not.toHaveBeenCalled();
  });

  it('passes an empty body on as undefined and refuses a non-JSON body as REMOTE_INCOMPATIBLE', async () => {
    expect(
      (await setUp(CLIENT, '', 204).service.forward(ADMIN, 'c1', 'configure', 'DELETE', '/agents/a')).body,
    ).toBeUndefined();
    await expect(setUp(CLIENT, '<html>').service.forward(ADMIN, 'c1', 'read', 'GET', '/x')).rejects.toMatchObject({
      code: 'REMOTE_INCOMPATIBLE',
      status: 502,
    });
  });

  it('checks the body against the route schema and uses the long time limit where asked', async () => {
    const { service, agentManager } = setUp(CLIENT, '{"unexpected":true}');
    const options = { responseSchema: z.array(z.object({ id: z.string() })), timeout: 'long' as const };
    await expect(service.forward(ADMIN, 'c1', 'read', 'GET', '/agents', undefined, options)).rejects.toMatchObject({
      code: 'REMOTE_INCOMPATIBLE',
    });
    expect(agentManager.send).toHaveBeenCalledWith(expect.anything(), 'GET', '/api/agents', {
      body: undefined,
      timeoutMs: 9000,
    });
  });

  it('stores the one-time password of a created agent, under the configure right', async () => {
    const { service, clients, credentials } = setUp(CLIENT, '{"id":"a1","name":"n","password":"p4ss"}', 201);
    const response = await service.createAgent(ADMIN, 'c1', { name: 'n' });
    expect(response).toEqual({ status: 201, body: { id: 'a1', name: 'n', password: 'p4ss' } });
    expect(clients.authorizeClient).toHaveBeenCalledWith(ADMIN, 'c1', 'configure', { withSecrets: true });
    expect(credentials.upsert).toHaveBeenCalledWith('c1', 'a1', 'p4ss');
  });

  it('refuses a create answer without id and password as REMOTE_INCOMPATIBLE and stores nothing', async () => {
    const { service, credentials } = setUp(CLIENT, '{"id":"a1"}', 201);
    await expect(service.createAgent(ADMIN, 'c1', {})).rejects.toMatchObject({ code: 'REMOTE_INCOMPATIBLE' });
    expect(credentials.upsert).not.toHaveBeenCalled();
  });

  it('deletes the stored credential with the agent, and stores credentials under the manage right', async () => {
    const { service, clients, credentials } = setUp(CLIENT, '', 204);
    await service.deleteAgent(ADMIN, 'c1', 'a1');
    expect(credentials.delete).toHaveBeenCalledWith('c1', 'a1');
    await service.storeAgentCredentials(ADMIN, 'c1', 'a2', 'secret');
    expect(clients.authorizeClient).toHaveBeenLastCalledWith(ADMIN, 'c1', 'manage');
    expect(credentials.upsert).toHaveBeenCalledWith('c1', 'a2', 'secret');
  });
});
