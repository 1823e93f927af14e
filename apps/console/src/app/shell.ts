import { Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar, MatSnackBarModule } from '@angular/material/snack-bar';
import { MatToolbarModule } from '@angular/material/toolbar';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { SessionStore } from '@agent-controller/console-core';

const THEME_KEY = 'agent-controller.theme';

/** The signed-in layout: navigation, who is signed in, light/dark theme, sign-out. */
@Component({
  selector: 'ac-shell',
  imports: [MatButtonModule, MatSnackBarModule, MatToolbarModule, RouterLink, RouterLinkActive, RouterOutlet],
  template: `
    <a class="skip-link" href="#main">Skip to content</a>
    <mat-toolbar>
      <span class="brand">Agent Controller</span>
      <nav aria-label="Main">
        <a mat-button routerLink="/clients" routerLinkActive="active" ariaCurrentWhenActive="page">Clients</a>
        <a mat-button routerLink="/provisioning" routerLinkActive="active" ariaCurrentWhenActive="page">
          Provisioning
        </a>
        @if (session.isGlobalAdmin()) {
          <a mat-button routerLink="/audit" routerLinkActive="active" ariaCurrentWhenActive="page">Audit</a>
        }
        @if (session.isGlobalAdmin() && session.isUsersModeUser()) {
          <a mat-button routerLink="/users" routerLinkActive="active" ariaCurrentWhenActive="page">Users</a>
        }
      </nav>
      <span class="spacer"></span>
      <span class="who">{{ session.displayName() }}</span>
      @if (session.isUsersModeUser()) {
        <button mat-button type="button" (click)="changePassword()">Change password</button>
      }
      <button mat-button type="button" (click)="toggleTheme()" [attr.aria-pressed]="dark()">
        {{ dark() ? 'Light theme' : 'Dark theme' }}
      </button>
      <button mat-button type="button" (click)="logOut()">Sign out</button>
    </mat-toolbar>
    <main id="main" tabindex="-1">
      <router-outlet />
    </main>
  `,
  styles: `
    mat-toolbar {
      gap: 8px;
      flex-wrap: wrap;
      height: auto;
      min-height: 64px;
    }
    .brand {
      font-weight: 600;
      margin-right: 8px;
    }
    .spacer {
      flex: 1;
    }
    .who {
      font-size: 0.875rem;
    }
    .active {
      text-decoration: underline;
    }
    main {
      padding: 16px;
      max-width: 1200px;
      margin: 0 auto;
    }
    .skip-link {
      position: absolute;
      left: -9999px;
    }
    .skip-link:focus {
      left: 8px;
      top: 8px;
      z-index: 10;
      background: var(--mat-sys-surface);
      padding: 8px;
    }
  `,
})
export class Shell {
  protected readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly dark = signal(localStorage.getItem(THEME_KEY) === 'dark');

  constructor() {
    this.applyTheme();
  }

  protected toggleTheme(): void {
    this.dark.update((dark) => !dark);
    localStorage.setItem(THEME_KEY, this.dark() ? 'dark' : 'light');
    this.applyTheme();
  }

  /** The dialog's code loads on first use: most sessions never change a password. */
  protected async changePassword(): Promise<void> {
    const { ChangePasswordDialog } = await import('@agent-controller/console-users-feature');
    this.dialog
      .open(ChangePasswordDialog, { width: 'min(440px, 100vw)', maxWidth: '100vw' })
      .afterClosed()
      .subscribe((changed) => {
        if (changed)
          this.snackBar.open('Password changed; your other sessions have ended', undefined, { duration: 5000 });
      });
  }

  protected async logOut(): Promise<void> {
    // In keycloak mode the browser leaves for the realm's end-session endpoint, which sends it back to /login.
    const leaving = await this.session.signOut().catch(() => false);
    if (!leaving) await this.router.navigate(['/login']);
  }

  private applyTheme(): void {
    document.documentElement.style.colorScheme = this.dark() ? 'dark' : 'light';
  }
}
