import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import {
  authInterceptor,
  KEYCLOAK_SESSION,
  KeycloakSession,
  oidcConfigFor,
  SessionStore,
} from '@agent-controller/console-core';
import type { Principal } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';

const SIGN_IN = {
  issuer: 'https://sso.example.com/realms/agents',
  clientId: 'agent-console-spa',
  scope: 'openid profile email',
};

const PRINCIPAL: Principal = {
  kind: 'user',
  isGlobalAdmin: true,
  authenticationMethod: 'keycloak',
  user: {
    id: '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
    email: 'alice@example.com',
    role: 'admin',
    locked: false,
    lastSignInAt: null,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
  },
};

/** A realm session without a realm: what the OpenID client would answer, and what it was asked. */
class FakeKeycloakSession implements KeycloakSession {
  readonly calls: string[] = [];
  stored: string | null = null;
  endSessionEndpoint = true;
  private renewed?: (accessToken: string) => void;

  async signIn(): Promise<void> {
    this.calls.push('signIn');
  }
  async completeSignIn(callbackUrl: string): Promise<string> {
    this.calls.push(`completeSignIn ${callbackUrl}`);
    if (!callbackUrl.includes('code=')) throw new Error('Sign-in failed: no code');
    this.stored = 'access-1';
    return this.stored;
  }
  async restore(): Promise<string | null> {
    this.calls.push('restore');
    return this.stored;
  }
  onRenewed(listener: (accessToken: string) => void): void {
    this.renewed = listener;
  }
  renew(accessToken: string): void {
    this.stored = accessToken;
    this.renewed?.(accessToken);
  }
  async signOut(): Promise<boolean> {
    this.calls.push('signOut');
    this.stored = null;
    return this.endSessionEndpoint;
  }
  forget(): void {
    this.calls.push('forget');
    this.stored = null;
  }
}

describe('oidcConfigFor', () => {
  it('asks for the code flow as the console client, back to the callback and log-in routes', () => {
    const config = oidcConfigFor(SIGN_IN, 'https://controller.example.com/');

    expect(config).toMatchObject({
      authority: SIGN_IN.issuer,
      clientId: 'agent-console-spa',
      scope: 'openid profile email',
      responseType: 'code',
      redirectUrl: 'https://controller.example.com/auth/callback',
      postLogoutRedirectUri: 'https://controller.example.com/login',
    });
  });

  it('renews with the refresh token before expiry and leaves routing and headers to the console', () => {
    const config = oidcConfigFor(SIGN_IN, 'https://controller.example.com/console/');

    expect(config.redirectUrl).toBe('https://controller.example.com/console/auth/callback');
    expect(config).toMatchObject({
      useRefreshToken: true,
      silentRenew: true,
      renewTimeBeforeTokenExpiresInSeconds: 30,
      ignoreNonceAfterRefresh: true,
      autoUserInfo: false,
      triggerAuthorizationResultEvent: true,
      secureRoutes: [],
    });
  });
});

