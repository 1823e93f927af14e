import { HttpClient } from '@angular/common/http';
import { EnvironmentProviders, inject, Injectable, InjectionToken, Injector } from '@angular/core';
import type { AuthConfig } from '@agent-controller/shared-contracts';
import {
  EventTypes,
  OidcSecurityService,
  provideAuth,
  PublicEventsService,
  StsConfigHttpLoader,
  StsConfigLoader,
} from 'angular-auth-oidc-client';
import { filter, firstValueFrom, map, switchMap, take } from 'rxjs';
import { KeycloakSession, oidcConfigFor } from './keycloak-sign-in';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

/** KeycloakSession on angular-auth-oidc-client. */
@Injectable({ providedIn: 'root' })
export class OidcKeycloakSession implements KeycloakSession {
  private readonly oidc = inject(OidcSecurityService);
  private readonly events = inject(PublicEventsService);

  async signIn(): Promise<void> {
    // Loads the settings and the realm's discovery document (so a failure is reported here), then stores state,
    // nonce and the PKCE verifier and redirects.
    await firstValueFrom(this.oidc.preloadAuthWellKnownDocument());
    this.oidc.authorize();
  }

  async completeSignIn(callbackUrl: string): Promise<string> {
    const result = await firstValueFrom(this.oidc.checkAuth(callbackUrl));
    if (!result.isAuthenticated || !result.accessToken) {
      throw new Error(result.errorMessage ? `Sign-in failed: ${result.errorMessage}` : 'Sign-in failed');
    }
    return result.accessToken;
  }

  async restore(): Promise<string | null> {
    const result = await firstValueFrom(this.oidc.checkAuthIncludingServer());
    return result.isAuthenticated && result.accessToken ? result.accessToken : null;
  }

  onRenewed(listener: (accessToken: string) => void): void {
    this.events
      .registerForEvents()
      .pipe(
        filter((event) => event.type === EventTypes.NewAuthenticationResult),
        switchMap(() => this.oidc.getAccessToken().pipe(take(1))),
        filter((token) => !!token),
      )
      .subscribe(listener);
  }

  async signOut(): Promise<boolean> {
    let leaving = false;
    await firstValueFrom(
      this.oidc.logoff(undefined, {
        urlHandler: (endSessionUrl) => {
          leaving = true;
          window.location.assign(endSessionUrl);
        },
      }),
    );
    return leaving;
  }

  forget(): void {
    this.oidc.logoffLocal();
  }
}

/**
 * The OpenID client for the app's root, configured from GET /api/auth/config the first time keycloak mode uses it
 * (users and api-key modes never ask for that configuration).
 */
export function provideKeycloakSignIn(): EnvironmentProviders {
  return provideAuth({
    loader: {
      provide: StsConfigLoader,
      useFactory: (http: HttpClient) =>
        new StsConfigHttpLoader(
          http.get<AuthConfig>(apiPaths.auth.config).pipe(
            map((config) => {
              if (!config.keycloak) throw new Error('The controller does not use Keycloak sign-in');
              return oidcConfigFor(config.keycloak, document.baseURI);
            }),
          ),
        ),
      deps: [HttpClient],
    },
  });
}

/**
 * The tab's realm session, created when keycloak mode first needs it (users and api-key modes never do). Tests
 * replace it.
 */
export const KEYCLOAK_SESSION = new InjectionToken<() => Promise<KeycloakSession>>('KeycloakSession', {
  providedIn: 'root',
  factory: () => {
    const injector = inject(Injector);
    return async () => injector.get(OidcKeycloakSession);
  },
});
