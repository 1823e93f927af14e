import { ClientAccessPolicy } from '@agent-controller/clients';
import { DomainError, RequestPrincipal } from '@agent-controller/core';
import { ClientUsageService } from './client-usage.service';

const USER: RequestPrincipal = { kind: 'user', isGlobalAdmin: false, userId: 'u1', email: 'u@example.com' };
const ADMIN: RequestPrincipal = { kind: 'user', isGlobalAdmin: true, userId: 'a1', email: 'a@example.com' };
const API_KEY: RequestPrincipal = { kind: 'api-key', isGlobalAdmin: true, userId: null, email: null };
const NOW = new Date('2026-05-10T12:34:56.000Z');
const CLIENT_ID = '0b7c5a8e-1f7e-4c1e-9d55-0a4a4b0f5b11';

function setUp() {
  const clients = { authorize: jest.fn(async () => ({ client: { id: CLIENT_ID }, relation: 'client_user' })) };
  const usage = {
    findSince: jest.fn(async () => []),
    findTop: jest.fn(async () => [
      { id: CLIENT_ID, name: 'busy', health: 'healthy', status: 'active', requests: 10, errors: 4 },
    ]),
  };
  return {
    clients,
    usage,
    service: new ClientUsageService(clients as never, new ClientAccessPolicy(), usage as never),
  };
}

describe('ClientUsageService', () => {
  it("reads the window's rows of a client the caller may read", async () => {
    const { service, clients, usage } = setUp();

    const answer = await service.getClientUsage(USER, CLIENT_ID, new Date('2026-05-10T12:34:56.000Z'));

    expect(clients.authorize).toHaveBeenCalledWith(USER, CLIENT_ID, 'read');
    expect(usage.findSince).toHaveBeenCalledWith(CLIENT_ID, new Date('2026-05-09T13:00:00.000Z'));
    expect(answer.hourly).toHaveLength(24);
  });

  it('reads nothing for a client the caller may not see', async () => {
    const { service, clients, usage } = setUp();
    clients.authorize.mockRejectedValueOnce(new DomainError('NOT_FOUND', 'Client not found'));

    await expect(service.getClientUsage(USER, CLIENT_ID)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(usage.findSince).not.toHaveBeenCalled();
  });
});

describe('ClientUsageService.getTopUsage', () => {
  it('ranks every client for a global admin and for the API key, over the hours asked for', async () => {
    const { service, usage } = setUp();

    const answer = await service.getTopUsage(ADMIN, { hours: 24, by: 'errors', limit: 5 }, NOW);
    await service.getTopUsage(API_KEY, { hours: 1, by: 'requests', limit: 3 }, NOW);

    expect(usage.findTop.mock.calls).toEqual([
      [{ kind: 'all' }, new Date('2026-05-09T13:00:00.000Z'), 'errors', 5],
      [{ kind: 'all' }, new Date('2026-05-10T12:00:00.000Z'), 'requests', 3],
    ]);
    expect(answer).toEqual({
      hours: 24,
      by: 'errors',
      since: '2026-05-09T13:00:00.000Z',
      clients: [
        { id: CLIENT_ID, name: 'busy', health: 'healthy', status: 'active', requests: 10, errors: 4, errorRate: 0.4 },
      ],
    });
  });

  it('ranks only the clients a user may see', async () => {
    const { service, usage } = setUp();

    await service.getTopUsage(USER, { hours: 168, by: 'requests', limit: 50 }, NOW);

    expect(usage.findTop).toHaveBeenCalledWith(
      { kind: 'user', userId: 'u1' },
      new Date('2026-05-03T13:00:00.000Z'),
      'requests',
      50,
    );
  });

  it('refuses a user principal without a user before reading anything', async () => {
    const { service, usage } = setUp();

    await expect(
      service.getTopUsage({ ...USER, userId: null }, { hours: 24, by: 'requests', limit: 5 }, NOW),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(usage.findTop).not.toHaveBeenCalled();
  });
});
