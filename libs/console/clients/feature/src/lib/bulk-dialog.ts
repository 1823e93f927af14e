import { Component, computed, ElementRef, inject, OnInit, signal, viewChild } from '@angular/core';
import {
  type AbstractControl,
  FormControl,
  FormGroup,
  ReactiveFormsModule,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { controlError, showApiErrors } from '@agent-controller/console-core';
import type { BulkClientRequest, BulkClientResponse, ServerOnDelete, Team } from '@agent-controller/shared-contracts';
import {
  type BulkFilters,
  ClientsApi,
  environmentOptions,
  labelsFromRows,
} from '@agent-controller/console-clients-data-access';
import { labelKeyProblem } from '@agent-controller/shared-contracts/rules';
import { labelErrorAliases, LabelsEditor, labelRowGroup, labelRowsArray } from './labels-editor';

export type BulkAction =
  | 'activate'
  | 'deactivate'
  | 'delete'
  | 'verify'
  | 'set_environment'
  | 'add_labels'
  | 'remove_labels'
  | 'move_to_team'
  | 'apply_team_defaults';

export interface BulkData {
  action: BulkAction;
  /** The selected clients (by id), or the names known of those the filters match (for the results). */
  clients: { id: string; name: string }[];
  /** Every client the list's filters match: the controller is sent the filters instead of ids. */
  matching?: { filters: BulkFilters; total: number };
  /** The teams the operator sees (for move_to_team). */
  teams?: Pick<Team, 'id' | 'name' | 'myRole'>[];
  /** Whether the operator is a global admin (one may move clients to any team). */
  globalAdmin?: boolean;
}

const VERBS: Record<BulkAction, string> = {
  activate: 'Activate',
  deactivate: 'Deactivate',
  delete: 'Delete',
  verify: 'Verify',
  set_environment: 'Set the environment of',
  add_labels: 'Add labels to',
  remove_labels: 'Remove labels from',
  move_to_team: 'Move',
  apply_team_defaults: 'Apply team defaults to',
};
const RUN: Record<BulkAction, string> = {
  ...VERBS,
  set_environment: 'Set environment',
  add_labels: 'Add labels',
  remove_labels: 'Remove labels',
  move_to_team: 'Move',
  apply_team_defaults: 'Apply team defaults',
};
const DONE: Record<BulkAction, string> = {
  activate: 'activated',
  deactivate: 'deactivated',
  delete: 'deleted',
  verify: 'verified',
  set_environment: 'moved',
  add_labels: 'labelled',
  remove_labels: 'changed',
  move_to_team: 'moved',
  apply_team_defaults: 'given the defaults',
};

/** Label keys typed as a comma-separated list: each checked as the API checks a key. */
function labelKeysValidator(control: AbstractControl<string>): ValidationErrors | null {
  const keys = labelKeyList(control.value ?? '');
  if (keys.length === 0) return { required: true };
  for (const key of keys) {
    const problem = labelKeyProblem(key);
    if (problem) return { rule: `${key}: ${problem}` };
  }
  return null;
}

function labelKeyList(text: string): string[] {
  return [...new Set(text.split(',').map((key) => key.trim()))].filter((key) => key !== '');
}

/** Asks the controller what a bulk action would do (dry run), shows it per client, then runs it. */
@Component({
  selector: 'ac-bulk-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    LabelsEditor,
  ],
  template: `
    <h2 mat-dialog-title>{{ verb }} {{ count }} client{{ count === 1 ? '' : 's' }}</h2>
    <mat-dialog-content>
      @if (data.matching) {
        <p>Every client the list's filters match, as the controller finds them when the action runs.</p>
      }
      @switch (data.action) {
        @case ('set_environment') {
          <mat-form-field>
            <mat-label>Environment</mat-label>
            <mat-select [formControl]="environment">
              @for (environment of environments; track environment) {
                <mat-option [value]="environment">{{ environment }}</mat-option>
              }
            </mat-select>
            @if (argumentError(environment); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
        }
        @case ('add_labels') {
          <ac-labels-editor [rows]="labels" />
        }
        @case ('move_to_team') {
          <mat-form-field>
            <mat-label>Team</mat-label>
            <mat-select [formControl]="targetTeamId">
              <mat-option [value]="null">No team</mat-option>
              @for (team of data.teams ?? []; track team.id) {
                <mat-option [value]="team.id" [disabled]="!data.globalAdmin && team.myRole !== 'admin'">{{
                  team.name
                }}</mat-option>
              }
            </mat-select>
            <mat-hint>Needs admin rights on their current team and on this one</mat-hint>
            @if (argumentError(targetTeamId); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
        }
        @case ('apply_team_defaults') {
          <p>
            Each client gets its team's default agent port, Keycloak realm and server (Keycloak clients) where the team
            sets them, and the team's labels. A client in no team is left out.
          </p>
        }
        @case ('delete') {
          <mat-form-field>
            <mat-label>Clients on cloud servers</mat-label>
            <mat-select [formControl]="server">
              <mat-option [value]="null">Leave them alone</mat-option>
              <mat-option value="delete">Delete them and their cloud servers</mat-option>
              <mat-option value="keep">Delete them, keep their servers running</mat-option>
            </mat-select>
            <mat-hint>For clients made by provisioning; a kept server is listed as an orphan and still billed</mat-hint>
          </mat-form-field>
        }
        @case ('remove_labels') {
          <mat-form-field>
            <mat-label>Label keys to remove</mat-label>
            <input matInput [formControl]="labelKeys" placeholder="tier, deprecated" />
            <mat-hint>Separated by commas</mat-hint>
            @if (argumentError(labelKeys); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
        }
      }
      @if (loading()) {
        <mat-progress-bar mode="indeterminate" aria-label="Asking the controller" />
      }
      @if (error(); as error) {
        <p class="error" role="alert">{{ error }}</p>
      }
      @if (response(); as response) {
        <p>
          {{
            response.dryRun
              ? 'Preview: this is what would happen. Nothing has changed yet.'
              : 'Done. This is what happened:'
          }}
        </p>
        <ul class="results" aria-label="Result per client">
          @for (result of response.results; track result.id) {
            <li>
              <strong>{{ name(result.id) }}</strong
              >:
              <span [class.bad]="result.result !== 'ok'">{{ describe(result.result, response.dryRun) }}</span>
              @if (result.message && result.message !== 'would ' + data.action) {
                — {{ result.message }}
              }
              @if (result.health; as health) {
                — <span [class]="'badge ' + health.state">{{ health.state }}</span>
                @if (health.latencyMs !== null) {
                  {{ health.latencyMs }} ms
                }
                @if (health.reason) {
                  <span class="reason">{{ health.reason }}</span>
                }
              }
            </li>
          }
        </ul>
      }
    </mat-dialog-content>
    <!-- One dismiss button in every state: replacing the focused button would drop focus to the page behind. -->
    <mat-dialog-actions align="end">
      <button #dismiss mat-button type="button" [mat-dialog-close]="done()">{{ done() ? 'Close' : 'Cancel' }}</button>
      @if (!done() && needsArgument && !response()) {
        <button mat-stroked-button type="button" (click)="preview()" [disabled]="loading()">Preview</button>
      }
      @if (!done()) {
        <button
          mat-flat-button
          type="button"
          [class.danger]="data.action === 'delete'"
          (click)="run()"
          [disabled]="loading() || !runnable()"
        >
          {{ runLabel }}
        </button>
      }
    </mat-dialog-actions>
  `,
  styles: `
    .results {
      padding-left: 20px;
    }
    .results li {
      word-break: break-word;
      margin-bottom: 4px;
    }
    .bad {
      color: var(--mat-sys-error);
    }
    .reason {
      font-size: 0.8125rem;
    }
  `,
})
export class BulkDialog implements OnInit {
  protected readonly data = inject<BulkData>(MAT_DIALOG_DATA);
  private readonly api = inject(ClientsApi);
  protected readonly verb = VERBS[this.data.action];
  protected readonly runLabel = RUN[this.data.action];
  protected readonly count = this.data.matching?.total ?? this.data.clients.length;
  /** Actions that need a value (an environment, labels, keys) preview once it is given, not on opening. */
  protected readonly needsArgument = ['set_environment', 'add_labels', 'remove_labels', 'move_to_team'].includes(
    this.data.action,
  );
  protected readonly environments = environmentOptions();
  protected readonly environment = new FormControl(this.environments[0], {
    nonNullable: true,
    validators: Validators.required,
  });
  protected readonly labels = labelRowsArray([]);
  protected readonly labelKeys = new FormControl('', { nonNullable: true, validators: labelKeysValidator });
  /** The team to move to; null: out of their team. */
  protected readonly targetTeamId = new FormControl<string | null>(null);
  /** What a delete does with the cloud servers of provisioned clients; null: leaves those clients alone. */
  protected readonly server = new FormControl<ServerOnDelete | null>(null);
  private readonly argumentForm = new FormGroup({
    environment: this.environment,
    labels: this.labels,
    labelKeys: this.labelKeys,
    targetTeamId: this.targetTeamId,
    server: this.server,
  });
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly response = signal<BulkClientResponse | null>(null);
  protected readonly runnable = signal(false);
  private readonly dismiss = viewChild.required('dismiss', { read: ElementRef<HTMLButtonElement> });
  /** The action itself has run (not only its preview). */
  protected readonly done = computed(() => this.response()?.dryRun === false);

