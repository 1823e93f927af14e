import { Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { FormControl, FormGroup, FormGroupDirective, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { RouterLink } from '@angular/router';
import { controlError, showApiErrors } from '@agent-controller/console-core';
import { ActionError, Breadcrumbs, confirmAction, TimeComponent } from '@agent-controller/console-ui';
import { TeamDetailStore, teamFormValue } from '@agent-controller/console-clients-data-access';
import type { TeamMember, TeamRole } from '@agent-controller/shared-contracts';
import { TEAM_ROLES } from '@agent-controller/shared-contracts/rules';
import { firstValueFrom } from 'rxjs';
import { teamErrorAliases, teamForm, TeamFormFields } from './team-form';

/**
 * One team: its name, description and defaults (edited by global admins and the team's admins), and its members
 * (team admins add and remove members; global admins also appoint and remove admins and change roles).
 */
@Component({
  selector: 'ac-team-detail-page',
  providers: [TeamDetailStore],
  imports: [
    ActionError,
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    RouterLink,
    Breadcrumbs,
    TimeComponent,
    TeamFormFields,
  ],
  template: `
    <ac-breadcrumbs [trail]="trail()" />
    @if (store.loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the team" />
    }
    @if (store.error(); as error) {
      <p class="state error" role="alert">
        Could not load the team: {{ error }}
        <button mat-button type="button" (click)="store.load(id())">Retry</button>
      </p>
    }
    @if (store.team(); as team) {
      <h1>{{ team.name }}</h1>
      <p class="summary">
        <a [routerLink]="['/clients']" [queryParams]="{ teamId: team.id }"
          >{{ team.clientCount }} client{{ team.clientCount === 1 ? '' : 's' }}</a
        >
        · {{ team.memberCount }} member{{ team.memberCount === 1 ? '' : 's' }} · your role:
        {{ team.myRole ?? (store.isGlobalAdmin() ? 'global admin' : '—') }}
      </p>
      @if (store.canEdit()) {
        <section aria-labelledby="settings-heading">
          <h2 id="settings-heading">Settings</h2>
          <form class="dialog-form settings" [formGroup]="form" (ngSubmit)="save()" novalidate>
            <ac-team-form-fields [form]="form" />
            @if (saveFailure(); as message) {
              <p class="error" role="alert">{{ message }}</p>
            }
            <div>
              <button mat-flat-button type="submit" [disabled]="saving()">Save</button>
            </div>
          </form>
        </section>
      } @else {
        @if (team.description) {
          <p class="wrap">{{ team.description }}</p>
        }
      }
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        <ac-action-error [message]="store.actionError()" (dismissed)="store.actionError.set(null)" />
        @if (store.members().length === 0) {
          <p class="state">No members yet.</p>
        } @else {
          <div class="table-scroll">
            <table class="members stack-on-phone" aria-label="Members">
              <thead>
                <tr>
                  <th scope="col">E-mail</th>
                  <th scope="col">Role</th>
                  <th scope="col">Added</th>
                  <th scope="col"><span class="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                @for (member of store.members(); track member.id) {
                  <tr>
                    <td class="wrap" data-label="E-mail">{{ member.email }}</td>
                    <td data-label="Role">
                      @if (store.canChangeRoles()) {
                        <mat-form-field subscriptSizing="dynamic" class="role">
                          <mat-label>Role of {{ member.email }}</mat-label>
                          <mat-select
                            [value]="member.role"
                            [disabled]="store.busyId() === member.id"
                            (selectionChange)="changeRole(member, $event.value)"
                          >
                            @for (role of roles; track role) {
                              <mat-option [value]="role">{{ role }}</mat-option>
                            }
                          </mat-select>
                        </mat-form-field>
                      } @else {
                        {{ member.role }}
                      }
                    </td>
                    <td data-label="Added"><ac-time [value]="member.createdAt" /></td>
                    <td>
                      @if (store.canRemove(member)) {
                        <button
                          mat-button
                          type="button"
                          [disabled]="store.busyId() === member.id"
                          [attr.aria-label]="'Remove ' + member.email"
                          (click)="removeMember(member)"
                        >
                          Remove
                        </button>
                      }
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
        @if (store.canEdit()) {
          <form
            class="add-member"
            [formGroup]="memberForm"
            #memberFormDirective="ngForm"
            (ngSubmit)="addMember(memberFormDirective)"
            novalidate
          >
            <h3>Add a member</h3>
            <mat-form-field>
              <mat-label>E-mail</mat-label>
              <input matInput type="email" formControlName="email" autocomplete="off" required />
              @if (memberError('email'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
            <mat-form-field>
              <mat-label>Role</mat-label>
              <mat-select formControlName="role">
                @for (role of store.rolesOffered(); track role) {
                  <mat-option [value]="role">{{ role }}</mat-option>
                }
              </mat-select>
              @if (memberError('role'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
            <button mat-flat-button type="submit" [disabled]="adding()">Add member</button>
            @if (addFailure(); as message) {
              <p class="error" role="alert">{{ message }}</p>
            }
          </form>
        }
      </section>
    }
  `,
  styles: `
    .summary {
      margin-top: 0;
    }
    .settings {
      max-width: 560px;
    }
    .role {
      width: 140px;
      padding: 6px 0;
    }
    .table-scroll {
      overflow-x: auto;
    }
    table.members {
      border-collapse: collapse;
      min-width: 100%;
    }
    table.members th,
    table.members td {
      text-align: left;
      padding: 4px 12px 4px 0;
    }
    .add-member {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 8px 12px;
      margin-top: 16px;
    }
    .add-member h3 {
      flex-basis: 100%;
      margin: 0;
    }
    .add-member .error {
      flex-basis: 100%;
    }
  `,
})
export class TeamDetailPage {
  /** The team's id, from the route. */
  readonly id = input.required<string>();
  protected readonly store = inject(TeamDetailStore);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly roles = TEAM_ROLES;
  protected readonly form = teamForm(teamFormValue());
  protected readonly saving = signal(false);
  protected readonly saveFailure = signal<string | null>(null);
  protected readonly memberForm = new FormGroup({
    email: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.email, Validators.maxLength(254)],
    }),
    role: new FormControl<TeamRole>('member', { nonNullable: true }),
  });
  protected readonly adding = signal(false);
  protected readonly addFailure = signal<string | null>(null);
  protected readonly trail = computed(() => [
    { label: 'Teams', link: ['/teams'] },
    { label: this.store.team()?.name ?? 'Team' },
  ]);

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.load(id));
    });
  }

  private async load(id: string): Promise<void> {
    await this.store.load(id);
    const team = this.store.team();
    if (team) this.form.reset(teamFormValue(team));
    this.resetLabels();
  }

  /** The labels editor's rows follow the saved defaults (reset keeps the number of rows it had). */
  private resetLabels(): void {
    const fresh = teamForm(teamFormValue(this.store.team() ?? undefined)).controls.labels;
    const labels = this.form.controls.labels;
    labels.clear();
    for (const row of fresh.controls) labels.push(row);
  }

  protected memberError(name: 'email' | 'role'): string | null {
    return controlError(this.memberForm.controls[name]);
  }

  async save(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.saving()) return;
    this.saving.set(true);
    this.saveFailure.set(null);
    try {
      const team = await this.store.save(this.form.getRawValue());
      this.form.reset(teamFormValue(team));
      this.resetLabels();
      this.snackBar.open(`Saved ${team.name}`, undefined, { duration: 4000 });
    } catch (error) {
      this.saveFailure.set(showApiErrors(this.form, error, teamErrorAliases(this.form)));
    } finally {
      this.saving.set(false);
    }
  }

  async addMember(directive: FormGroupDirective): Promise<void> {
    this.memberForm.markAllAsTouched();
    if (this.memberForm.invalid || this.adding()) return;
    this.adding.set(true);
    this.addFailure.set(null);
    try {
      const { email, role } = this.memberForm.getRawValue();
      const member = await this.store.addMember(email, role);
      // Through the directive, so the submitted form does not show the emptied e-mail as an error.
      directive.resetForm({ email: '', role: 'member' });
      this.snackBar.open(`Added ${member.email}`, undefined, { duration: 4000 });
    } catch (error) {
      this.addFailure.set(showApiErrors(this.memberForm, error));
    } finally {
      this.adding.set(false);
    }
  }

  protected async changeRole(member: TeamMember, role: TeamRole): Promise<void> {
    // Success shows in the row itself; a refusal in the alert above the table.
    await this.store.changeRole(member, role);
  }

  protected async removeMember(member: TeamMember): Promise<void> {
    const confirmed = await firstValueFrom(
      confirmAction(this.dialog, {
        title: 'Remove member',
        message: `Remove ${member.email} from ${this.store.team()?.name}? They lose access to the team's clients.`,
        confirm: 'Remove member',
      }),
    );
    if (confirmed && (await this.store.removeMember(member))) {
      this.snackBar.open(`Removed ${member.email}`, undefined, { duration: 4000 });
    }
  }
}
