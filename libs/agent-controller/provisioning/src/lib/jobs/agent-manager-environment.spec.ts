import { agentManagerEnvironment } from './agent-manager-environment';
import type { ProvisioningJobEntity, ProvisioningSettings } from './provisioning-job.entity';

const SETTINGS: ProvisioningSettings = {
  description: null,
  authenticationType: 'api_key',
  agentWsPort: 8080,
  keycloakClientId: null,
  keycloakRealm: null,
  keycloakAuthServerUrl: null,
  gitRepositoryUrl: 'https://git.example.com/agents.git',
  gitUsername: null,
  agentDefaultImage: null,
};

const job = (settings: Partial<ProvisioningSettings>) =>
  ({ settings: { ...SETTINGS, ...settings } }) as ProvisioningJobEntity;

describe('agentManagerEnvironment', () => {
  it("passes the auto-enrichment settings on as the agent-manager's own variables", () => {
    const environment = agentManagerEnvironment(
      job({ autoEnrichEnabledGlobal: false, autoEnrichVectorMaxCosineDistance: 0.35 }),
      { apiKey: 'remote-key' },
    );

    expect(environment).toMatchObject({
      AUTHENTICATION_METHOD: 'api-key',
      STATIC_API_KEY: 'remote-key',
      GIT_REPOSITORY_URL: 'https://git.example.com/agents.git',
      AUTO_ENRICH_ENABLED_GLOBAL: 'false',
      AUTO_ENRICH_VECTOR_MAX_COSINE_DISTANCE: '0.35',
    });
  });

  it('writes true and a distance of 0 (a value, not a missing one)', () => {
    const environment = agentManagerEnvironment(
      job({ autoEnrichEnabledGlobal: true, autoEnrichVectorMaxCosineDistance: 0 }),
      {},
    );

    expect(environment['AUTO_ENRICH_ENABLED_GLOBAL']).toBe('true');
    expect(environment['AUTO_ENRICH_VECTOR_MAX_COSINE_DISTANCE']).toBe('0');
  });

  it('leaves the variables out when not asked for, also for jobs stored before the settings existed', () => {
    for (const settings of [{ autoEnrichEnabledGlobal: null, autoEnrichVectorMaxCosineDistance: null }, {}]) {
      const environment = agentManagerEnvironment(job(settings), {});

      expect(environment).not.toHaveProperty('AUTO_ENRICH_ENABLED_GLOBAL');
      expect(environment).not.toHaveProperty('AUTO_ENRICH_VECTOR_MAX_COSINE_DISTANCE');
    }
  });
});
