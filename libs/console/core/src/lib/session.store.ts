import { HttpClient } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import type { Principal, SetupStatus, TokenResponse } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';

const STORAGE_KEY = 'agent-controller.credential';

/**
 * Who is signed in. The credential (a users-mode access token or the api-key) lives in sessionStorage: it
 * survives a reload but not the browser tab, and is sent as `Authorization: Bearer` by `authInterceptor`.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly http = inject(HttpClient);
  private readonly credential = signal<string | null>(sessionStorage.getItem(STORAGE_KEY));

  readonly principal = signal<Principal | null>(null);
  readonly token = this.credential.asReadonly();
  readonly signedIn = computed(() => this.principal() !== null);
  readonly isGlobalAdmin = computed(() => this.principal()?.isGlobalAdmin ?? false);
  readonly displayName = computed(() => {
    const principal = this.principal();
    return principal?.user?.email ?? (principal?.kind === 'api-key' ? 'API key' : '');
  });

  setupStatus(): Promise<SetupStatus> {
    return firstValueFrom(this.http.get<SetupStatus>('/api/auth/setup'));
  }

  async setUp(token: string, email: string, password: string): Promise<void> {
    const response = await firstValueFrom(this.http.post<TokenResponse>('/api/auth/setup', { token, email, password }));
    await this.use(response.accessToken);
  }

  async logIn(email: string, password: string): Promise<void> {
    const response = await firstValueFrom(this.http.post<TokenResponse>('/api/auth/login', { email, password }));
    await this.use(response.accessToken);
  }

  /** api-key mode: the key is checked by asking who it belongs to. */
  async useApiKey(key: string): Promise<void> {
    await this.use(key);
  }

  /** Restores the session of this tab, if its credential still works. */
  async restore(): Promise<boolean> {
    if (!this.credential()) return false;
    try {
      this.principal.set(await firstValueFrom(this.http.get<Principal>('/api/auth/me')));
      return true;
    } catch {
      this.logOut();
      return false;
    }
  }

  logOut(): void {
    sessionStorage.removeItem(STORAGE_KEY);
    this.credential.set(null);
    this.principal.set(null);
  }

  private async use(credential: string): Promise<void> {
    this.credential.set(credential);
    sessionStorage.setItem(STORAGE_KEY, credential);
    if (!(await this.restore())) throw new Error('The credential was not accepted');
  }
}
