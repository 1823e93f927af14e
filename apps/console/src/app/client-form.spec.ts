import type { Client } from '@agent-controller/shared-contracts';
import {
  changesConnection,
  clientFormValue,
  defaultAgentWsPort,
  environmentOptions,
  labelsFromRows,
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
  environment: 'production',
  labels: {},
  canManageWorkspaceConfiguration: true,
  teamId: null,
  createdBy: null,
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
      environment: 'production',
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

  it('creates in the chosen environment and sends labels only when there are some', () => {
    const value = { ...clientFormValue(), name: 'A', endpoint: 'http://a' };
    expect(value.environment).toBe('production');
    expect(toCreateRequest(value)).not.toHaveProperty('labels');
    const labelled = {
      ...value,
      environment: 'staging',
      labels: [
        { key: 'region', value: 'eu' },
        { key: ' ', value: 'ignored' },
        { key: 'tier', value: '' },
      ],
    };
    expect(toCreateRequest(labelled)).toMatchObject({ environment: 'staging', labels: { region: 'eu', tier: '' } });
  });

  it('shows saved labels as rows in key order and sends the whole set only when it changed', () => {
    const labelled = { ...SAVED, labels: { tier: 'gold', region: 'eu' } };
    const form = clientFormValue(labelled);
    expect(form.labels).toEqual([
      { key: 'region', value: 'eu' },
      { key: 'tier', value: 'gold' },
    ]);
    expect(toUpdateRequest(labelled, form)).toBeNull();
    const removed = toUpdateRequest(labelled, { ...form, labels: [{ key: 'region', value: 'us' }] });
    expect(removed).toEqual({ labels: { region: 'us' } });
    expect(toUpdateRequest(labelled, { ...form, labels: [] })).toEqual({ labels: {} });
    expect(changesConnection(removed ?? {})).toBe(false);
  });

  it('changes the environment without checking the remote again', () => {
    const moved = toUpdateRequest(SAVED, { ...clientFormValue(SAVED), environment: 'development' });
    expect(moved).toEqual({ environment: 'development' });
    expect(changesConnection(moved ?? {})).toBe(false);
  });

  it("creates in a team, leaving an empty realm to the team's default", () => {
    const value = {
      ...clientFormValue(),
      name: 'A',
      endpoint: 'http://a',
      authenticationType: 'keycloak' as const,
      keycloakClientId: 'agents',
      keycloakClientSecret: 'secret',
      teamId: 't1',
    };
    expect(toCreateRequest(value)).toEqual({
      name: 'A',
      endpoint: 'http://a',
      agentWsPort: 8080,
      environment: 'production',
      teamId: 't1',
      authenticationType: 'keycloak',
      keycloakClientId: 'agents',
      keycloakClientSecret: 'secret',
    });
    expect(toCreateRequest({ ...value, keycloakRealm: 'own' })).toMatchObject({ keycloakRealm: 'own' });
    // Outside a team the realm is required: an empty one is sent for the controller to refuse beside the field.
    expect(toCreateRequest({ ...value, teamId: null })).toMatchObject({ keycloakRealm: '' });
    expect(toCreateRequest({ ...value, teamId: null })).not.toHaveProperty('teamId');
    expect(defaultAgentWsPort(null)).toBe(8080);
    expect(
      defaultAgentWsPort({
        defaults: { agentWsPort: 9000, keycloakRealm: null, keycloakAuthServerUrl: null, labels: {} },
      }),
    ).toBe(9000);
  });

  it('moves a client to another team or out of its team without checking the remote again', () => {
    const moved = toUpdateRequest(SAVED, { ...clientFormValue(SAVED), teamId: 't2' });
    expect(moved).toEqual({ teamId: 't2' });
    expect(changesConnection(moved ?? {})).toBe(false);
    const inTeam = { ...SAVED, teamId: 't2' };
    expect(toUpdateRequest(inTeam, clientFormValue(inTeam))).toBeNull();
    expect(toUpdateRequest(inTeam, { ...clientFormValue(inTeam), teamId: null })).toEqual({ teamId: null });
  });

  it('offers the default environments and keeps a client in another configured one', () => {
    expect(environmentOptions()).toEqual(['production', 'staging', 'development']);
    expect(environmentOptions('qa')).toEqual(['production', 'staging', 'development', 'qa']);
    expect(labelsFromRows([{ key: ' region ', value: ' eu ' }])).toEqual({ region: 'eu' });
  });
});
