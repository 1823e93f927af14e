import { DatePipe } from '@angular/common';
import { Component, inject, Injector, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { SessionStore } from '@agent-controller/console-core';
import { confirmAction } from '@agent-controller/console-ui';
import { UsersStore } from '@agent-controller/console-users-data-access';
import { USER_ROLES, type User, type UserRole } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { CreateUserDialog } from './create-user-dialog';

/** User administration (global admins, users mode): list, create, change role, lock/unlock, delete. */
@Component({
  selector: 'ac-users-page',
  providers: [UsersStore],
  imports: [
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
  ],
  template: `
    <div class="heading">
      <h1>Users</h1>
      <button mat-flat-button type="button" (click)="createUser()">Create user</button>
    </div>
    <p class="intro">
      People who sign in with an e-mail and password. Admins administer everything; users see the clients they are
      members of.
    </p>
    @if (store.actionError(); as message) {
      <p class="error action-error" role="alert">
        {{ message }}
        <button mat-button type="button" (click)="store.actionError.set(null)">Dismiss</button>
      </p>
    }
    @if (store.loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading users" />
    }
    @if (store.error(); as error) {
      <p class="state error" role="alert">
        Could not load the users: {{ error }}
        <button mat-button type="button" (click)="store.load()">Retry</button>
      </p>
    } @else if (store.empty()) {
      <p class="state">No users on this page.</p>
    } @else {
      <div class="table-scroll">
        <table mat-table [dataSource]="store.users()" aria-label="Users">
          <ng-container matColumnDef="email">
            <th mat-header-cell *matHeaderCellDef scope="col">E-mail</th>
            <td mat-cell *matCellDef="let user" class="wrap">
              {{ user.email }}
              @if (user.id === session.principal()?.user?.id) {
                <span class="muted">(you)</span>
              }
            </td>
          </ng-container>
          <ng-container matColumnDef="role">
            <th mat-header-cell *matHeaderCellDef scope="col">Role</th>
            <td mat-cell *matCellDef="let user">
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
            </td>
          </ng-container>
          <ng-container matColumnDef="locked">
            <th mat-header-cell *matHeaderCellDef scope="col">Status</th>
            <td mat-cell *matCellDef="let user">
              <span [class]="user.locked ? 'badge locked' : 'badge active'">{{
                user.locked ? 'locked' : 'active'
              }}</span>
            </td>
          </ng-container>
          <ng-container matColumnDef="createdAt">
            <th mat-header-cell *matHeaderCellDef scope="col">Created</th>
            <td mat-cell *matCellDef="let user" class="nowrap">{{ user.createdAt | date: 'mediumDate' }}</td>
          </ng-container>
          <ng-container matColumnDef="actions">
            <th mat-header-cell *matHeaderCellDef scope="col"><span class="visually-hidden">Actions</span></th>
            <td mat-cell *matCellDef="let user" class="nowrap">
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
            </td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
        </table>
      </div>
    }
    <mat-paginator
      [length]="store.total()"
      [pageIndex]="store.pageIndex()"
      [pageSize]="store.pageSize()"
      [pageSizeOptions]="[10, 25, 50, 100]"
      (page)="page($event)"
      aria-label="Pages of users"
    />
  `,
  styles: `
    .heading {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
    }
    .intro {
      margin-top: 0;
    }
    .table-scroll {
      overflow-x: auto;
    }
    table {
      width: 100%;
    }
    .role {
      width: 140px;
      padding: 6px 0;
    }
    .nowrap {
      white-space: nowrap;
    }
    .wrap {
      overflow-wrap: anywhere;
    }
    .muted {
      font-size: 0.75rem;
    }
    .badge.locked {
      color: var(--mat-sys-error);
      font-weight: 600;
    }
    .danger {
      --mat-button-text-label-text-color: var(--mat-sys-error);
    }
    .action-error {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
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
  protected readonly columns = ['email', 'role', 'locked', 'createdAt', 'actions'];

  ngOnInit(): Promise<void> {
    return this.store.load();
  }

  protected page(event: PageEvent): Promise<void> {
    return this.store.setPage(event.pageIndex, event.pageSize);
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
