import { DomainError, RequestPrincipal } from '@agent-controller/core';
import { ClientUsageService } from './client-usage.service';

const USER: RequestPrincipal = { kind: 'user', isGlobalAdmin: false, userId: 'u1', email: 'u@example.com' };
const CLIENT_ID = '0b7c5a8e-1f7e-4c1e-9d55-0a4a4b0f5b11';

function setUp() {
  const clients = { authorize: jest.fn(async () => ({ client: { id: CLIENT_ID }, relation: 'client_user' })) };
  const usage = { findSince: jest.fn(async () => []) };
  return { clients, usage, service: new ClientUsageService(clients as never, usage as never) };
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
