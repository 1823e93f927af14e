import { AgentManagerClient, RemoteCallError, RemoteTarget } from '@agent-controller/agent-manager-client';
import { AppConfig } from '@agent-controller/core';
import type { ClientEntity } from './client.entity';
import { ConnectionChecker } from './connection-checker';

const LAST_SEEN = new Date('2024-01-01T00:00:00.000Z');

function clientEntity(overrides: Partial<ClientEntity> = {}): ClientEntity {
  return {
    id: 'c1',
    name: 'alpha',
    description: null,
    endpoint: 'https://agents.example.com',
    authenticationType: 'api_key',
    apiKey: 'remote-key-0123456789',
    keycloakClientId: null,
    keycloakClientSecret: null,
    keycloakRealm: null,
    keycloakAuthServerUrl: null,
    agentWsPort: 8080,
    status: 'active',
    userId: null,
    config: null,
    healthState: 'healthy',
    healthReason: null,
    healthCheckedAt: LAST_SEEN,
    healthLastSeenAt: LAST_SEEN,
    healthLatencyMs: 10,
    keyCreatedAt: LAST_SEEN,
    weakApiKey: false,
    keyRotatedAt: null,
    lastUsedAt: null,
    isAutoProvisioned: false,
    environment: 'production',
    labels: {},
    createdAt: LAST_SEEN,
    updatedAt: LAST_SEEN,
    ...overrides,
  } as ClientEntity;
}

function checkerWith(degradedLatencyMs = 2000) {
  const agentManager = {
    getHealth: jest.fn<
      Promise<{ data: { status: 'ok' }; status: number; latencyMs: number }>,
      [RemoteTarget, number?]
    >(),
    getConfig: jest.fn<
      Promise<{
        data: { gitRepositoryUrl?: string; agentTypes: { type: string; displayName: string }[] };
        status: number;
        latencyMs: number;
      }>,
      [RemoteTarget, number?]
    >(),
  };
  const config = { clients: { healthTimeoutMs: 1234, degradedLatencyMs } } as AppConfig;
  const checker = new ConnectionChecker(agentManager as unknown as AgentManagerClient, config);
  return { agentManager, checker };
}

const healthOk = (latencyMs: number) => ({ data: { status: 'ok' as const }, status: 200, latencyMs });
const configOk = (data: { gitRepositoryUrl?: string; agentTypes: { type: string; displayName: string }[] }) => ({
  data,
  status: 200,
  latencyMs: 5,
});

