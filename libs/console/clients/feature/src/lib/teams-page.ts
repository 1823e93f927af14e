import { NgTemplateOutlet } from '@angular/common';
import { Component, computed, inject, Injector, OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { SessionStore } from '@agent-controller/console-core';
import { ActionError, CardField, ListCard, PagedTable } from '@agent-controller/console-ui';
import { TeamsStore } from '@agent-controller/console-clients-data-access';
import type { Team } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import type { DeleteTeamChoice, DeleteTeamData } from './team-dialogs';

/**
 * The teams the operator sees (a global admin every one, others their own): clients and members, the operator's
 * role; global admins create and delete teams.
 */
@Component({
  selector: 'ac-teams-page',
  providers: [TeamsStore],
  imports: [
    ActionError,
    NgTemplateOutlet,
    MatButtonModule,
    MatTableModule,
    CardField,
    ListCard,
    PagedTable,
    RouterLink,
  ],
  template: `
    <div class="page-heading">
      <h1>Teams</h1>
      @if (session.isGlobalAdmin()) {
        <button mat-flat-button type="button" (click)="createTeam()">Create team</button>
      }
    </div>
    <p class="intro">
      A team's admins administer its clients; its members use them. A client belongs to at most one team.
    </p>
    <ac-action-error [message]="store.actionError()" (dismissed)="store.actionError.set(null)" />
    <ac-paged-table
      [list]="store"
      noun="teams"
      label="Teams"
      [emptyText]="session.isGlobalAdmin() ? 'No teams yet.' : 'You are in no team.'"
      (pageChange)="store.setPage($event.pageIndex, $event.pageSize)"
    >
      <table mat-table [dataSource]="store.teams()" aria-label="Teams">
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef scope="col">Name</th>
          <td mat-cell *matCellDef="let team" class="wrap">
            <a [routerLink]="['/teams', team.id]">{{ team.name }}</a>
          </td>
        </ng-container>
        <ng-container matColumnDef="description">
          <th mat-header-cell *matHeaderCellDef scope="col">Description</th>
          <td mat-cell *matCellDef="let team" class="wrap">{{ team.description ?? '' }}</td>
        </ng-container>
        <ng-container matColumnDef="clients">
          <th mat-header-cell *matHeaderCellDef scope="col">Clients</th>
          <td mat-cell *matCellDef="let team">
            <ng-container *ngTemplateOutlet="clients; context: { $implicit: team }" />
          </td>
        </ng-container>
        <ng-container matColumnDef="members">
          <th mat-header-cell *matHeaderCellDef scope="col">Members</th>
          <td mat-cell *matCellDef="let team">{{ team.memberCount }}</td>
        </ng-container>
        <ng-container matColumnDef="myRole">
          <th mat-header-cell *matHeaderCellDef scope="col">Your role</th>
          <td mat-cell *matCellDef="let team">{{ team.myRole ?? '—' }}</td>
        </ng-container>
        <ng-container matColumnDef="actions">
          <th mat-header-cell *matHeaderCellDef scope="col"><span class="visually-hidden">Actions</span></th>
          <td mat-cell *matCellDef="let team" class="nowrap">
            <ng-container *ngTemplateOutlet="actions; context: { $implicit: team }" />
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns()"></tr>
        <tr mat-row *matRowDef="let row; columns: columns()"></tr>
      </table>
      <ng-template acListCard let-team>
        <div class="card-title">
          <a [routerLink]="['/teams', team.id]">{{ team.name }}</a>
        </div>
        @if (team.description) {
          <ac-card-field label="Description">{{ team.description }}</ac-card-field>
        }
        <ac-card-field label="Clients">
          <ng-container *ngTemplateOutlet="clients; context: { $implicit: team }" />
        </ac-card-field>
        <ac-card-field label="Members">{{ team.memberCount }}</ac-card-field>
        <ac-card-field label="Your role">{{ team.myRole ?? '—' }}</ac-card-field>
        @if (session.isGlobalAdmin()) {
          <ac-card-field label="Actions">
            <ng-container *ngTemplateOutlet="actions; context: { $implicit: team }" />
          </ac-card-field>
        }
      </ng-template>
    </ac-paged-table>
    <!-- What a team's row and card share. -->
    <ng-template #clients let-team>
      <a
        [routerLink]="['/clients']"
        [queryParams]="{ teamId: team.id }"
        [attr.aria-label]="team.clientCount + ' clients of ' + team.name"
        >{{ team.clientCount }}</a
      >
    </ng-template>
    <ng-template #actions let-team>
      @if (session.isGlobalAdmin()) {
        <button
          mat-button
          class="danger"
          type="button"
          [disabled]="store.busyId() === team.id"
          [attr.aria-label]="'Delete ' + team.name"
          (click)="deleteTeam(team)"
        >
          Delete
        </button>
      }
    </ng-template>
  `,
})
export class TeamsPage implements OnInit {
  protected readonly store = inject(TeamsStore);
  protected readonly session = inject(SessionStore);
  private readonly dialog = inject(MatDialog);
  private readonly injector = inject(Injector);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly columns = computed(() => [
    'name',
    'description',
    'clients',
    'members',
    'myRole',
    ...(this.session.isGlobalAdmin() ? ['actions'] : []),
  ]);

  ngOnInit(): Promise<void> {
    return this.store.load();
  }

  protected async createTeam(): Promise<void> {
    const { CreateTeamDialog } = await import('./team-dialogs');
    const created = await firstValueFrom(
      this.dialog
        .open<InstanceType<typeof CreateTeamDialog>, undefined, Team>(CreateTeamDialog, {
          width: 'min(520px, 100vw)',
          maxWidth: '100vw',
          // The dialog is outside this page's injector tree by default; it saves through this page's store.
          injector: this.injector,
        })
        .afterClosed(),
    );
    if (created) this.snackBar.open(`Created ${created.name}`, undefined, { duration: 4000 });
  }

  protected async deleteTeam(team: Team): Promise<void> {
    const { DeleteTeamDialog } = await import('./team-dialogs');
    const others = this.store.allTeams().filter((other) => other.id !== team.id);
    const choice = await firstValueFrom(
      this.dialog
        .open<InstanceType<typeof DeleteTeamDialog>, DeleteTeamData, DeleteTeamChoice>(DeleteTeamDialog, {
          data: { team, others },
          width: 'min(480px, 100vw)',
          maxWidth: '100vw',
        })
        .afterClosed(),
    );
    if (choice && (await this.store.deleteTeam(team, choice.moveTo))) {
      this.snackBar.open(`Deleted ${team.name}`, undefined, { duration: 4000 });
    }
  }
}
