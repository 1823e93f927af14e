import type { AppConfig } from '../config/app-config';

/**
 * Content-Security-Policy directives beyond helmet's defaults. No upgrade-insecure-requests: TLS is the proxy's
 * job, and the console must load over plain http on localhost. In keycloak mode the console talks to the realm
 * from the browser (discovery document, signing keys, token endpoint), so the realm's origin may be connected to.
 */
export function contentSecurityDirectives(config: Pick<AppConfig, 'auth'>): Record<string, string[] | null> {
  const keycloak = config.auth.method === 'keycloak' ? config.auth.keycloak : undefined;
  return {
    upgradeInsecureRequests: null,
    connectSrc: ["'self'", ...(keycloak ? [new URL(keycloak.issuer).origin] : [])],
  };
}
