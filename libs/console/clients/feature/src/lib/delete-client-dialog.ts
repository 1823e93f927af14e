import { HttpErrorResponse } from '@angular/common/http';
import { Component, computed, inject, OnInit, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { apiErrorMessage } from '@agent-controller/console-core';
import type { Client, ErrorBody, ServerOnDelete } from '@agent-controller/shared-contracts';
import { ClientsApi } from '@agent-controller/console-clients-data-access';

/** The cloud server a client runs on, as far as the dialog needs to name it. */
interface ServerShown {
  providerType: string;
  serverId: string;
  serverName: string;
}

/** The server named in a 409 CLIENT_HAS_SERVER (the check before may have failed, or the server is new). */
function serverInRefusal(error: unknown): ServerShown | null {
  if (!(error instanceof HttpErrorResponse)) return null;
  const body = error.error as Partial<ErrorBody> | null;
  if (body?.code !== 'CLIENT_HAS_SERVER') return null;
  return (body.details?.['server'] as ServerShown | undefined) ?? null;
}

/**
 * Deletes a client. When the client runs on a cloud server made by provisioning, the operator chooses what
 * happens to the server (deleted with it, or kept and listed as an orphan): it is billed while it runs.
 * Closes with true once deleted.
 */
@Component({
  selector: 'ac-delete-client-dialog',
  imports: [MatButtonModule, MatDialogModule, MatProgressBarModule, MatRadioModule],
  template: `
    <h2 mat-dialog-title>Delete {{ client.name }}</h2>
    <mat-dialog-content>
      @if (looking()) {
        <mat-progress-bar mode="indeterminate" aria-label="Looking for the client's cloud server" />
      } @else if (server(); as server) {
        <p>
          "{{ client.name }}" runs on the cloud server <strong>{{ server.serverName }}</strong> ({{
            server.providerType
          }}, id {{ server.serverId }}), which is billed while it runs. What happens to it?
        </p>
        <mat-radio-group
          class="choices"
          aria-label="What happens to the server"
          [value]="choice()"
          (change)="choice.set($event.value)"
        >
          <mat-radio-button value="delete">Delete the server too: it stops running and being billed</mat-radio-button>
          <mat-radio-button value="keep">
            Keep the server running: it is listed under Provisioning → Orphaned servers, and billed until you delete it
          </mat-radio-button>
        </mat-radio-group>
      } @else {
        <p>Delete the client "{{ client.name }}"? This cannot be undone.</p>
      }
      @if (deleting()) {
        <mat-progress-bar mode="indeterminate" aria-label="Deleting" />
      }
      @if (error()) {
        <p class="error" role="alert">{{ error() }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close type="button">Cancel</button>
      <button mat-flat-button type="button" class="danger" [disabled]="!ready()" (click)="remove()">
        {{ confirmLabel() }}
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .choices {
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
  `,
})
export class DeleteClientDialog implements OnInit {
  private readonly api = inject(ClientsApi);
  private readonly dialogRef = inject<MatDialogRef<DeleteClientDialog, boolean>>(MatDialogRef);
  protected readonly client = inject<Client>(MAT_DIALOG_DATA);
  protected readonly looking = signal(true);
  protected readonly deleting = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly server = signal<ServerShown | null>(null);
  protected readonly choice = signal<ServerOnDelete | null>(null);
  protected readonly ready = computed(
    () => !this.looking() && !this.deleting() && (this.server() === null || this.choice() !== null),
  );
  protected readonly confirmLabel = computed(() => {
    if (!this.server()) return 'Delete';
    if (this.choice() === 'delete') return 'Delete client and server';
    if (this.choice() === 'keep') return 'Delete client, keep server';
    return 'Delete';
  });

  async ngOnInit(): Promise<void> {
    try {
      this.server.set(await this.api.provisioningInfo(this.client.id));
    } catch (error) {
      // Not knowing is safe: the controller refuses to delete a client on a server without a choice.
      this.error.set(`Could not check for a cloud server: ${apiErrorMessage(error)}`);
    } finally {
      this.looking.set(false);
    }
  }

  async remove(): Promise<void> {
    if (!this.ready()) return;
    this.deleting.set(true);
    this.error.set(null);
    try {
      await this.api.remove(this.client.id, this.server() ? (this.choice() ?? undefined) : undefined);
      this.dialogRef.close(true);
    } catch (error) {
      const server = serverInRefusal(error);
      if (server) this.server.set(server);
      this.error.set(
        server ? 'This client runs on a cloud server: choose what happens to it.' : apiErrorMessage(error),
      );
    } finally {
      this.deleting.set(false);
    }
  }
}
