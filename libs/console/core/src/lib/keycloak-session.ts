import { HttpClient } from '@angular/common/http';
import {
  createEnvironmentInjector,
  DOCUMENT,
  EnvironmentInjector,
  inject,
  Injectable,
  NgZone,
  PLATFORM_ID,
  ProviderToken,
  RendererFactory2,
  ɵINJECTOR_SCOPE as INJECTOR_SCOPE,
} from '@angular/core';
import { Router } from '@angular/router';
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

/** What the OpenID client injects from Angular: the app's own instances, never second copies. */
const APP_TOKENS: ProviderToken<unknown>[] = [Router, HttpClient, NgZone, DOCUMENT, PLATFORM_ID, RendererFactory2];

/** KeycloakSession on angular-auth-oidc-client. */
@Injectable()
class OidcKeycloakSession implements KeycloakSession {
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
 * The OpenID client in its own injector, created when keycloak mode first needs it. Its services are
 * `providedIn: 'root'` but need the providers of `provideAuth`, which the app's root cannot have without
 * putting the whole client into the initial chunk; so this injector is the root of the client's services
 * (INJECTOR_SCOPE 'root') and hands them the app's instances of what they use from Angular.
 */
export function createKeycloakSession(app: EnvironmentInjector): KeycloakSession {
  const injector = createEnvironmentInjector(
    [
      { provide: INJECTOR_SCOPE, useValue: 'root' },
      ...APP_TOKENS.map((token) => ({ provide: token, useValue: app.get(token) })),
      provideAuth({
        loader: {
          provide: StsConfigLoader,
          useFactory: (http: HttpClient) =>
            new StsConfigHttpLoader(
              http.get<AuthConfig>('/api/auth/config').pipe(
                map((config) => {
                  if (!config.keycloak) throw new Error('The controller does not use Keycloak sign-in');
                  return oidcConfigFor(config.keycloak, document.baseURI);
                }),
              ),
            ),
          deps: [HttpClient],
        },
      }),
      OidcKeycloakSession,
    ],
    app,
    'OpenID client',
  );
  return injector.get(OidcKeycloakSession);
}
