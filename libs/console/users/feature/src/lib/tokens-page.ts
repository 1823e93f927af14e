import { NgTemplateOutlet } from '@angular/common';
import { Component, computed, inject, Injector, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { SessionStore } from '@agent-controller/console-core';
import {
  ActionError,
  CardField,
  Clock,
  confirmAction,
  ListCard,
  PagedTable,
  TimeComponent,
} from '@agent-controller/console-ui';
import { TokensStore, tokenScope, tokenState } from '@agent-controller/console-users-data-access';
import type { ApiToken, CreatedApiToken } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { CreateTokenDialog } from './create-token-dialog';

/**
 * My API tokens (a global admin: everyone's, with their owner): name, prefix, access, scope, expiry, last use and
 * state; create (the token is shown once) and revoke. Users and keycloak modes only.
 */
@Component({
  selector: 'ac-tokens-page',
  providers: [TokensStore],
  imports: [
    ActionError,
    NgTemplateOutlet,
    MatButtonModule,
    MatTableModule,
    CardField,
    ListCard,
    PagedTable,
    TimeComponent,
  ],
  template: `
    <div class="page-heading">
      <h1>API tokens</h1>
      <button mat-flat-button type="button" (click)="createToken()">Create token</button>
    </div>
    <p class="intro">
      Scripts and tools send a token instead of your password. It acts as you, narrowed to its access level and clients,
      until it expires or is revoked.
      @if (session.isGlobalAdmin()) {
        As a global admin you see everyone's tokens.
      }
    </p>
    <ac-action-error [message]="store.actionError()" (dismissed)="store.actionError.set(null)" />
    <ac-paged-table
      [list]="store"
      noun="API tokens"
      label="API tokens"
      emptyText="No API tokens yet."
      (pageChange)="store.setPage($event.pageIndex, $event.pageSize)"
    >
      <table mat-table [dataSource]="store.tokens()" aria-label="API tokens">
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef scope="col">Name</th>
          <td mat-cell *matCellDef="let token" class="wrap">
            {{ token.name }}
            <code class="prefix">{{ token.prefix }}…</code>
          </td>
        </ng-container>
        <ng-container matColumnDef="owner">
          <th mat-header-cell *matHeaderCellDef scope="col">Owner</th>
          <td mat-cell *matCellDef="let token" class="wrap">{{ token.owner.email }}</td>
        </ng-container>
        <ng-container matColumnDef="access">
          <th mat-header-cell *matHeaderCellDef scope="col">Access</th>
          <td mat-cell *matCellDef="let token">{{ token.access }}</td>
        </ng-container>
        <ng-container matColumnDef="scope">
          <th mat-header-cell *matHeaderCellDef scope="col">Scope</th>
          <td mat-cell *matCellDef="let token" class="wrap">
            <ng-container *ngTemplateOutlet="scope; context: { $implicit: token }" />
          </td>
        </ng-container>
        <ng-container matColumnDef="expiresAt">
          <th mat-header-cell *matHeaderCellDef scope="col">Expires</th>
          <td mat-cell *matCellDef="let token" class="nowrap"><ac-time [value]="token.expiresAt" /></td>
        </ng-container>
        <ng-container matColumnDef="lastUsed">
          <th mat-header-cell *matHeaderCellDef scope="col">Last used</th>
          <td mat-cell *matCellDef="let token">
            <ng-container *ngTemplateOutlet="lastUsed; context: { $implicit: token }" />
          </td>
        </ng-container>
        <ng-container matColumnDef="state">
          <th mat-header-cell *matHeaderCellDef scope="col">State</th>
          <td mat-cell *matCellDef="let token">
            <ng-container *ngTemplateOutlet="state; context: { $implicit: token }" />
          </td>
        </ng-container>
        <ng-container matColumnDef="actions">
          <th mat-header-cell *matHeaderCellDef scope="col"><span class="visually-hidden">Actions</span></th>
          <td mat-cell *matCellDef="let token" class="nowrap">
            <ng-container *ngTemplateOutlet="actions; context: { $implicit: token }" />
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns()"></tr>
        <tr mat-row *matRowDef="let row; columns: columns()"></tr>
      </table>
      <ng-template acListCard let-token>
        <div class="card-title">
          {{ token.name }} <code class="prefix">{{ token.prefix }}…</code>
        </div>
        @if (session.isGlobalAdmin()) {
          <ac-card-field label="Owner">{{ token.owner.email }}</ac-card-field>
        }
        <ac-card-field label="Access">{{ token.access }}</ac-card-field>
        <ac-card-field label="Scope">
          <ng-container *ngTemplateOutlet="scope; context: { $implicit: token }" />
        </ac-card-field>
        <ac-card-field label="Expires"><ac-time [value]="token.expiresAt" /></ac-card-field>
        <ac-card-field label="Last used">
          <ng-container *ngTemplateOutlet="lastUsed; context: { $implicit: token }" />
        </ac-card-field>
        <ac-card-field label="State">
          <ng-container *ngTemplateOutlet="state; context: { $implicit: token }" />
        </ac-card-field>
        @if (stateOf(token) === 'active') {
          <ac-card-field label="Actions">
            <ng-container *ngTemplateOutlet="actions; context: { $implicit: token }" />
          </ac-card-field>
        }
      </ng-template>
    </ac-paged-table>
    <!-- What a token's row and card share. -->
    <ng-template #scope let-token>
      @for (line of scopeOf(token); track $index) {
        <span class="line">{{ line }}</span>
      }
    </ng-template>
    <ng-template #lastUsed let-token>
      <ac-time [value]="token.lastUsedAt" empty="never" />
      @if (token.lastUsedIp) {
        <span class="ip">from {{ token.lastUsedIp }}</span>
      }
    </ng-template>
    <ng-template #state let-token>
      <span [class]="'badge ' + stateOf(token)">{{ stateOf(token) }}</span>
    </ng-template>
    <ng-template #actions let-token>
      @if (stateOf(token) === 'active') {
        <button
          mat-button
          class="danger"
          type="button"
          [disabled]="store.busyId() === token.id"
          [attr.aria-label]="'Revoke ' + token.name"
          (click)="revoke(token)"
        >
          Revoke
        </button>
      }
    </ng-template>
  `,
  styles: `
    .prefix {
      font-size: 0.8125rem;
      white-space: nowrap;
    }
    .line,
    .ip {
      display: block;
    }
    .ip {
      font-size: 0.8125rem;
    }
  `,
})
export class TokensPage implements OnInit {
  protected readonly store = inject(TokensStore);
  protected readonly session = inject(SessionStore);
  private readonly clock = inject(Clock);
  private readonly dialog = inject(MatDialog);
  private readonly injector = inject(Injector);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly columns = computed(() => [
    'name',
    ...(this.session.isGlobalAdmin() ? ['owner'] : []),
    'access',
    'scope',
    'expiresAt',
    'lastUsed',
    'state',
    'actions',
  ]);

  ngOnInit(): Promise<void> {
    return this.store.load();
  }

  protected stateOf(token: ApiToken): string {
    return tokenState(token, Math.max(this.clock.now(), Date.now()));
  }

  protected scopeOf(token: ApiToken): string[] {
    return tokenScope(token, this.store.teamNames());
  }

  protected async createToken(): Promise<void> {
    const created = await firstValueFrom(
      this.dialog
        .open<CreateTokenDialog, undefined, CreatedApiToken>(CreateTokenDialog, {
          width: 'min(560px, 100vw)',
          maxWidth: '100vw',
          // The dialog is outside this page's injector tree by default; it saves through this page's store.
          injector: this.injector,
        })
        .afterClosed(),
    );
    if (created) this.snackBar.open(`Created ${created.name}`, undefined, { duration: 4000 });
  }

  protected async revoke(token: ApiToken): Promise<void> {
    const confirmed = await firstValueFrom(
      confirmAction(this.dialog, {
        title: 'Revoke token',
        message: `Revoke ${token.name} (${token.prefix}…)? Whatever uses it is refused from now on. This cannot be undone.`,
        confirm: 'Revoke token',
      }),
    );
    if (confirmed && (await this.store.revokeToken(token))) {
      this.snackBar.open(`Revoked ${token.name}`, undefined, { duration: 4000 });
    }
  }
}
