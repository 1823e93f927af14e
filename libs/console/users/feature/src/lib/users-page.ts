import { NgTemplateOutlet } from '@angular/common';
import { Component, inject, Injector, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { SessionStore } from '@agent-controller/console-core';
import {
  ActionError,
  CardField,
  confirmAction,
  ListCard,
  PagedTable,
  TimeComponent,
} from '@agent-controller/console-ui';
import { UsersStore } from '@agent-controller/console-users-data-access';
import type { User, UserRole } from '@agent-controller/shared-contracts';
import { USER_ROLES } from '@agent-controller/shared-contracts/rules';
import { firstValueFrom } from 'rxjs';
import { CreateUserDialog } from './create-user-dialog';

/** User administration (global admins, users mode): list, create, change role, lock/unlock, delete. */
@Component({
  selector: 'ac-users-page',
  providers: [UsersStore],
  imports: [
    ActionError,
    TimeComponent,
    NgTemplateOutlet,
    MatButtonModule,
    MatFormFieldModule,
    MatSelectModule,
    MatTableModule,
    CardField,
    ListCard,
    PagedTable,
  ],
  template: `
    <div class="page-heading">
      <h1>Users</h1>
      <button mat-flat-button type="button" (click)="createUser()">Create user</button>
    </div>
    <p class="intro">
      People who sign in with an e-mail and password. Admins administer everything; users see the clients they are
      members of.
    </p>
    <ac-action-error [message]="store.actionError()" (dismissed)="store.actionError.set(null)" />
    <ac-paged-table
      [list]="store"
      noun="users"
      label="Users"
      emptyText="No users on this page."
      (pageChange)="store.setPage($event.pageIndex, $event.pageSize)"
    >
      <table mat-table [dataSource]="store.users()" aria-label="Users">
        <ng-container matColumnDef="email">
          <th mat-header-cell *matHeaderCellDef scope="col">E-mail</th>
          <td mat-cell *matCellDef="let user" class="wrap">
            {{ user.email }}
            @if (isMe(user)) {
              <span class="muted">(you)</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="role">
          <th mat-header-cell *matHeaderCellDef scope="col">Role</th>
          <td mat-cell *matCellDef="let user">
            <ng-container *ngTemplateOutlet="roleSelect; context: { $implicit: user }" />
          </td>
        </ng-container>
        <ng-container matColumnDef="locked">
          <th mat-header-cell *matHeaderCellDef scope="col">Status</th>
          <td mat-cell *matCellDef="let user">
            <span [class]="user.locked ? 'badge locked' : 'badge active'">{{ user.locked ? 'locked' : 'active' }}</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="createdAt">
          <th mat-header-cell *matHeaderCellDef scope="col">Created</th>
          <td mat-cell *matCellDef="let user" class="nowrap"><ac-time [value]="user.createdAt" /></td>
        </ng-container>
        <ng-container matColumnDef="lastSignInAt">
          <th mat-header-cell *matHeaderCellDef scope="col">Last sign-in</th>
          <td mat-cell *matCellDef="let user" class="nowrap last-sign-in">
            <ac-time [value]="user.lastSignInAt" empty="never" />
          </td>
        </ng-container>
        <ng-container matColumnDef="actions">
          <th mat-header-cell *matHeaderCellDef scope="col"><span class="visually-hidden">Actions</span></th>
          <td mat-cell *matCellDef="let user" class="nowrap">
            <ng-container *ngTemplateOutlet="actions; context: { $implicit: user }" />
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns"></tr>
      </table>
      <ng-template acListCard let-user>
        <ac-card-field label="E-mail">
          {{ user.email }}
          @if (isMe(user)) {
            <span class="muted">(you)</span>
          }
        </ac-card-field>
        <ac-card-field label="Role">
          <ng-container *ngTemplateOutlet="roleSelect; context: { $implicit: user }" />
        </ac-card-field>
        <ac-card-field label="Status">
          <span [class]="user.locked ? 'badge locked' : 'badge active'">{{ user.locked ? 'locked' : 'active' }}</span>
        </ac-card-field>
        <ac-card-field label="Created"><ac-time [value]="user.createdAt" /></ac-card-field>
        <ac-card-field label="Last sign-in">
          <span class="last-sign-in"><ac-time [value]="user.lastSignInAt" empty="never" /></span>
        </ac-card-field>
        <ac-card-field label="Actions">
          <ng-container *ngTemplateOutlet="actions; context: { $implicit: user }" />
        </ac-card-field>
      </ng-template>
    </ac-paged-table>
    <!-- The controls a user's row and card share. -->
    <ng-template #roleSelect let-user>
      <mat-form-field subscriptSizing="dynamic" class="role">
        <mat-label>Role of {{ user.email }}</mat-label>
        <mat-select
          [value]="user.role"
          [disabled]="store.busyId() === user.id"
          (selectionChange)="changeRole(user, $event.value)"
        >
          @for (role of roles; track role) {
            <mat-option [value]="role">{{ role }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
    </ng-template>
    <ng-template #actions let-user>
      <!-- Nobody is offered to lock or delete their own account (the API refuses it too). -->
      @if (!isMe(user)) {
        <button
          mat-button
          type="button"
          [disabled]="store.busyId() === user.id"
          [attr.aria-label]="(user.locked ? 'Unlock ' : 'Lock ') + user.email"
          (click)="setLocked(user, !user.locked)"
        >
          {{ user.locked ? 'Unlock' : 'Lock' }}
        </button>
        <button
          mat-button
          class="danger"
          type="button"
          [disabled]="store.busyId() === user.id"
          [attr.aria-label]="'Delete ' + user.email"
          (click)="deleteUser(user)"
        >
          Delete
        </button>
      }
    </ng-template>
  `,
  styles: `
    .role {
      width: 140px;
      padding: 6px 0;
    }
    .muted {
      font-size: 0.75rem;
    }
    .badge.locked {
      color: var(--mat-sys-error);
      font-weight: 600;
    }
  `,
})
export class UsersPage implements OnInit {
  protected readonly store = inject(UsersStore);
  protected readonly session = inject(SessionStore);
  private readonly dialog = inject(MatDialog);
  private readonly injector = inject(Injector);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly roles = USER_ROLES;
  protected readonly columns = ['email', 'role', 'locked', 'createdAt', 'lastSignInAt', 'actions'];

  protected isMe(user: User): boolean {
    return user.id === this.session.principal()?.user?.id;
  }

  ngOnInit(): Promise<void> {
    return this.store.load();
  }

  protected async createUser(): Promise<void> {
    const created = await firstValueFrom(
      this.dialog
        .open<CreateUserDialog, undefined, User>(CreateUserDialog, {
          width: 'min(480px, 100vw)',
          maxWidth: '100vw',
          // The dialog is outside this page's injector tree by default; it saves through this page's store.
          injector: this.injector,
        })
        .afterClosed(),
    );
    if (created) this.snackBar.open(`Created ${created.email}`, undefined, { duration: 4000 });
  }

  protected async changeRole(user: User, role: UserRole): Promise<void> {
    // Success shows in the row itself; a refusal in the alert above the table.
    await this.store.changeRole(user, role);
  }

  protected async setLocked(user: User, locked: boolean): Promise<void> {
    await this.store.setLocked(user, locked);
  }

  protected async deleteUser(user: User): Promise<void> {
    const confirmed = await firstValueFrom(
      confirmAction(this.dialog, {
        title: 'Delete user',
        message: `Delete ${user.email}? They can no longer sign in and lose their client memberships. This cannot be undone.`,
        confirm: 'Delete user',
      }),
    );
    if (confirmed && (await this.store.deleteUser(user))) {
      this.snackBar.open(`Deleted ${user.email}`, undefined, { duration: 4000 });
    }
  }
}