describe('SessionStore in keycloak mode', () => {
  let keycloak: FakeKeycloakSession;
  let loads: number;

  function setUp() {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        {
          provide: KEYCLOAK_SESSION,
          useValue: async () => {
            loads++;
            return keycloak;
          },
        },
      ],
    });
    return {
      store: TestBed.inject(SessionStore),
      http: TestBed.inject(HttpTestingController),
      client: TestBed.inject(HttpClient),
    };
  }

  /** Answers GET /api/auth/me once the store asks, and returns the bearer it was asked with. */
  async function answerMe(http: HttpTestingController, status = 200): Promise<string | null> {
    const request = await vi.waitFor(() => http.expectOne('/api/auth/me'));
    const authorization = request.request.headers.get('authorization');
    if (status === 200) request.flush(PRINCIPAL);
    else request.flush({ message: 'no' }, { status, statusText: 'Unauthorized' });
    return authorization;
  }

  beforeEach(() => {
    sessionStorage.clear();
    keycloak = new FakeKeycloakSession();
    loads = 0;
  });

  it('starts the code flow at the realm', async () => {
    const { store } = setUp();

    await store.signInWithKeycloak();

    expect(keycloak.calls).toEqual(['signIn']);
  });

  it('completes the code flow, asks the controller who it is with the access token, and sends it on API calls', async () => {
    const { store, http, client } = setUp();

    const completing = store.completeKeycloakSignIn('https://controller.example.com/auth/callback?code=c&state=s');
    expect(await answerMe(http)).toBe('Bearer access-1');
    await completing;

    expect(store.signedIn()).toBe(true);
    expect(store.isGlobalAdmin()).toBe(true);
    expect(store.displayName()).toBe('alice@example.com');
    const call = firstValueFrom(client.get('/api/clients'));
    const request = http.expectOne('/api/clients');
    expect(request.request.headers.get('authorization')).toBe('Bearer access-1');
    request.flush([]);
    await call;
    // The realm's tokens stay with the OpenID client: the users-mode credential key is not used.
    expect(sessionStorage.getItem('agent-controller.credential')).toBeNull();
  });

  it('reports a failed code flow and stays signed out', async () => {
    const { store } = setUp();

    await expect(store.completeKeycloakSignIn('https://controller.example.com/auth/callback?error=x')).rejects.toThrow(
      'Sign-in failed: no code',
    );
    expect(store.signedIn()).toBe(false);
    expect(store.token()).toBeNull();
  });

  it('sends the renewed access token after a refresh', async () => {
    const { store, http, client } = setUp();
    const completing = store.completeKeycloakSignIn('https://controller.example.com/auth/callback?code=c');
    await answerMe(http);
    await completing;

    keycloak.renew('access-2');

    expect(store.token()).toBe('access-2');
    const call = firstValueFrom(client.get('/api/clients'));
    const request = http.expectOne('/api/clients');
    expect(request.request.headers.get('authorization')).toBe('Bearer access-2');
    request.flush([]);
    await call;
  });

  it("restores the tab's realm session after a reload", async () => {
    sessionStorage.setItem('agent-controller.keycloak', '1');
    keycloak.stored = 'access-after-reload';
    const { store, http } = setUp();

    const restoring = store.restore();
    expect(await answerMe(http)).toBe('Bearer access-after-reload');

    expect(await restoring).toBe(true);
    expect(keycloak.calls).toEqual(['restore']);
  });

  it('is signed out after a reload when the realm session cannot be renewed', async () => {
    sessionStorage.setItem('agent-controller.keycloak', '1');
    const { store } = setUp();

    expect(await store.restore()).toBe(false);
    expect(sessionStorage.getItem('agent-controller.keycloak')).toBeNull();
  });

  it('never starts the OpenID client in the other modes', async () => {
    const { store } = setUp();

    expect(await store.restore()).toBe(false);
    expect(await store.signOut()).toBe(false);
    store.logOut();
    expect(loads).toBe(0);
  });

  it('signs out at the realm, which sends the browser back to the log-in page', async () => {
    const { store, http } = setUp();
    const completing = store.completeKeycloakSignIn('https://controller.example.com/auth/callback?code=c');
    await answerMe(http);
    await completing;

    expect(await store.signOut()).toBe(true);

    expect(keycloak.calls.at(-1)).toBe('signOut');
    expect(keycloak.calls).not.toContain('forget');
    expect(store.signedIn()).toBe(false);
    expect(store.token()).toBeNull();
    expect(await store.restore()).toBe(false);
  });

  it('forgets the realm tokens when the controller ends the session (401)', async () => {
    const { store, http } = setUp();
    const completing = store.completeKeycloakSignIn('https://controller.example.com/auth/callback?code=c');
    await answerMe(http);
    await completing;

    store.logOut();
    await vi.waitFor(() => expect(keycloak.calls).toContain('forget'));

    expect(store.token()).toBeNull();
  });
});

describe('LoginPage in keycloak mode', () => {
  it('offers "Sign in with Keycloak", which starts the code flow', async () => {
    sessionStorage.clear();
    const keycloak = new FakeKeycloakSession();
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([]),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: KEYCLOAK_SESSION, useValue: async () => keycloak },
      ],
    });
    const http = TestBed.inject(HttpTestingController);
    // The feature is lazy-loaded by the routes, so it is imported the same way here.
    const { LoginPage } = await import('@agent-controller/console-auth-feature');
    const fixture = TestBed.createComponent(LoginPage);
    fixture.detectChanges();
    const status = await vi.waitFor(() => http.expectOne('/api/auth/setup'));
    status.flush({ required: false, authenticationMethod: 'keycloak' });
    const button = await vi.waitFor(() => {
      fixture.detectChanges();
      const found = Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('button')).find(
        (candidate) => candidate.textContent?.trim() === 'Sign in with Keycloak',
      );
      if (!found) throw new Error('no "Sign in with Keycloak" button yet');
      return found;
    });
    button.click();
    await vi.waitFor(() => expect(keycloak.calls).toEqual(['signIn']));
  });
});
