import { BreakpointObserver } from '@angular/cdk/layout';
import { Component, computed, effect, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatDividerModule } from '@angular/material/divider';
import { MatMenuModule } from '@angular/material/menu';
import { MatSnackBar, MatSnackBarModule } from '@angular/material/snack-bar';
import { MatToolbarModule } from '@angular/material/toolbar';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';
import { SessionStore, THEME_CHOICES, ThemeChoice, ThemeStore } from '@agent-controller/console-core';

/**
 * Below this width the navigation does not fit in one toolbar row: it moves behind a menu button. A global admin
 * in users mode has seven entries, which with the account menu and "Sign out" take about 1,080 px.
 */
const NARROW = '(max-width: 1119.98px)';

interface NavEntry {
  path: string;
  label: string;
  /** Only the path itself is "this page" (the home page is a prefix of every path). */
  exact?: boolean;
}

const THEME_LABELS: Record<ThemeChoice, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };

/** The signed-in layout: navigation (a menu on narrow screens), who is signed in, theme, sign-out. */
@Component({
  selector: 'ac-shell',
  imports: [
    MatButtonModule,
    MatDividerModule,
    MatMenuModule,
    MatSnackBarModule,
    MatToolbarModule,
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
  ],
  template: `
    <a class="skip-link" href="#main">Skip to content</a>
    <mat-toolbar>
      @if (narrow()) {
        <nav aria-label="Main">
          <button mat-icon-button type="button" aria-label="Menu" [matMenuTriggerFor]="menu">
            <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
              <path d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" fill="currentColor" />
            </svg>
          </button>
        </nav>
        <span class="brand">Agent Controller</span>
        <mat-menu #menu="matMenu" aria-label="Menu">
          @for (entry of nav(); track entry.path) {
            <a
              mat-menu-item
              [routerLink]="entry.path"
              routerLinkActive="active"
              [routerLinkActiveOptions]="{ exact: entry.exact ?? false }"
              ariaCurrentWhenActive="page"
              >{{ entry.label }}</a
            >
          }
          <mat-divider />
          <div class="menu-who" role="none">{{ session.displayName() }}</div>
          @for (choice of themeChoices; track choice) {
            <button
              mat-menu-item
              type="button"
              role="menuitemradio"
              [attr.aria-checked]="theme.choice() === choice"
              (click)="theme.choose(choice)"
            >
              <span class="check" aria-hidden="true">{{ theme.choice() === choice ? '✓' : '' }}</span
              >{{ themeLabels[choice] }}
            </button>
          }
          @if (session.hasApiTokens()) {
            <a mat-menu-item routerLink="/tokens" routerLinkActive="active" ariaCurrentWhenActive="page">API tokens</a>
          }
          @if (session.isUsersModeUser()) {
            <button mat-menu-item type="button" (click)="changePassword()">Change password</button>
          }
          <button mat-menu-item type="button" (click)="logOut()">Sign out</button>
        </mat-menu>
      } @else {
        <span class="brand">Agent Controller</span>
        <nav aria-label="Main">
          @for (entry of nav(); track entry.path) {
            <a
              mat-button
              [routerLink]="entry.path"
              routerLinkActive="active"
              [routerLinkActiveOptions]="{ exact: entry.exact ?? false }"
              ariaCurrentWhenActive="page"
              >{{ entry.label }}</a
            >
          }
        </nav>
        <span class="spacer"></span>
        <button mat-button type="button" [matMenuTriggerFor]="account" class="who">
          {{ session.displayName() }} <span aria-hidden="true">▾</span>
        </button>
        <mat-menu #account="matMenu">
          @for (choice of themeChoices; track choice) {
            <button
              mat-menu-item
              type="button"
              role="menuitemradio"
              [attr.aria-checked]="theme.choice() === choice"
              (click)="theme.choose(choice)"
            >
              <span class="check" aria-hidden="true">{{ theme.choice() === choice ? '✓' : '' }}</span
              >{{ themeLabels[choice] }}
            </button>
          }
          @if (session.hasApiTokens() || session.isUsersModeUser()) {
            <mat-divider />
          }
          @if (session.hasApiTokens()) {
            <a mat-menu-item routerLink="/tokens" routerLinkActive="active" ariaCurrentWhenActive="page">API tokens</a>
          }
          @if (session.isUsersModeUser()) {
            <button mat-menu-item type="button" (click)="changePassword()">Change password</button>
          }
        </mat-menu>
        <button mat-button type="button" (click)="logOut()">Sign out</button>
      }
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
      white-space: nowrap;
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
    .menu-who {
      padding: 8px 16px;
      font-size: 0.875rem;
      color: var(--mat-sys-on-surface-variant);
      overflow-wrap: anywhere;
    }
    .check {
      display: inline-block;
      width: 1.5em;
    }
    main {
      padding: 16px;
      max-width: 1200px;
      margin: 0 auto;
    }
    @media (max-width: 599.98px) {
      main {
        padding: 12px;
      }
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
  protected readonly theme = inject(ThemeStore);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly themeChoices = THEME_CHOICES;
  protected readonly themeLabels = THEME_LABELS;
  protected readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe(NARROW)
      .pipe(map((state) => state.matches)),
    { initialValue: matchMedia(NARROW).matches },
  );

  constructor() {
    // The navigation offers Webhooks to team admins: whether the user is one is read once they are signed in.
    effect(() => {
      if (this.session.signedIn()) void this.session.administersTeam();
    });
  }

  /** The screens this user may open, in the order the navigation shows them. */
  protected readonly nav = computed<NavEntry[]>(() => [
    { path: '/', label: 'Overview', exact: true },
    { path: '/clients', label: 'Clients' },
    { path: '/agents', label: 'Agents' },
    { path: '/provisioning', label: 'Provisioning' },
    ...(this.session.hasTeams() ? [{ path: '/teams', label: 'Teams' }] : []),
    ...(this.session.hasWebhooks() ? [{ path: '/webhooks', label: 'Webhooks' }] : []),
    ...(this.session.isGlobalAdmin() ? [{ path: '/audit', label: 'Audit' }] : []),
    ...(this.session.isGlobalAdmin() && this.session.isUsersModeUser() ? [{ path: '/users', label: 'Users' }] : []),
  ]);

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
}
