import { Clipboard } from '@angular/cdk/clipboard';
import { Component, computed, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { apiErrorMessage } from '@agent-controller/console-core';
import type { Client, ClientWithSecret } from '@agent-controller/shared-contracts';
import {
  changesConnection,
  clientFormValue,
  ClientsApi,
  toCreateRequest,
  toUpdateRequest,
} from '@agent-controller/console-clients-data-access';

/**
 * Adds a client, or edits one (dialog data: the client): endpoint, the matching auth fields, agent WebSocket
 * port. After saving it shows what the connection check found and, for a new client, the API key once.
 * Closes with the saved client.
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
          </mat-form-field>
          <mat-form-field>
            <mat-label>Description</mat-label>
            <textarea matInput formControlName="description" rows="2"></textarea>
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
              <mat-hint>{{ secretHint() }}</mat-hint>
            </mat-form-field>
          } @else {
            <mat-form-field>
              <mat-label>Keycloak client id</mat-label>
              <input matInput formControlName="keycloakClientId" />
            </mat-form-field>
            <mat-form-field>
              <mat-label>Keycloak client secret</mat-label>
              <input matInput type="password" formControlName="keycloakClientSecret" autocomplete="off" />
              @if (editing) {
                <mat-hint>Leave empty to keep the current secret</mat-hint>
              }
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
  private readonly clipboard = inject(Clipboard);
  private readonly dialogRef = inject<MatDialogRef<ClientFormDialog, Client>>(MatDialogRef);
  /** The client being edited; none when adding one. */
  private readonly client = inject<Client | null>(MAT_DIALOG_DATA, { optional: true });
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
  protected readonly form = inject(FormBuilder).nonNullable.group({
    ...clientFormValue(this.client ?? undefined),
    name: [this.client?.name ?? '', Validators.required],
    endpoint: [this.client?.endpoint ?? '', Validators.required],
    agentWsPort: [this.client?.agentWsPort ?? 8080, [Validators.required, Validators.min(1), Validators.max(65535)]],
  });

  protected secretHint(): string {
    if (!this.editing) return 'Leave empty to generate one';
    return this.client?.authenticationType === 'api_key'
      ? 'Leave empty to keep the current key'
      : 'Required when switching to API-key authentication';
  }

  async save(): Promise<void> {
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
      this.error.set(apiErrorMessage(error));
    } finally {
      this.saving.set(false);
    }
  }

  protected copy(secret: string): void {
    this.copied.set(this.clipboard.copy(secret));
  }
}
