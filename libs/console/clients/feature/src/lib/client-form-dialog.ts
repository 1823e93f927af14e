import { Clipboard } from '@angular/cdk/clipboard';
import { Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { controlError, problemValidator, SessionStore, showApiErrors } from '@agent-controller/console-core';
import type { Client, ClientWithSecret, Team } from '@agent-controller/shared-contracts';
import {
  changesConnection,
  clientFormValue,
  ClientsApi,
  defaultAgentWsPort,
  environmentOptions,
  TeamsApi,
  toCreateRequest,
  toUpdateRequest,
} from '@agent-controller/console-clients-data-access';
import { environmentNameProblem } from '@agent-controller/shared-contracts/rules';
import { labelErrorAliases, LabelsEditor, labelRowsArray } from './labels-editor';

/** The dialog's data: the client to edit; or, to add one, the team it starts in (the list's team filter). */
export type ClientFormData = Client | { startInTeam: string } | null;

/**
 * Adds a client (in the team the data starts it in, if any), or edits one: endpoint, the matching auth fields, agent
 * WebSocket port, environment and labels. After saving it shows what the connection check found and, for a new
 * client, the API key once. Closes with the saved client.
 */
@Component({
  selector: 'ac-client-form-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    LabelsEditor,
  ],
  template: `
    <h2 mat-dialog-title>{{ title() }}</h2>
    <mat-dialog-content>
      @if (saved(); as client) {
        @if (checked()) {
          <p>
            Connection check: <strong>{{ client.health.state }}</strong>
            @if (client.health.reason) {
              — {{ client.health.reason }}
            }
          </p>
          @if (client.health.state !== 'healthy') {
            <p>Check the endpoint and credentials, then verify the client again from its page.</p>
          }
        } @else {
          <p>Saved. The connection settings did not change, so the remote was not checked again.</p>
        }
        @if (client.apiKey) {
          <p><strong>API key</strong> (you will not see it again):</p>
          <code class="secret">{{ client.apiKey }}</code>
          <button mat-stroked-button type="button" (click)="copy(client.apiKey)">
            {{ copied() ? 'Copied' : 'Copy' }}
          </button>
        }
      } @else {
        <form class="dialog-form" [formGroup]="form" id="client-form" (ngSubmit)="save()">
          <mat-form-field>
            <mat-label>Name</mat-label>
            <input matInput formControlName="name" required />
            @if (fieldError('name'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Description</mat-label>
            <textarea matInput formControlName="description" rows="2"></textarea>
            @if (fieldError('description'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          @if (session.hasTeams()) {
            <mat-form-field>
              <mat-label>Team</mat-label>
              <mat-select formControlName="teamId">
                <mat-option [value]="null">No team</mat-option>
                @for (team of teamOptions(); track team.id) {
                  <mat-option [value]="team.id" [disabled]="!administers(team)">{{ team.name }}</mat-option>
                }
              </mat-select>
              @if (fieldError('teamId'); as message) {
                <mat-error>{{ message }}</mat-error>
              } @else if (teamHint(); as hint) {
                <mat-hint>{{ hint }}</mat-hint>
              }
            </mat-form-field>
          }
          <mat-form-field>
            <mat-label>Endpoint</mat-label>
            <input matInput formControlName="endpoint" placeholder="https://agents.example.com" required />
            <mat-hint>The agent-manager's base URL, without /api</mat-hint>
            @if (fieldError('endpoint'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-button-toggle-group formControlName="authenticationType" aria-label="Authentication">
            <mat-button-toggle value="api_key">API key</mat-button-toggle>
            <mat-button-toggle value="keycloak">Keycloak</mat-button-toggle>
          </mat-button-toggle-group>
          @if (form.controls.authenticationType.value === 'api_key') {
            <mat-form-field>
              <mat-label>API key of the remote</mat-label>
              <input matInput type="password" formControlName="apiKey" autocomplete="off" />
              <mat-hint>{{ secretHint() }}</mat-hint>
              @if (fieldError('apiKey'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
          } @else {
            <mat-form-field>
              <mat-label>Keycloak client id</mat-label>
              <input matInput formControlName="keycloakClientId" />
              @if (fieldError('keycloakClientId'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
            <mat-form-field>
              <mat-label>Keycloak client secret</mat-label>
              <input matInput type="password" formControlName="keycloakClientSecret" autocomplete="off" />
              @if (editing) {
                <mat-hint>Leave empty to keep the current secret</mat-hint>
              }
              @if (fieldError('keycloakClientSecret'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
            <mat-form-field>
              <mat-label>Realm</mat-label>
              <input matInput formControlName="keycloakRealm" [placeholder]="teamDefaults()?.keycloakRealm ?? ''" />
              @if (!editing && teamDefaults()?.keycloakRealm) {
                <mat-hint>Leave empty for the team's realm</mat-hint>
              }
              @if (fieldError('keycloakRealm'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
            <mat-form-field>
              <mat-label>Keycloak URL</mat-label>
              <input
                matInput
                formControlName="keycloakAuthServerUrl"
                [placeholder]="teamDefaults()?.keycloakAuthServerUrl ?? 'https://sso.example.com'"
              />
              @if (!editing && teamDefaults()?.keycloakAuthServerUrl) {
                <mat-hint>Leave empty for the team's Keycloak URL</mat-hint>
              }
              @if (fieldError('keycloakAuthServerUrl'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
          }
          <mat-form-field>
            <mat-label>Agent WebSocket port</mat-label>
            <input matInput type="number" formControlName="agentWsPort" min="1" max="65535" />
            @if (fieldError('agentWsPort'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Environment</mat-label>
            <mat-select formControlName="environment">
              @for (environment of environments; track environment) {
                <mat-option [value]="environment">{{ environment }}</mat-option>
              }
            </mat-select>
            @if (fieldError('environment'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <ac-labels-editor [rows]="form.controls.labels" />
          @if (!editing && teamLabels(); as labels) {
            <p class="team-labels">The team's labels are added: {{ labels }} (yours win).</p>
          }
        </form>
        @if (saving()) {
          <mat-progress-bar mode="indeterminate" aria-label="Checking the connection" />
        }
        @if (error()) {
          <p class="error" role="alert">{{ error() }}</p>
        }
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      @if (saved(); as client) {
        <button mat-flat-button type="button" [mat-dialog-close]="client">Done</button>
      } @else {
        <button mat-button mat-dialog-close type="button">Cancel</button>
        <button mat-flat-button type="submit" form="client-form" [disabled]="saving()">
          {{ editing ? 'Save' : 'Add and check' }}
        </button>
      }
    </mat-dialog-actions>
  `,
  styles: `
    .team-labels {
      margin: 0;
      font-size: 0.875rem;
      overflow-wrap: anywhere;
    }
    .secret {
      display: block;
      word-break: break-all;
      padding: 8px;
      margin: 8px 0;
      background: var(--mat-sys-surface-variant);
    }
  `,
})
export class ClientFormDialog {
  private readonly api = inject(ClientsApi);
  private readonly teamsApi = inject(TeamsApi);
  protected readonly session = inject(SessionStore);
  private readonly clipboard = inject(Clipboard);
  private readonly dialogRef = inject<MatDialogRef<ClientFormDialog, Client>>(MatDialogRef);
  private readonly data = inject<ClientFormData>(MAT_DIALOG_DATA, { optional: true });
  /** The client being edited; none when adding one. */
  private readonly client = this.data && 'id' in this.data ? this.data : null;
  protected readonly editing = this.client !== null;
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly saved = signal<ClientWithSecret | null>(null);
  /** Whether saving checked the connection (always for a new client; for an edit, when a setting changed). */
  protected readonly checked = signal(true);
  protected readonly copied = signal(false);
  protected readonly title = computed(() => {
    if (this.saved()) return this.editing ? 'Client saved' : 'Client added';
    return this.editing ? `Edit ${this.client?.name}` : 'Add a client';
  });
  private readonly initial = clientFormValue(this.client ?? undefined);
  protected readonly environments = environmentOptions(this.client?.environment);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    ...this.initial,
    labels: labelRowsArray(this.initial.labels),
    environment: [this.initial.environment, [Validators.required, problemValidator(environmentNameProblem)]],
    name: [this.client?.name ?? '', Validators.required],
    endpoint: [this.client?.endpoint ?? '', Validators.required],
    agentWsPort: [this.client?.agentWsPort ?? 8080, [Validators.required, Validators.min(1), Validators.max(65535)]],
  });

  /** The teams the operator sees (none in api-key mode); one may put a client only in a team one administers. */
  protected readonly teams = signal<Team[]>([]);
  private readonly teamId = toSignal(this.form.controls.teamId.valueChanges, {
    initialValue: this.form.controls.teamId.value,
  });
  /** The visible teams, and the client's own when it is in one the operator is not in (shown, not choosable). */
  protected readonly teamOptions = computed(() => {
    const teams = this.teams();
    const current = this.initial.teamId;
    if (!current || teams.some((team) => team.id === current)) return teams;
    return [...teams, { id: current, name: 'A team you are not in', myRole: null } as Team];
  });
  protected readonly selectedTeam = computed(() => this.teams().find((team) => team.id === this.teamId()) ?? null);
  /** What a new client takes from its team when a field is left empty (an edited client keeps its values). */
  protected readonly teamDefaults = computed(() => (this.editing ? null : (this.selectedTeam()?.defaults ?? null)));
  protected readonly teamLabels = computed(() =>
    Object.entries(this.teamDefaults()?.labels ?? {})
      .map(([key, value]) => (value ? `${key}=${value}` : key))
      .join(', '),
  );
  protected readonly teamHint = computed(() => {
    if (this.editing)
      return this.teamId() !== this.initial.teamId ? 'Moves the client; needs admin rights on both' : '';
    return this.selectedTeam() ? "Empty fields below take the team's defaults" : '';
  });

  constructor() {
    if (this.session.hasTeams()) void this.loadTeams();
    // A new client's port follows the chosen team's default until the operator types one: the value sent is the
    // one shown.
    this.form.controls.teamId.valueChanges.subscribe(() => {
      const port = this.form.controls.agentWsPort;
      if (!this.editing && !port.dirty) port.setValue(defaultAgentWsPort(this.selectedTeam()));
    });
  }

  private async loadTeams(): Promise<void> {
    try {
      this.teams.set(await this.teamsApi.list());
    } catch {
      // Without the list only "No team" is offered; the client's own team stays as it is.
    }
    // A client in a team the operator does not administer cannot be moved by them (the controller refuses it).
    const current = this.teamOptions().find((team) => team.id === this.initial.teamId);
    if (current && !this.administers(current)) this.form.controls.teamId.disable();
    // A new client starts in the team the list is filtered by, when the operator may add clients there.
    const start = this.data && 'startInTeam' in this.data ? this.data.startInTeam : null;
    const team = this.teams().find((candidate) => candidate.id === start);
    if (team && this.administers(team) && !this.form.controls.teamId.dirty) this.form.controls.teamId.setValue(team.id);
  }

  protected administers(team: Pick<Team, 'myRole'>): boolean {
    return this.session.isGlobalAdmin() || team.myRole === 'admin';
  }

  protected secretHint(): string {
    if (!this.editing) return 'Leave empty to generate one';
    return this.client?.authenticationType === 'api_key'
      ? 'Leave empty to keep the current key'
      : 'Required when switching to API-key authentication';
  }

  protected fieldError(name: keyof typeof this.form.controls): string | null {
    return controlError(this.form.controls[name]);
  }

  async save(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.saving()) return;
    this.saving.set(true);
    this.error.set(null);
    try {
      const value = this.form.getRawValue();
      if (!this.client) {
        this.saved.set(await this.api.create(toCreateRequest(value)));
        return;
      }
      const request = toUpdateRequest(this.client, value);
      if (!request) {
        this.dialogRef.close(this.client);
        return;
      }
      this.checked.set(changesConnection(request));
      this.saved.set(await this.api.update(this.client.id, request));
    } catch (error) {
      this.error.set(showApiErrors(this.form, error, labelErrorAliases(this.form.controls.labels)));
    } finally {
      this.saving.set(false);
    }
  }

  protected copy(secret: string): void {
    this.copied.set(this.clipboard.copy(secret));
  }
}
