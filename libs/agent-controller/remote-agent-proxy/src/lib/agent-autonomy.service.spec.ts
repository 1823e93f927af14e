import type { ClientAccess } from '@agent-controller/clients';
import { DomainError, RequestPrincipal } from '@agent-controller/core';
import { AgentAutonomyService } from './agent-autonomy.service';

const CLIENT_ID = '0a4f5c7e-2d1b-4c3a-9e8f-7b6a5d4c3b2a';
const AGENT_ID = '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e';
const PRINCIPAL: RequestPrincipal = { kind: 'user', isGlobalAdmin: false, userId: 'u', email: 'u@example.com' };

function setUp(refusal?: DomainError) {
  const authorize = jest.fn(async () => {
    if (refusal) throw refusal;
    return { client: {}, relation: 'client_user' };
  });
  return { service: new AgentAutonomyService({ authorize } as unknown as ClientAccess), authorize };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('AgentAutonomyService', () => {
  it('lists no agent with autonomy for a client the caller may read', async () => {
    const { service, authorize } = setUp();

    await expect(service.listEnabledAgentIds(PRINCIPAL, CLIENT_ID)).resolves.toEqual({ agentIds: [] });
    expect(authorize).toHaveBeenCalledWith(PRINCIPAL, CLIENT_ID, 'read');
  });

  it('answers NOT_FOUND for the settings of an agent (what Agenstra says when none are stored)', async () => {
    const { service, authorize } = setUp();

    expect(await codeOf(service.getSettings(PRINCIPAL, CLIENT_ID, AGENT_ID))).toBe('NOT_FOUND');
    expect(authorize).toHaveBeenCalledWith(PRINCIPAL, CLIENT_ID, 'read');
  });

  it('refuses to save as NOT_SUPPORTED, once the caller may configure the client', async () => {
    const { service, authorize } = setUp();

    expect(await codeOf(service.saveSettings(PRINCIPAL, CLIENT_ID))).toBe('NOT_SUPPORTED');
    expect(authorize).toHaveBeenCalledWith(PRINCIPAL, CLIENT_ID, 'configure');
  });

  it("passes the client's permission answer on first (404 for an invisible client, 403 for a short role)", async () => {
    for (const refusal of [new DomainError('NOT_FOUND', 'Client not found'), new DomainError('FORBIDDEN', 'no')]) {
      const { service } = setUp(refusal);

      expect(await codeOf(service.listEnabledAgentIds(PRINCIPAL, CLIENT_ID))).toBe(refusal.code);
      expect(await codeOf(service.saveSettings(PRINCIPAL, CLIENT_ID))).toBe(refusal.code);
    }
  });
});
