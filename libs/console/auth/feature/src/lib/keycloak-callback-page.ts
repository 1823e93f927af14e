import { Component, inject, OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { SessionStore, takeReturnTo } from '@agent-controller/console-core';

/** Where the realm sends the browser back after sign-in (`/auth/callback?code=…&state=…`). */
@Component({
  selector: 'ac-keycloak-callback-page',
  imports: [MatButtonModule, MatCardModule, MatProgressBarModule, RouterLink],
  template: `
    <main class="callback">
      <mat-card appearance="outlined">
        <mat-card-header>
          <mat-card-title><h1>Agent Controller</h1></mat-card-title>
          <mat-card-subtitle>Sign in</mat-card-subtitle>
        </mat-card-header>
        <mat-card-content>
          @if (error(); as error) {
            <p class="error" role="alert">{{ error }}</p>
            <a mat-stroked-button routerLink="/login">Back to sign-in</a>
          } @else {
            <mat-progress-bar mode="indeterminate" aria-label="Signing in" />
            <p>Signing in…</p>
          }
        </mat-card-content>
      </mat-card>
    </main>
  `,
  styles: `
    .callback {
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
  `,
})
export class KeycloakCallbackPage implements OnInit {
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);

  protected readonly error = signal<string | null>(null);

  async ngOnInit(): Promise<void> {
    try {
      await this.session.completeKeycloakSignIn(window.location.href);
      await this.router.navigateByUrl(takeReturnTo() ?? '/', { replaceUrl: true });
    } catch (error) {
      this.error.set(error instanceof Error ? error.message : String(error));
    }
  }
}
