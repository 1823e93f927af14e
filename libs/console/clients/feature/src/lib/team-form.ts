import { Component, input } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { controlError } from '@agent-controller/console-core';
import type { TeamFormValue } from '@agent-controller/console-clients-data-access';
import { labelErrorAliases, LabelsEditor, labelRowsArray, type LabelRowsArray } from './labels-editor';

export type TeamForm = FormGroup<{
  name: FormControl<string>;
  description: FormControl<string>;
  agentWsPort: FormControl<number | null>;
  keycloakRealm: FormControl<string>;
  keycloakAuthServerUrl: FormControl<string>;
  labels: LabelRowsArray;
}>;

/** The team form's controls, checked as the API checks a team (name 1–100, description ≤ 2000, port 1–65535). */
export function teamForm(value: TeamFormValue): TeamForm {
  return new FormGroup({
    name: new FormControl(value.name, {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(100)],
    }),
    description: new FormControl(value.description, { nonNullable: true, validators: Validators.maxLength(2000) }),
    agentWsPort: new FormControl(value.agentWsPort, [Validators.min(1), Validators.max(65535)]),
    keycloakRealm: new FormControl(value.keycloakRealm, { nonNullable: true, validators: Validators.maxLength(255) }),
    keycloakAuthServerUrl: new FormControl(value.keycloakAuthServerUrl, { nonNullable: true }),
    labels: labelRowsArray(value.labels),
  });
}

/** The API names a refused default `defaults.<field>` (a label `defaults.labels.<key>`): shown beside its control. */
export function teamErrorAliases(form: TeamForm): Record<string, string> {
  const aliases: Record<string, string> = {
    'defaults.agentWsPort': 'agentWsPort',
    'defaults.keycloakRealm': 'keycloakRealm',
    'defaults.keycloakAuthServerUrl': 'keycloakAuthServerUrl',
  };
  for (const [field, control] of Object.entries(labelErrorAliases(form.controls.labels))) {
    aliases[`defaults.${field}`] = control;
  }
  return aliases;
}

/** A team's name, description and defaults; shared by the create dialog and the team's page. */
@Component({
  selector: 'ac-team-form-fields',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatInputModule, LabelsEditor],
  template: `
    <ng-container [formGroup]="form()">
      <mat-form-field>
        <mat-label>Name</mat-label>
        <input matInput formControlName="name" required />
        @if (error('name'); as message) {
          <mat-error>{{ message }}</mat-error>
        }
      </mat-form-field>
      <mat-form-field>
        <mat-label>Description</mat-label>
        <textarea matInput formControlName="description" rows="2"></textarea>
        @if (error('description'); as message) {
          <mat-error>{{ message }}</mat-error>
        }
      </mat-form-field>
      <p class="defaults-intro">Defaults for a client added to the team (its own values win):</p>
      <mat-form-field>
        <mat-label>Agent WebSocket port</mat-label>
        <input matInput type="number" formControlName="agentWsPort" min="1" max="65535" placeholder="8080" />
        @if (error('agentWsPort'); as message) {
          <mat-error>{{ message }}</mat-error>
        }
      </mat-form-field>
      <mat-form-field>
        <mat-label>Keycloak realm</mat-label>
        <input matInput formControlName="keycloakRealm" />
        @if (error('keycloakRealm'); as message) {
          <mat-error>{{ message }}</mat-error>
        }
      </mat-form-field>
      <mat-form-field>
        <mat-label>Keycloak URL</mat-label>
        <input matInput formControlName="keycloakAuthServerUrl" placeholder="https://sso.example.com" />
        @if (error('keycloakAuthServerUrl'); as message) {
          <mat-error>{{ message }}</mat-error>
        }
      </mat-form-field>
      <ac-labels-editor [rows]="form().controls.labels" />
    </ng-container>
  `,
  styles: `
    :host {
      display: contents;
    }
    .defaults-intro {
      margin: 4px 0;
      font-size: 0.875rem;
    }
  `,
})
export class TeamFormFields {
  readonly form = input.required<TeamForm>();

  protected error(name: Exclude<keyof TeamForm['controls'], 'labels'>): string | null {
    return controlError(this.form().controls[name]);
  }
}
