import { clientSchema } from '@agent-controller/shared-contracts';
import { z } from 'zod';
import type { ClientEntity } from './client.entity';
import type { ClientRelation } from './client-access.policy';
import { ClientView, toClientResponse } from './client.mapper';

const API_KEY = 'super-secret-api-key-value';
const KC_SECRET = 'super-secret-keycloak-value';

function entity(overrides: Partial<ClientEntity> = {}): ClientEntity {
  return {
    id: '0a4f5c7e-2d1b-4c3a-9e8f-7b6a5d4c3b2a',
    name: 'alpha',
    description: 'first',
    endpoint: 'https://agents.example.com',
    authenticationType: 'api_key',
    apiKey: API_KEY,
    weakApiKey: false,
    keycloakClientId: null,
    keycloakClientSecret: KC_SECRET,
    keycloakRealm: null,
    keycloakAuthServerUrl: null,
    agentWsPort: 8080,
    status: 'active',
    userId: '11111111-1111-4111-8111-111111111111',
    config: {
      gitRepositoryUrl: null,
      agentTypes: [{ type: 'c', displayName: 'C' }],
      fetchedAt: '2024-05-01T10:00:00.000Z',
    },
    healthState: 'degraded',
    healthReason: 'Slow',
    healthCheckedAt: new Date('2024-05-01T10:00:00.000Z'),
    healthLastSeenAt: new Date('2024-05-01T09:00:00.000Z'),
    healthLatencyMs: 2500,
    keyCreatedAt: new Date('2024-04-01T00:00:00.000Z'),
    keyRotatedAt: null,
    lastUsedAt: null,
    isAutoProvisioned: false,
    environment: 'production',
    labels: {},
    createdAt: new Date('2024-04-01T00:00:00.000Z'),
    updatedAt: new Date('2024-05-01T10:00:00.000Z'),
    ...overrides,
  } as ClientEntity;
}

function view(client: ClientEntity, relation: ClientRelation = 'creator'): ClientView {
  return { client, relation };
}

describe('toClientResponse', () => {
  it('never contains the api key or the Keycloak secret, not even as a key', () => {
    const response = toClientResponse(view(entity()));

    expect(response).not.toHaveProperty('apiKey');
    expect(response).not.toHaveProperty('keycloakClientSecret');
    const serialized = JSON.stringify(response);
    expect(serialized).not.toContain(API_KEY);
    expect(serialized).not.toContain(KC_SECRET);
  });

  it('says whether the stored key is weak, from the stored flag, without the key', () => {
    expect(toClientResponse(view(entity({ weakApiKey: true, apiKey: undefined }))).weakApiKey).toBe(true);
    expect(toClientResponse(view(entity())).weakApiKey).toBe(false);
  });

  it('gives the environment and the labels, keys in alphabetical order', () => {
    const response = toClientResponse(view(entity({ environment: 'staging', labels: { zone: 'b', app: 'a' } })));

    expect(response.environment).toBe('staging');
    expect(Object.entries(response.labels)).toEqual([
      ['app', 'a'],
      ['zone', 'b'],
    ]);
  });

  it('names the creator as createdBy, not as the row column', () => {
    const response = toClientResponse(view(entity()));
    expect(response).not.toHaveProperty('userId');
    expect(response.createdBy).toBe('11111111-1111-4111-8111-111111111111');
  });

  it.each<[ClientRelation, boolean]>([
    ['global_admin', true],
    ['creator', true],
    ['client_admin', true],
    ['client_user', false],
  ])('says whether a %s may manage the workspace configuration (%p), from the policy', (relation, allowed) => {
    expect(toClientResponse(view(entity(), relation)).canManageWorkspaceConfiguration).toBe(allowed);
  });

  it('matches the client contract exactly (no extra keys)', () => {
    expect(() => z.strictObject(clientSchema.shape).parse(toClientResponse(view(entity())))).not.toThrow();
  });

  it('groups health and writes dates as ISO strings, keeping nulls', () => {
    const response = toClientResponse(view(entity()));

    expect(response.health).toEqual({
      state: 'degraded',
      reason: 'Slow',
      checkedAt: '2024-05-01T10:00:00.000Z',
      lastSeenAt: '2024-05-01T09:00:00.000Z',
      latencyMs: 2500,
    });
    expect(response.keyCreatedAt).toBe('2024-04-01T00:00:00.000Z');
    expect(response.keyRotatedAt).toBeNull();
    expect(response.lastUsedAt).toBeNull();
    expect(response.createdAt).toBe('2024-04-01T00:00:00.000Z');
  });

  it('keeps a never-checked client valid against the contract', () => {
    const response = toClientResponse(
      view(
        entity({
          healthState: 'unknown',
          healthReason: null,
          healthCheckedAt: null,
          healthLastSeenAt: null,
          healthLatencyMs: null,
          config: null,
        }),
      ),
    );

    expect(clientSchema.parse(response).health).toEqual({
      state: 'unknown',
      reason: null,
      checkedAt: null,
      lastSeenAt: null,
      latencyMs: null,
    });
  });
});
