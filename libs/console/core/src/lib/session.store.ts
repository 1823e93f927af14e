import { HttpClient } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import type { Principal, SetupStatus, Team, TokenResponse } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { KEYCLOAK_SESSION } from './keycloak-session';
import type { KeycloakSession } from './keycloak-sign-in';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

const STORAGE_KEY = 'agent-controller.credential';
/** Set while this tab has a Keycloak session; its tokens are kept by the OpenID client. */
const KEYCLOAK_KEY = 'agent-controller.keycloak';

/**
 * Who is signed in. The credential (a users-mode access token or the api-key) lives in sessionStorage: it
 * survives a reload but not the browser tab, and is sent as `Authorization: Bearer` by `authInterceptor`. In
 * keycloak mode the credential is the realm's access token, kept (and renewed) by the OpenID client.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly http = inject(HttpClient);
  private readonly loadKeycloakSession = inject(KEYCLOAK_SESSION);
  private keycloakSession?: Promise<KeycloakSession>;
  private readonly credential = signal<string | null>(sessionStorage.getItem(STORAGE_KEY));

  readonly principal = signal<Principal | null>(null);
  readonly token = this.credential.asReadonly();
  readonly signedIn = computed(() => this.principal() !== null);
  readonly isGlobalAdmin = computed(() => this.principal()?.isGlobalAdmin ?? false);
  /** users mode, signed in as a user: accounts (and their passwords) are administered by this controller. */
  readonly isUsersModeUser = computed(
    () => this.principal()?.authenticationMethod === 'users' && this.principal()?.kind === 'user',
  );
  /** Signed in as a user (users or keycloak mode): teams exist for them; in api-key mode they play no role. */
  readonly hasTeams = computed(() => this.principal()?.kind === 'user');
  /** Signed in as a user (users or keycloak mode): they may make scoped API tokens; api-key mode has none. */
  readonly hasApiTokens = this.hasTeams;
  /** Whether this user administers a team: read once a session by `administersTeam()`, null until then. */
  private readonly teamAdmin = signal<boolean | null>(null);
  private teamAdminRead: Promise<boolean> | null = null;
  /** May open the webhooks page: global admins (the api-key holder too) and team admins, as the API allows. */
  readonly hasWebhooks = computed(() => this.isGlobalAdmin() || this.teamAdmin() === true);
  readonly displayName = computed(() => {
    const principal = this.principal();
    return principal?.user?.email ?? (principal?.kind === 'api-key' ? 'API key' : '');
  });

  setupStatus(): Promise<SetupStatus> {
    return firstValueFrom(this.http.get<SetupStatus>(apiPaths.auth.setup));
  }

  async setUp(token: string, email: string, password: string): Promise<void> {
    const response = await firstValueFrom(
      this.http.post<TokenResponse>(apiPaths.auth.setup, { token, email, password }),
    );
    await this.use(response.accessToken);
  }

  async logIn(email: string, password: string): Promise<void> {
    const response = await firstValueFrom(this.http.post<TokenResponse>(apiPaths.auth.login, { email, password }));
    await this.use(response.accessToken);
  }

  /** users mode: changes the signed-in user's password; this tab continues with the new token, other sessions end. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const response = await firstValueFrom(
      this.http.post<TokenResponse>(apiPaths.auth.password, { currentPassword, newPassword }),
    );
    await this.use(response.accessToken);
  }

  /** api-key mode: the key is checked by asking who it belongs to. */
  async useApiKey(key: string): Promise<void> {
    await this.use(key);
  }

  /** keycloak mode: starts the authorization code flow; the browser leaves for the realm's login page. */
  async signInWithKeycloak(): Promise<void> {
    await (await this.keycloak()).signIn();
  }

  /** keycloak mode, at the callback route: completes the code flow and signs in with the realm's token. */
  async completeKeycloakSignIn(callbackUrl: string): Promise<void> {
    const accessToken = await (await this.keycloak()).completeSignIn(callbackUrl);
    sessionStorage.setItem(KEYCLOAK_KEY, '1');
    this.credential.set(accessToken);
    if (!(await this.restore())) throw new Error('The controller did not accept the Keycloak sign-in');
  }

  /** Restores the session of this tab, if its credential still works. */
  async restore(): Promise<boolean> {
    if (!this.credential() && sessionStorage.getItem(KEYCLOAK_KEY)) {
      const accessToken = await (await this.keycloak()).restore().catch(() => null);
      if (!accessToken) {
        this.logOut();
        return false;
      }
      this.credential.set(accessToken);
    }
    if (!this.credential()) return false;
    try {
      this.principal.set(await firstValueFrom(this.http.get<Principal>(apiPaths.auth.me)));
      return true;
    } catch {
      this.logOut();
      return false;
    }
  }

  /**
   * Whether the signed-in user administers a team, from their teams' `myRole` (global admins need not ask). Read
   * once a session: a user made team admin meanwhile sees the webhooks entry after their next sign-in or reload.
   */
  administersTeam(): Promise<boolean> {
    if (this.isGlobalAdmin() || !this.hasTeams()) return Promise.resolve(false);
    if (this.teamAdminRead) return this.teamAdminRead;
    // An answer that arrives after signing out (or in again) belongs to that earlier session: it is dropped.
    const read: Promise<boolean> = firstValueFrom(this.http.get<Team[]>(apiPaths.teams.list)).then(
      (teams) => {
        const admin = teams.some((team) => team.myRole === 'admin');
        if (this.teamAdminRead === read) this.teamAdmin.set(admin);
        return admin;
      },
      () => {
        // Asked again next time: a failed read is not an answer.
        if (this.teamAdminRead === read) this.teamAdminRead = null;
        return false;
      },
    );
    this.teamAdminRead = read;
    return read;
  }

  /** Reads who is signed in again (their role may have changed) and, when asked for next, their team roles. */
  async refresh(): Promise<void> {
    if (!this.signedIn()) return;
    try {
      this.principal.set(await firstValueFrom(this.http.get<Principal>(apiPaths.auth.me)));
    } catch {
      // A refused credential (locked, deleted) is handled where every request's refusal is: the sign-in page.
      return;
    }
    // Read again; the navigation keeps the last answer until the new one arrives.
    this.teamAdminRead = null;
    void this.administersTeam();
  }

  /** Forgets the session of this tab (the realm's session, if any, stays). */
  logOut(): void {
    sessionStorage.removeItem(STORAGE_KEY);
    this.credential.set(null);
    this.principal.set(null);
    this.teamAdmin.set(null);
    this.teamAdminRead = null;
    if (sessionStorage.getItem(KEYCLOAK_KEY)) {
      sessionStorage.removeItem(KEYCLOAK_KEY);
      void this.keycloak().then(
        (session) => session.forget(),
        () => undefined,
      );
    }
  }

  /**
   * "Sign out": forgets this tab's session and, in keycloak mode, ends the realm's session too. Resolves true when
   * the browser is leaving for the realm's end-session endpoint (it comes back to the log-in page).
   */
  async signOut(): Promise<boolean> {
    const keycloak = sessionStorage.getItem(KEYCLOAK_KEY) !== null;
    sessionStorage.removeItem(KEYCLOAK_KEY);
    this.logOut();
    if (!keycloak) return false;
    return (await this.keycloak()).signOut();
  }

  private keycloak(): Promise<KeycloakSession> {
    this.keycloakSession ??= this.loadKeycloakSession().then((session) => {
      session.onRenewed((accessToken) => {
        if (sessionStorage.getItem(KEYCLOAK_KEY)) this.credential.set(accessToken);
      });
      return session;
    });
    return this.keycloakSession;
  }

  private async use(credential: string): Promise<void> {
    this.credential.set(credential);
    sessionStorage.setItem(STORAGE_KEY, credential);
    if (!(await this.restore())) throw new Error('The credential was not accepted');
  }
}
