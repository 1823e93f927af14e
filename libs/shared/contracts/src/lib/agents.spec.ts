import {
  deploymentConfigurationRequestSchema,
  environmentVariableRequestSchema,
  listRunsQuerySchema,
  updateAgentRequestSchema,
} from './agents';
import { provisionRequestSchema } from './provisioning';

describe('requests as Agenstra consoles send them', () => {
  it('takes an agent update with description null (no description)', () => {
    expect(updateAgentRequestSchema.parse({ name: 'a', description: null })).toEqual({ name: 'a', description: null });
  });

  describe('deployment configuration', () => {
    it('leaves a blank or missing token out of an update, so the remote keeps the stored one', () => {
      for (const body of [{ repositoryId: 'acme/app' }, { repositoryId: 'acme/app', providerToken: '' }]) {
        // What goes over the wire to the remote (the body is sent as JSON).
        const forwarded = JSON.parse(JSON.stringify(deploymentConfigurationRequestSchema.parse(body)));
        expect(forwarded).toEqual({ repositoryId: 'acme/app' });
      }
    });

    it('needs a token with providerType (creating), naming the field', () => {
      const result = deploymentConfigurationRequestSchema.safeParse({ providerType: 'github', repositoryId: 'a/b' });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path)).toEqual([['providerToken']]);
      expect(
        deploymentConfigurationRequestSchema.parse({ providerType: 'github', repositoryId: 'a/b', providerToken: 't' }),
      ).toMatchObject({ providerToken: 't' });
    });
  });

  it('takes variable names the remote accepts, refusing only what cannot be one variable', () => {
    for (const variable of ['my-var', 'API_URL', '1st', 'a.b']) {
      expect(environmentVariableRequestSchema.safeParse({ variable, content: '' }).success).toBe(true);
    }
    for (const variable of ['', 'HAS SPACE', 'A=B', 'LINE\nBREAK']) {
      expect(environmentVariableRequestSchema.safeParse({ variable, content: '' }).success).toBe(false);
    }
  });

  it('pages deployment runs 50 at a time by default', () => {
    expect(listRunsQuerySchema.parse({})).toEqual({ limit: 50, offset: 0 });
  });

  describe('provisioning auto-enrichment settings', () => {
    const base = { providerType: 'hetzner', serverType: 'cx23', name: 'n', authenticationType: 'api_key' } as const;

    it.each([
      ['true', true],
      ['false', false],
      [true, true],
      [false, false],
    ])('reads autoEnrichEnabledGlobal %p as %p', (sent, read) => {
      expect(provisionRequestSchema.parse({ ...base, autoEnrichEnabledGlobal: sent }).autoEnrichEnabledGlobal).toBe(
        read,
      );
    });

    it('refuses other values and a distance outside 0–2, naming the field', () => {
      for (const [field, value] of [
        ['autoEnrichEnabledGlobal', 'yes'],
        ['autoEnrichVectorMaxCosineDistance', 2.5],
        ['autoEnrichVectorMaxCosineDistance', -0.1],
      ] as const) {
        const result = provisionRequestSchema.safeParse({ ...base, [field]: value });
        expect(result.error?.issues[0]?.path).toEqual([field]);
      }
      expect(provisionRequestSchema.parse({ ...base, autoEnrichVectorMaxCosineDistance: 0 })).toMatchObject({
        autoEnrichVectorMaxCosineDistance: 0,
      });
    });
  });
});
