import type { KeycloakSignIn } from '@agent-controller/shared-contracts';
import type { LogLevel, OpenIdConfiguration } from 'angular-auth-oidc-client';

/** The console's routes the realm sends the browser back to; both are registered in the realm's client. */
export const KEYCLOAK_CALLBACK_PATH = 'auth/callback';
export const KEYCLOAK_SIGNED_OUT_PATH = 'login';

/**
 * The realm session of this tab (OpenID Connect authorization code flow with PKCE, angular-auth-oidc-client).
 */
export interface KeycloakSession {
  /** Starts the code flow: the browser leaves for the realm's login page. */
  signIn(): Promise<void>;
  /** Completes the code flow from the callback URL; the access token, or an error saying why not. */
  completeSignIn(callbackUrl: string): Promise<string>;
  /** The tab's stored session, refreshed with the refresh token if its access token expired; null if none. */
  restore(): Promise<string | null>;
  /** Called with each access token renewed before expiry (refresh token). */
  onRenewed(listener: (accessToken: string) => void): void;
  /**
   * Forgets the tab's tokens and ends the realm session: the browser leaves for the end-session endpoint, which
   * sends it back to the log-in page. Resolves false when the realm has no end-session endpoint (local sign-out).
   */
  signOut(): Promise<boolean>;
  /** Forgets the tab's tokens only. */
  forget(): void;
}

const WARN: LogLevel.Warn = 2;

/** The OpenID client's settings for the controller's realm. Renewal uses the refresh token, never an iframe. */
export function oidcConfigFor(signIn: KeycloakSignIn, baseUri: string): OpenIdConfiguration {
  return {
    authority: signIn.issuer,
    clientId: signIn.clientId,
    scope: signIn.scope,
    responseType: 'code',
    redirectUrl: new URL(KEYCLOAK_CALLBACK_PATH, baseUri).href,
    postLogoutRedirectUri: new URL(KEYCLOAK_SIGNED_OUT_PATH, baseUri).href,
    useRefreshToken: true,
    silentRenew: true,
    renewTimeBeforeTokenExpiresInSeconds: 30,
    // Keycloak (and oidc-provider) repeat the sign-in's nonce in refreshed ID tokens.
    ignoreNonceAfterRefresh: true,
    // Who the user is comes from the controller (GET /api/auth/me), not from the realm's userinfo.
    autoUserInfo: false,
    // The console routes after sign-in itself; the library must not navigate.
    triggerAuthorizationResultEvent: true,
    // The console's own interceptor sends the token; the library's is not installed.
    secureRoutes: [],
    logLevel: WARN,
  };
}
