import { Component, computed, ElementRef, inject, OnInit, signal, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { apiErrorMessage } from '@agent-controller/console-core';
import type { BulkClientResponse } from '@agent-controller/shared-contracts';
import { ClientsApi } from '@agent-controller/console-clients-data-access';

export type BulkAction = 'activate' | 'deactivate' | 'delete';

export interface BulkData {
  action: BulkAction;
  clients: { id: string; name: string }[];
}

const VERBS: Record<BulkAction, string> = { activate: 'Activate', deactivate: 'Deactivate', delete: 'Delete' };

/** Asks the controller what a bulk action would do (dry run), shows it per client, then runs it. */
@Component({
  selector: 'ac-bulk-dialog',
  imports: [MatButtonModule, MatDialogModule, MatProgressBarModule],
  template: `
    <h2 mat-dialog-title>{{ verb }} {{ data.clients.length }} client{{ data.clients.length === 1 ? '' : 's' }}</h2>
    <mat-dialog-content>
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
              @if (result.message && result.result !== 'ok') {
                — {{ result.message }}
              }
            </li>
          }
        </ul>
      }
    </mat-dialog-content>
    <!-- One dismiss button in every state: replacing the focused button would drop focus to the page behind. -->
    <mat-dialog-actions align="end">
      <button #dismiss mat-button type="button" [mat-dialog-close]="done()">{{ done() ? 'Close' : 'Cancel' }}</button>
      @if (!done()) {
        <button
          mat-flat-button
          type="button"
          [class.danger]="data.action === 'delete'"
          (click)="run()"
          [disabled]="loading() || !runnable()"
        >
          {{ verb }}
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
  `,
})
export class BulkDialog implements OnInit {
  protected readonly data = inject<BulkData>(MAT_DIALOG_DATA);
  private readonly api = inject(ClientsApi);
  protected readonly verb = VERBS[this.data.action];
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly response = signal<BulkClientResponse | null>(null);
  protected readonly runnable = signal(false);
  private readonly dismiss = viewChild.required('dismiss', { read: ElementRef<HTMLButtonElement> });
  /** The action itself has run (not only its preview). */
  protected readonly done = computed(() => this.response()?.dryRun === false);

  ngOnInit(): Promise<void> {
    return this.call(true);
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
    const done = { activate: 'activated', deactivate: 'deactivated', delete: 'deleted' }[this.data.action];
    return dryRun ? `would be ${done}` : done;
  }

  private async call(dryRun: boolean): Promise<void> {
    this.loading.set(true);
    this.error.set(null);
    try {
      const response = await this.api.bulk({
        action: this.data.action,
        ids: this.data.clients.map((client) => client.id),
        dryRun,
      });
      this.response.set(response);
      this.runnable.set(response.results.some((result) => result.result === 'ok'));
    } catch (error) {
      this.error.set(apiErrorMessage(error));
    } finally {
      this.loading.set(false);
    }
  }
}