  ngOnInit(): Promise<void> {
    if (this.data.action === 'add_labels') this.labels.push(labelRowGroup());
    // A changed value makes the preview stale: it is asked for again before the action can run.
    this.argumentForm.valueChanges.subscribe(() => {
      this.response.set(null);
      this.runnable.set(false);
      // An action that previews on opening previews its changed choice (a delete's servers) at once.
      if (!this.needsArgument) void this.call(true);
    });
    return this.needsArgument ? Promise.resolve() : this.call(true);
  }

  protected preview(): Promise<void> {
    return this.call(true);
  }

  protected argumentError(control: FormControl<string> | FormControl<string | null>): string | null {
    return controlError(control);
  }

  /** The action's own value, or null (and the reason shown) while it is not valid. */
  private argument(): Partial<BulkClientRequest> | null {
    if (this.data.action === 'delete') return this.server.value ? { server: this.server.value } : {};
    const control = {
      set_environment: this.environment,
      add_labels: this.labels,
      remove_labels: this.labelKeys,
      move_to_team: this.targetTeamId,
    }[this.data.action as 'set_environment' | 'add_labels' | 'remove_labels' | 'move_to_team'];
    if (!control) return {};
    control.markAllAsTouched();
    if (control.invalid) return null;
    switch (this.data.action) {
      case 'set_environment':
        return { targetEnvironment: this.environment.value };
      case 'add_labels':
        return { labels: labelsFromRows(this.labels.getRawValue()) };
      case 'move_to_team':
        return { targetTeamId: this.targetTeamId.value };
      default:
        return { labelKeys: labelKeyList(this.labelKeys.value) };
    }
  }

