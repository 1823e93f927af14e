import { AppConfig, KeycloakAuthConfig } from '@agent-controller/core';
import { toAuthConfigResponse } from './auth-config.mapper';

const keycloak: KeycloakAuthConfig = {
  issuer: 'https://sso.example.com/realms/agents',
  realm: 'agents',
  clientId: 'agent-controller',
  clientSecret: 'never-shown',
  consoleClientId: 'agent-console-spa',
  consoleScope: 'openid profile email',
  tokenValidation: 'ONLINE',
  adminRole: 'admin',
  introspectionCacheSeconds: 30,
  requestTimeoutMs: 5000,
};

const auth = (method: AppConfig['auth']['method'], settings?: KeycloakAuthConfig): AppConfig['auth'] => ({
  method,
  staticApiKey: 'static-key-never-shown',
  jwtSecret: 'jwt-secret-never-shown',
  jwtExpiresInSeconds: 3600,
  keycloak: settings,
});

describe('toAuthConfigResponse', () => {
  it("gives the console the realm's issuer, the console's client and scope in keycloak mode", () => {
    expect(toAuthConfigResponse(auth('keycloak', keycloak))).toEqual({
      authenticationMethod: 'keycloak',
      keycloak: { issuer: keycloak.issuer, clientId: 'agent-console-spa', scope: 'openid profile email' },
    });
  });

  it.each(['users', 'api-key'] as const)('names only the method in %s mode', (method) => {
    expect(toAuthConfigResponse(auth(method))).toEqual({ authenticationMethod: method });
  });

  it('never includes a secret', () => {
    const text = JSON.stringify(toAuthConfigResponse(auth('keycloak', keycloak)));

    expect(text).not.toMatch(/never-shown/);
  });
});
