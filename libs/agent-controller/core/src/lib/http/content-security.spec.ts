import type { AppConfig, KeycloakAuthConfig } from '../config/app-config';
import { contentSecurityDirectives } from './content-security';

const auth = (method: AppConfig['auth']['method'], issuer?: string): Pick<AppConfig, 'auth'> => ({
  auth: {
    method,
    jwtSecret: 'x',
    jwtExpiresInSeconds: 3600,
    keycloak: issuer ? ({ issuer } as KeycloakAuthConfig) : undefined,
  },
});

describe('contentSecurityDirectives', () => {
  it('lets the console connect to its own origin only, outside keycloak mode', () => {
    expect(contentSecurityDirectives(auth('users'))).toEqual({ upgradeInsecureRequests: null, connectSrc: ["'self'"] });
  });

  it("lets the console connect to the realm's origin in keycloak mode (token endpoint, keys)", () => {
    expect(contentSecurityDirectives(auth('keycloak', 'https://sso.example.com:8443/auth/realms/agents'))).toEqual({
      upgradeInsecureRequests: null,
      connectSrc: ["'self'", 'https://sso.example.com:8443'],
    });
  });
});