  protected async run(): Promise<void> {
    await this.call(false);
    // The run button is gone once the action has run; focus stays in the dialog.
    if (this.done()) this.dismiss().nativeElement.focus();
  }

  protected name(id: string): string {
    return this.data.clients.find((client) => client.id === id)?.name ?? id;
  }

  protected describe(result: string, dryRun: boolean): string {
    if (result !== 'ok') return result.replaceAll('_', ' ');
    const done = DONE[this.data.action];
    return dryRun ? `would be ${done}` : done;
  }

  private async call(dryRun: boolean): Promise<void> {
    const argument = this.argument();
    if (!argument) return;
    this.loading.set(true);
    this.error.set(null);
    try {
      const selection = this.data.matching
        ? this.data.matching.filters
        : { ids: this.data.clients.map((client) => client.id) };
      const response = await this.api.bulk({ action: this.data.action, ...selection, ...argument, dryRun });
      this.response.set(response);
      this.runnable.set(response.results.some((result) => result.result === 'ok'));
    } catch (error) {
      this.error.set(this.refusal(error));
    } finally {
      this.loading.set(false);
    }
  }

  /** A refusal of the action's value is shown beside it (`targetEnvironment`, `labelKeys`, `labels.<key>`). */
  private refusal(error: unknown): string | null {
    return showApiErrors(this.argumentForm, error, {
      targetEnvironment: 'environment',
      ...labelErrorAliases(this.labels),
    });
  }
}
