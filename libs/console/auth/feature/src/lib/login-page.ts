import { Component, inject, input, OnInit, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import { apiErrorMessage, rememberReturnTo, safeReturnTo, SessionStore } from '@agent-controller/console-core';
import type { SetupStatus } from '@agent-controller/shared-contracts';

type Mode = 'loading' | 'setup' | 'login' | 'api-key' | 'keycloak' | 'unreachable';

/** First run (setup token), log-in (users mode), the API key (api-key mode) or Keycloak, as the controller asks. */
@Component({
  selector: 'ac-login-page',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  template: `
    <main class="login">
      <mat-card appearance="outlined">
        <mat-card-header>
          <mat-card-title><h1>Agent Controller</h1></mat-card-title>
          <mat-card-subtitle>{{ subtitle() }}</mat-card-subtitle>
        </mat-card-header>
        @if (busy()) {
          <mat-progress-bar mode="indeterminate" aria-label="Working" />
        }
        <mat-card-content>
          @switch (mode()) {
            @case ('setup') {
              <form [formGroup]="setupForm" (ngSubmit)="setUp()">
                <p>No administrator exists yet. Paste the one-time setup token from the controller's log.</p>
                <mat-form-field>
                  <mat-label>Setup token</mat-label>
                  <input matInput formControlName="token" autocomplete="off" required />
                </mat-form-field>
                <mat-form-field>
                  <mat-label>Administrator e-mail</mat-label>
                  <input matInput type="email" formControlName="email" autocomplete="username" required />
                </mat-form-field>
                <mat-form-field>
                  <mat-label>Password</mat-label>
                  <input matInput type="password" formControlName="password" autocomplete="new-password" required />
                  <mat-hint>At least 12 characters</mat-hint>
                </mat-form-field>
                <button mat-flat-button type="submit" [disabled]="busy()">Create administrator</button>
              </form>
            }
            @case ('login') {
              <form [formGroup]="loginForm" (ngSubmit)="logIn()">
                <mat-form-field>
                  <mat-label>E-mail</mat-label>
                  <input matInput type="email" formControlName="email" autocomplete="username" required />
                </mat-form-field>
                <mat-form-field>
                  <mat-label>Password</mat-label>
                  <input matInput type="password" formControlName="password" autocomplete="current-password" required />
                </mat-form-field>
                <button mat-flat-button type="submit" [disabled]="busy()">Sign in</button>
              </form>
            }
            @case ('api-key') {
              <form [formGroup]="apiKeyForm" (ngSubmit)="useApiKey()">
                <p>This controller uses a static API key. It is kept for this browser tab only.</p>
                <mat-form-field>
                  <mat-label>API key</mat-label>
                  <input matInput type="password" formControlName="key" autocomplete="off" required />
                </mat-form-field>
                <button mat-flat-button type="submit" [disabled]="busy()">Continue</button>
              </form>
            }
            @case ('keycloak') {
              <p>This controller signs users in with Keycloak: you continue on the realm's sign-in page.</p>
              <button mat-flat-button type="button" [disabled]="busy()" (click)="signInWithKeycloak()">
                Sign in with Keycloak
              </button>
            }
            @case ('unreachable') {
              <p>The controller cannot be reached.</p>
              <button mat-stroked-button type="button" (click)="load()">Try again</button>
            }
          }
          @if (error()) {
            <p class="error" role="alert">{{ error() }}</p>
          }
        </mat-card-content>
      </mat-card>
    </main>
  `,
  styles: `
    .login {
      min-height: 100dvh;
      display: grid;
      place-items: center;
      padding: 16px;
      box-sizing: border-box;
    }
    mat-card {
      width: min(420px, 100%);
    }
    h1 {
      margin: 0;
      font-size: 1.5rem;
    }
    form {
      display: flex;
      flex-direction: column;
      gap: 8px;
      margin-top: 16px;
    }
  `,
})
export class LoginPage implements OnInit {
  /** `?returnTo=`: the page that sent the browser here, opened after signing in (own pages only). */
  readonly returnTo = input<string>();
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly forms = inject(FormBuilder).nonNullable;

  protected readonly mode = signal<Mode>('loading');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly setupForm = this.forms.group({
    token: ['', Validators.required],
    email: ['', [Validators.required, Validators.email]],
    password: ['', [Validators.required, Validators.minLength(12)]],
  });
  protected readonly loginForm = this.forms.group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });
  protected readonly apiKeyForm = this.forms.group({ key: ['', Validators.required] });

  protected subtitle(): string {
    switch (this.mode()) {
      case 'setup':
        return 'First run';
      case 'api-key':
        return 'API key';
      case 'login':
      case 'keycloak':
        return 'Sign in';
      default:
        return '';
    }
  }

  async ngOnInit(): Promise<void> {
    if (await this.session.restore()) await this.goOn();
    else await this.load();
  }

  async load(): Promise<void> {
    this.error.set(null);
    try {
      this.mode.set(modeFor(await this.session.setupStatus()));
    } catch {
      this.mode.set('unreachable');
    }
  }

  setUp(): Promise<void> {
    const { token, email, password } = this.setupForm.getRawValue();
    return this.submit(this.setupForm.valid, () => this.session.setUp(token.trim(), email, password));
  }

  logIn(): Promise<void> {
    const { email, password } = this.loginForm.getRawValue();
    return this.submit(this.loginForm.valid, () => this.session.logIn(email, password));
  }

  /** The browser leaves for the realm; it comes back at /auth/callback. */
  async signInWithKeycloak(): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      // The realm sends the browser back to /auth/callback: the page to open then waits in the tab.
      rememberReturnTo(this.returnTo());
      await this.session.signInWithKeycloak();
    } catch (error) {
      this.error.set(`Keycloak sign-in could not start: ${apiErrorMessage(error)}`);
      this.busy.set(false);
    }
  }

  useApiKey(): Promise<void> {
    return this.submit(this.apiKeyForm.valid, () => this.session.useApiKey(this.apiKeyForm.getRawValue().key.trim()));
  }

  /** After signing in: the page that sent the browser here, or the home page. */
  private goOn(): Promise<boolean> {
    return this.router.navigateByUrl(safeReturnTo(this.returnTo()) ?? '/', { replaceUrl: true });
  }

  private async submit(valid: boolean, action: () => Promise<void>): Promise<void> {
    if (!valid || this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await action();
      await this.goOn();
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}

function modeFor(status: SetupStatus): Mode {
  if (status.authenticationMethod === 'api-key') return 'api-key';
  if (status.authenticationMethod === 'keycloak') return 'keycloak';
  return status.required ? 'setup' : 'login';
}
