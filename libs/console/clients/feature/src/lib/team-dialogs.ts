import { Component, inject, signal } from '@angular/core';
import { FormControl, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { controlError, showApiErrors } from '@agent-controller/console-core';
import { TeamsStore, teamFormValue, toTeamRequest } from '@agent-controller/console-clients-data-access';
import type { Team } from '@agent-controller/shared-contracts';
import { teamErrorAliases, teamForm, TeamFormFields } from './team-form';

/** Creates a team (global admins): name, description, defaults; the API's refusals appear under their fields. */
@Component({
  selector: 'ac-create-team-dialog',
  imports: [ReactiveFormsModule, MatButtonModule, MatDialogModule, MatProgressBarModule, TeamFormFields],
  template: `
    <h2 mat-dialog-title>Create a team</h2>
    <mat-dialog-content>
      <form class="dialog-form" [formGroup]="form" id="create-team-form" (ngSubmit)="save()" novalidate>
        <ac-team-form-fields [form]="form" />
      </form>
      @if (saving()) {
        <mat-progress-bar mode="indeterminate" aria-label="Creating the team" />
      }
      @if (failure(); as message) {
        <p class="error" role="alert">{{ message }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close type="button">Cancel</button>
      <button mat-flat-button type="submit" form="create-team-form" [disabled]="saving()">Create team</button>
    </mat-dialog-actions>
  `,
})
export class CreateTeamDialog {
  private readonly store = inject(TeamsStore);
  private readonly dialogRef = inject<MatDialogRef<CreateTeamDialog, Team>>(MatDialogRef);
  protected readonly saving = signal(false);
  protected readonly failure = signal<string | null>(null);
  protected readonly form = teamForm(teamFormValue());

  async save(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.saving()) return;
    this.saving.set(true);
    this.failure.set(null);
    try {
      this.dialogRef.close(await this.store.createTeam(toTeamRequest(this.form.getRawValue())));
    } catch (error) {
      this.failure.set(showApiErrors(this.form, error, teamErrorAliases(this.form)));
    } finally {
      this.saving.set(false);
    }
  }
}

export interface DeleteTeamData {
  team: Team;
  /** The other teams its clients may move to. */
  others: Team[];
}

/** What deleting was confirmed with: the team its clients move to first, when it has any. */
export interface DeleteTeamChoice {
  moveTo?: string;
}

/** Asks before deleting a team; one with clients asks which team they move to first. */
@Component({
  selector: 'ac-delete-team-dialog',
  imports: [ReactiveFormsModule, MatButtonModule, MatDialogModule, MatFormFieldModule, MatSelectModule],
  template: `
    <h2 mat-dialog-title>Delete team</h2>
    <mat-dialog-content>
      <p>
        Delete {{ data.team.name }}? Its {{ data.team.memberCount }} membership{{
          data.team.memberCount === 1 ? '' : 's'
        }}
        end with it. This cannot be undone.
      </p>
      @if (hasClients) {
        @if (data.others.length) {
          <p>It has {{ data.team.clientCount }} client{{ data.team.clientCount === 1 ? '' : 's' }}: they move first.</p>
          <mat-form-field>
            <mat-label>Move its clients to</mat-label>
            <mat-select [formControl]="moveTo">
              @for (team of data.others; track team.id) {
                <mat-option [value]="team.id">{{ team.name }}</mat-option>
              }
            </mat-select>
            @if (moveToError(); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
        } @else {
          <p class="error" role="alert">
            It has {{ data.team.clientCount }} client{{ data.team.clientCount === 1 ? '' : 's' }} and there is no other
            team to move them to: move them out of the team first.
          </p>
        }
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close cdkFocusInitial>Cancel</button>
      <button mat-flat-button class="danger" type="button" (click)="confirm()">Delete team</button>
    </mat-dialog-actions>
  `,
  styles: `
    p {
      overflow-wrap: anywhere;
    }
  `,
})
export class DeleteTeamDialog {
  protected readonly data = inject<DeleteTeamData>(MAT_DIALOG_DATA);
  private readonly dialogRef = inject<MatDialogRef<DeleteTeamDialog, DeleteTeamChoice>>(MatDialogRef);
  protected readonly hasClients = this.data.team.clientCount > 0;
  protected readonly moveTo = new FormControl<string>('', {
    nonNullable: true,
    validators: this.hasClients && this.data.others.length ? Validators.required : [],
  });
  protected readonly moveToError = signal<string | null>(null);

  protected confirm(): void {
    this.moveTo.markAsTouched();
    this.moveToError.set(controlError(this.moveTo));
    if (this.moveTo.invalid) return;
    // Without a team to move to, the controller is asked anyway: its refusal (TEAM_HAS_CLIENTS) is shown on the page.
    this.dialogRef.close(this.moveTo.value ? { moveTo: this.moveTo.value } : {});
  }
}
