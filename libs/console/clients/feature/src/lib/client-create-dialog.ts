import { Clipboard } from '@angular/cdk/clipboard';
import { Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { apiErrorMessage } from '@agent-controller/console-core';
import type { ClientWithSecret, CreateClientRequest } from '@agent-controller/shared-contracts';
import { ClientsApi } from '@agent-controller/console-clients-data-access';

/**
 * Adds a client: endpoint, the matching auth fields, agent WebSocket port. After saving it shows what the
 * connection check found and, once, the API key.
 */
@Component({
  selector: 'ac-client-create-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
  ],
  template: `
    <h2 mat-dialog-title>{{ created() ? 'Client added' : 'Add a client' }}</h2>
    <mat-dialog-content>
      @if (created(); as client) {
        <p>
          Connection check: <strong>{{ client.health.state }}</strong>
          @if (client.health.reason) {
            — {{ client.health.reason }}
          }
        </p>
        @if (client.health.state !== 'healthy') {
          <p>Check the endpoint and credentials, then verify the client again from its page.</p>
        }
        @if (client.apiKey) {
          <p><strong>API key</strong> (you will not see it again):</p>
          <code class="secret">{{ client.apiKey }}</code>
          <button mat-stroked-button type="button" (click)="copy(client.apiKey)">
            {{ copied() ? 'Copied' : 'Copy' }}
          </button>
        }
      } @else {
        <form [formGroup]="form" id="client-form" (ngSubmit)="save()">
          <mat-form-field>
            <mat-label>Name</mat-label>
            <input matInput formControlName="name" required />
          </mat-form-field>
          <mat-form-field>
            <mat-label>Endpoint</mat-label>
            <input matInput formControlName="endpoint" placeholder="https://agents.example.com" required />
            <mat-hint>The agent-manager's base URL, without /api</mat-hint>
          </mat-form-field>
          <mat-button-toggle-group formControlName="authenticationType" aria-label="Authentication">
            <mat-button-toggle value="api_key">API key</mat-button-toggle>
            <mat-button-toggle value="keycloak">Keycloak</mat-button-toggle>
          </mat-button-toggle-group>
          @if (form.controls.authenticationType.value === 'api_key') {
            <mat-form-field>
              <mat-label>API key of the remote</mat-label>
              <input matInput type="password" formControlName="apiKey" autocomplete="off" />
              <mat-hint>Leave empty to generate one</mat-hint>
            </mat-form-field>
          } @else {
            <mat-form-field>
              <mat-label>Keycloak client id</mat-label>
              <input matInput formControlName="keycloakClientId" />
            </mat-form-field>
            <mat-form-field>
              <mat-label>Keycloak client secret</mat-label>
              <input matInput type="password" formControlName="keycloakClientSecret" autocomplete="off" />
            </mat-form-field>
            <mat-form-field>
              <mat-label>Realm</mat-label>
              <input matInput formControlName="keycloakRealm" />
            </mat-form-field>
            <mat-form-field>
              <mat-label>Keycloak URL</mat-label>
              <input matInput formControlName="keycloakAuthServerUrl" placeholder="https://sso.example.com" />
            </mat-form-field>
          }
          <mat-form-field>
            <mat-label>Agent WebSocket port</mat-label>
            <input matInput type="number" formControlName="agentWsPort" min="1" max="65535" />
          </mat-form-field>
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
      @if (created()) {
        <button mat-flat-button mat-dialog-close type="button">Done</button>
      } @else {
        <button mat-button mat-dialog-close type="button">Cancel</button>
        <button mat-flat-button type="submit" form="client-form" [disabled]="saving()">Add and check</button>
      }
    </mat-dialog-actions>
  `,
  styles: `
    form {
      display: flex;
      flex-direction: column;
      gap: 8px;
      padding-top: 8px;
    }
    .secret {
      display: block;
      word-break: break-all;
      padding: 8px;
      margin: 8px 0;
      background: var(--mat-sys-surface-variant);
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class ClientCreateDialog {
  private readonly api = inject(ClientsApi);
  private readonly clipboard = inject(Clipboard);
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly created = signal<ClientWithSecret | null>(null);
  protected readonly copied = signal(false);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', Validators.required],
    endpoint: ['', Validators.required],
    authenticationType: ['api_key' as 'api_key' | 'keycloak'],
    apiKey: [''],
    keycloakClientId: [''],
    keycloakClientSecret: [''],
    keycloakRealm: [''],
    keycloakAuthServerUrl: [''],
    agentWsPort: [8080, [Validators.required, Validators.min(1), Validators.max(65535)]],
  });

  async save(): Promise<void> {
    if (this.form.invalid || this.saving()) return;
    this.saving.set(true);
    this.error.set(null);
    try {
      this.created.set(await this.api.create(toRequest(this.form.getRawValue())));
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    } finally {
      this.saving.set(false);
    }
  }

  protected copy(secret: string): void {
    this.copied.set(this.clipboard.copy(secret));
  }
}

/** Only the fields of the chosen authentication type, and no empty optional values. */
export function toRequest(
  value: ClientCreateDialog['form']['value'] & { authenticationType: 'api_key' | 'keycloak' },
): CreateClientRequest {
  const common = { name: value.name ?? '', endpoint: value.endpoint ?? '', agentWsPort: Number(value.agentWsPort) };
  if (value.authenticationType === 'api_key') {
    return { ...common, authenticationType: 'api_key', ...(value.apiKey ? { apiKey: value.apiKey } : {}) };
  }
  return {
    ...common,
    authenticationType: 'keycloak',
    keycloakClientId: value.keycloakClientId,
    keycloakClientSecret: value.keycloakClientSecret,
    keycloakRealm: value.keycloakRealm,
    ...(value.keycloakAuthServerUrl ? { keycloakAuthServerUrl: value.keycloakAuthServerUrl } : {}),
  };
}
