import type { Client } from '@agent-controller/shared-contracts';
import {
  changesConnection,
  clientFormValue,
  toCreateRequest,
  toUpdateRequest,
} from '@agent-controller/console-clients-data-access';

const SAVED: Client = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'Build farm',
  description: null,
  endpoint: 'https://agents.example.com',
  authenticationType: 'keycloak',
  agentWsPort: 8080,
  keycloakClientId: 'agents',
  keycloakRealm: 'main',
  keycloakAuthServerUrl: null,
  status: 'active',
  config: null,
  health: { state: 'healthy', reason: null, checkedAt: null, lastSeenAt: null, latencyMs: null },
  weakApiKey: false,
  keyCreatedAt: null,
  keyRotatedAt: null,
  lastUsedAt: null,
  isAutoProvisioned: false,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

describe('client form', () => {
  it('starts from the saved client with every secret empty', () => {
    expect(clientFormValue(SAVED)).toMatchObject({
      name: 'Build farm',
      description: '',
      authenticationType: 'keycloak',
      keycloakClientId: 'agents',
      keycloakClientSecret: '',
      apiKey: '',
    });
    expect(clientFormValue()).toMatchObject({ name: '', authenticationType: 'api_key', agentWsPort: 8080 });
  });

  it('creates with only the fields of the chosen authentication and no empty optional values', () => {
    const value = { ...clientFormValue(), name: 'A', endpoint: 'http://a', keycloakRealm: 'left over' };
    expect(toCreateRequest(value)).toEqual({
      name: 'A',
      endpoint: 'http://a',
      agentWsPort: 8080,
      authenticationType: 'api_key',
    });
    expect(toCreateRequest({ ...value, apiKey: 'k'.repeat(20), description: 'd' })).toMatchObject({
      apiKey: 'k'.repeat(20),
      description: 'd',
    });
  });

  it('updates nothing when nothing changed, and never resends a secret left empty', () => {
    expect(toUpdateRequest(SAVED, clientFormValue(SAVED))).toBeNull();
    const renamed = toUpdateRequest(SAVED, { ...clientFormValue(SAVED), name: 'Renamed', description: 'Night builds' });
    expect(renamed).toEqual({ name: 'Renamed', description: 'Night builds' });
    expect(changesConnection(renamed ?? {})).toBe(false);
  });

  it('sends a changed connection setting or a new secret, which makes the controller check again', () => {
    const moved = toUpdateRequest(SAVED, {
      ...clientFormValue(SAVED),
      endpoint: 'https://new.example.com',
      keycloakClientSecret: 'new secret',
    });
    expect(moved).toEqual({ endpoint: 'https://new.example.com', keycloakClientSecret: 'new secret' });
    expect(changesConnection(moved ?? {})).toBe(true);
  });

  it('clears a description by sending null', () => {
    const described = { ...SAVED, description: 'old' };
    expect(toUpdateRequest(described, { ...clientFormValue(described), description: '  ' })).toEqual({
      description: null,
    });
  });

  it('switches to API-key authentication with the key typed in', () => {
    const value = { ...clientFormValue(SAVED), authenticationType: 'api_key' as const, apiKey: 'k'.repeat(24) };
    expect(toUpdateRequest(SAVED, value)).toEqual({ authenticationType: 'api_key', apiKey: 'k'.repeat(24) });
  });
});