describe('ConnectionChecker.check', () => {
  it('is healthy when health and config answer: stores the health latency and the mapped config', async () => {
    const { agentManager, checker } = checkerWith();
    agentManager.getHealth.mockResolvedValue(healthOk(42));
    agentManager.getConfig.mockResolvedValue(
      configOk({
        gitRepositoryUrl: 'https://git.example.com/a.git',
        agentTypes: [{ type: 'cursor', displayName: 'C' }],
      }),
    );
    const before = Date.now();

    const result = await checker.check(clientEntity());

    expect(result).toMatchObject({ healthState: 'healthy', healthReason: null, healthLatencyMs: 42 });
    expect(result.healthCheckedAt?.getTime()).toBeGreaterThanOrEqual(before);
    expect(result.healthLastSeenAt).toBe(result.healthCheckedAt);
    expect(result.config).toEqual({
      gitRepositoryUrl: 'https://git.example.com/a.git',
      agentTypes: [{ type: 'cursor', displayName: 'C' }],
      fetchedAt: result.healthCheckedAt?.toISOString(),
    });
  });

  it('stores gitRepositoryUrl as null when the remote has none', async () => {
    const { agentManager, checker } = checkerWith();
    agentManager.getHealth.mockResolvedValue(healthOk(5));
    agentManager.getConfig.mockResolvedValue(configOk({ agentTypes: [] }));

    const result = await checker.check(clientEntity());

    expect(result.config?.gitRepositoryUrl).toBeNull();
    expect(result.config?.agentTypes).toEqual([]);
  });

  it("calls both routes with the client's credentials and the health time limit", async () => {
    const { agentManager, checker } = checkerWith();
    agentManager.getHealth.mockResolvedValue(healthOk(5));
    agentManager.getConfig.mockResolvedValue(configOk({ agentTypes: [] }));

    await checker.check(clientEntity());

    const target: RemoteTarget = {
      clientId: 'c1',
      endpoint: 'https://agents.example.com',
      credentials: { type: 'api_key', apiKey: 'remote-key-0123456789' },
    };
    expect(agentManager.getHealth).toHaveBeenCalledWith(target, 1234);
    expect(agentManager.getConfig).toHaveBeenCalledWith(target, 1234);
  });

  it('passes keycloak credentials for keycloak clients', async () => {
    const { agentManager, checker } = checkerWith();
    agentManager.getHealth.mockResolvedValue(healthOk(5));
    agentManager.getConfig.mockResolvedValue(configOk({ agentTypes: [] }));

    await checker.check(
      clientEntity({
        authenticationType: 'keycloak',
        apiKey: null,
        keycloakClientId: 'kc',
        keycloakClientSecret: 'kc-secret',
        keycloakRealm: 'agents',
        keycloakAuthServerUrl: null,
      }),
    );

    expect(agentManager.getConfig.mock.calls[0][0].credentials).toEqual({
      type: 'keycloak',
      clientId: 'kc',
      clientSecret: 'kc-secret',
      realm: 'agents',
      authServerUrl: null,
    });
  });

  it('is degraded when health answers slower than the limit, naming both numbers', async () => {
    const { agentManager, checker } = checkerWith(2000);
    agentManager.getHealth.mockResolvedValue(healthOk(2500));
    agentManager.getConfig.mockResolvedValue(configOk({ agentTypes: [] }));

    const result = await checker.check(clientEntity());

    expect(result.healthState).toBe('degraded');
    expect(result.healthReason).toBe('Slow: answered in 2500 ms (limit 2000 ms)');
    expect(result.healthLatencyMs).toBe(2500);
    expect(result.config).toBeDefined();
  });

  it('is still healthy at exactly the latency limit', async () => {
    const { agentManager, checker } = checkerWith(2000);
    agentManager.getHealth.mockResolvedValue(healthOk(2000));
    agentManager.getConfig.mockResolvedValue(configOk({ agentTypes: [] }));

    expect((await checker.check(clientEntity())).healthState).toBe('healthy');
  });

  describe('when the health check fails', () => {
    it('is unreachable when the connection is refused, keeps lastSeenAt and skips the config call', async () => {
      const { agentManager, checker } = checkerWith();
      agentManager.getHealth.mockRejectedValue(new RemoteCallError('refused', 'Connection refused'));

      const result = await checker.check(clientEntity());

      expect(result).toMatchObject({
        healthState: 'unreachable',
        healthReason: 'Health check failed: Connection refused',
        healthLastSeenAt: LAST_SEEN,
        healthLatencyMs: null,
      });
      expect(result.healthCheckedAt?.getTime()).toBeGreaterThan(LAST_SEEN.getTime());
      expect('config' in result).toBe(false);
      expect(agentManager.getConfig).not.toHaveBeenCalled();
    });

    it.each<[RemoteCallError['kind'], string]>([
      ['dns', 'unreachable'],
      ['reset', 'unreachable'],
      ['timeout', 'unreachable'],
      ['tls', 'unreachable'],
      ['blocked', 'unreachable'],
      ['network', 'unreachable'],
      ['auth', 'auth_failed'],
      ['incompatible', 'incompatible'],
      ['server_error', 'degraded'],
    ])('maps a %s failure to %s', async (kind, state) => {
      const { agentManager, checker } = checkerWith();
      agentManager.getHealth.mockRejectedValue(new RemoteCallError(kind, 'why'));

      expect((await checker.check(clientEntity())).healthState).toBe(state);
    });

    it('is degraded on a 503, and the remote counts as seen now', async () => {
      const { agentManager, checker } = checkerWith();
      agentManager.getHealth.mockRejectedValue(
        new RemoteCallError('server_error', 'The remote failed (HTTP 503)', 503),
      );

      const result = await checker.check(clientEntity());

      expect(result.healthState).toBe('degraded');
      expect(result.healthReason).toBe('Health check failed: The remote failed (HTTP 503)');
      expect(result.healthLastSeenAt).toBe(result.healthCheckedAt);
      expect(result.healthLastSeenAt).not.toBe(LAST_SEEN);
    });

    it('keeps a never-seen client never seen when it cannot be reached', async () => {
      const { agentManager, checker } = checkerWith();
      agentManager.getHealth.mockRejectedValue(new RemoteCallError('dns', 'DNS lookup failed (ENOTFOUND)'));

      const result = await checker.check(clientEntity({ healthLastSeenAt: null, healthState: 'unknown' }));

      expect(result.healthLastSeenAt).toBeNull();
    });

    it('treats an unexpected error as a network failure with its message', async () => {
      const { agentManager, checker } = checkerWith();
      agentManager.getHealth.mockRejectedValue(new TypeError('boom'));

      const result = await checker.check(clientEntity());

      expect(result.healthState).toBe('unreachable');
      expect(result.healthReason).toBe('Health check failed: boom');
    });
  });

  describe('when health answers but the config check fails', () => {
    it.each<[RemoteCallError['kind'], string]>([
      ['auth', 'auth_failed'],
      ['incompatible', 'incompatible'],
      ['timeout', 'degraded'],
      ['server_error', 'degraded'],
      ['refused', 'degraded'],
    ])('maps a %s failure to %s, keeping the health latency and marking the remote seen', async (kind, state) => {
      const { agentManager, checker } = checkerWith();
      agentManager.getHealth.mockResolvedValue(healthOk(33));
      agentManager.getConfig.mockRejectedValue(new RemoteCallError(kind, 'because'));

      const result = await checker.check(clientEntity());

      expect(result).toMatchObject({
        healthState: state,
        healthReason: 'Configuration check failed: because',
        healthLatencyMs: 33,
      });
      expect(result.healthLastSeenAt).toBe(result.healthCheckedAt);
      expect('config' in result).toBe(false);
    });

    it('is auth_failed on a 401 with the reason the remote gave', async () => {
      const { agentManager, checker } = checkerWith();
      agentManager.getHealth.mockResolvedValue(healthOk(5));
      agentManager.getConfig.mockRejectedValue(
        new RemoteCallError('auth', 'The remote refused the credentials (HTTP 401: Invalid API key)', 401),
      );

      const result = await checker.check(clientEntity());

      expect(result.healthState).toBe('auth_failed');
      expect(result.healthReason).toBe(
        'Configuration check failed: The remote refused the credentials (HTTP 401: Invalid API key)',
      );
    });
  });
});
