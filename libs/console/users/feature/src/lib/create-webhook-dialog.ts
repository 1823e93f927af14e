import { Clipboard } from '@angular/cdk/clipboard';
import { Component, computed, inject, signal } from '@angular/core';
import { AbstractControl, FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import {
  controlError,
  problemValidator,
  SessionStore,
  fieldErrors,
  showApiErrors,
} from '@agent-controller/console-core';
import {
  toWebhookRequest,
  toWebhookUpdate,
  WEBHOOK_EVENT_CHOICES,
  WEBHOOK_FORMAT_CHOICES,
  WEBHOOK_SECRET_MAX_LENGTH,
  webhookErrorAliases,
  webhookFormValue,
  webhookLabel,
  WebhooksStore,
  webhookSecretProblem,
  webhookSelectorProblem,
  webhookUrlProblem,
} from '@agent-controller/console-users-data-access';
import type { CreatedWebhook, Webhook, WebhookEvent, WebhookFormat } from '@agent-controller/shared-contracts';

type Field = 'name' | 'url' | 'events' | 'teamId' | 'selector' | 'format' | 'secret';

/**
 * Creates a webhook: URL, events, optional team and label selector, format and an optional signing secret; the
 * API's refusals appear under the fields they concern. The secret is then shown once, with a copy button; the
 * dialog no longer closes by accident (Escape, backdrop). Given a webhook (dialog data), edits it instead: only
 * what changed is sent, an empty secret keeps the current one, and it closes with the saved webhook.
 */
@Component({
  selector: 'ac-create-webhook-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
  ],
  template: `
    <h2 mat-dialog-title>{{ title() }}</h2>
    <mat-dialog-content>
      @if (created(); as webhook) {
        <p>
          <strong>{{ label(webhook) }}</strong> is enabled. Its signing secret is below. Copy it now:
          <strong>you will not see it again</strong>. Your receiver checks <code>X-Webhook-Signature</code> with it.
        </p>
        <code class="secret" id="created-secret">{{ webhook.secret }}</code>
        <button mat-stroked-button type="button" (click)="copy(webhook.secret)">
          {{ copied() ? 'Copied' : 'Copy secret' }}
        </button>
      } @else {
        <form class="dialog-form" [formGroup]="form" id="create-webhook-form" (ngSubmit)="save()" novalidate>
          <mat-form-field>
            <mat-label>URL</mat-label>
            <input
              matInput
              formControlName="url"
              type="url"
              autocomplete="off"
              required
              maxlength="2048"
              placeholder="https://hooks.example.com/agent-controller"
            />
            <mat-hint>Events are POSTed here</mat-hint>
            @if (error('url'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Events</mat-label>
            <mat-select formControlName="events" multiple required>
              @for (choice of eventChoices; track choice.event) {
                <mat-option [value]="choice.event">{{ choice.label }} ({{ choice.event }})</mat-option>
              }
            </mat-select>
            <mat-hint>What the URL is told about</mat-hint>
            @if (error('events'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Name</mat-label>
            <input matInput formControlName="name" autocomplete="off" maxlength="100" />
            <mat-hint>Optional, e.g. ops Slack</mat-hint>
            @if (error('name'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Format</mat-label>
            <mat-select formControlName="format">
              @for (choice of formatChoices; track choice.format) {
                <mat-option [value]="choice.format">{{ choice.label }}</mat-option>
              }
            </mat-select>
            @if (error('format'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <h3 class="scope-heading">Scope (optional)</h3>
          <p class="group-hint">Without any, every client's events are sent. Each one given narrows them.</p>
          @if (teamChoices().length > 0 || teamRequired()) {
            <mat-form-field>
              <mat-label>Team</mat-label>
              <mat-select formControlName="teamId" [required]="teamRequired()">
                @if (!teamRequired()) {
                  <mat-option value="">No team</mat-option>
                }
                @for (team of teamChoices(); track team.id) {
                  <mat-option [value]="team.id">{{ team.name }}</mat-option>
                }
              </mat-select>
              <mat-hint>{{
                teamRequired() ? 'A team you administer (required)' : "Only events of this team's clients"
              }}</mat-hint>
              @if (error('teamId'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
          }
          <mat-form-field>
            <mat-label>Label selector</mat-label>
            <input matInput formControlName="selector" autocomplete="off" placeholder="env=prod,tier in (gold)" />
            <mat-hint>Only events of clients whose labels match</mat-hint>
            @if (error('selector'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Signing secret</mat-label>
            <input
              matInput
              formControlName="secret"
              type="password"
              autocomplete="new-password"
              [maxlength]="secretMax"
            />
            <mat-hint>{{
              editing
                ? 'Leave empty to keep the current secret'
                : 'Optional, 16–256 characters; generated when left empty'
            }}</mat-hint>
            @if (error('secret'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
        </form>
        @if (saving()) {
          <mat-progress-bar mode="indeterminate" aria-label="Saving the webhook" />
        }
        @if (failure(); as message) {
          <p class="error" role="alert">{{ message }}</p>
        }
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      @if (created()) {
        <button mat-flat-button type="button" (click)="done()">Done</button>
      } @else {
        <button mat-button mat-dialog-close type="button">Cancel</button>
        <button mat-flat-button type="submit" form="create-webhook-form" [disabled]="saving()">
          {{ editing ? 'Save' : 'Create webhook' }}
        </button>
      }
    </mat-dialog-actions>
  `,
  styles: `
    .secret {
      display: block;
      word-break: break-all;
      white-space: pre-wrap;
      padding: 8px;
      margin: 8px 0;
      background: var(--mat-sys-surface-variant);
      color: var(--mat-sys-on-surface-variant);
    }
    .group-hint {
      font-size: 0.8125rem;
      color: var(--mat-sys-on-surface-variant);
      margin: 0 0 8px;
    }
    .scope-heading {
      margin: 8px 0 0;
      font-size: 1rem;
    }
  `,
})
export class CreateWebhookDialog {
  protected readonly store = inject(WebhooksStore);
  private readonly session = inject(SessionStore);
  private readonly dialogRef = inject<MatDialogRef<CreateWebhookDialog, CreatedWebhook | Webhook>>(MatDialogRef);
  /** The webhook being edited; none when creating one. */
  // The list opens it with `data: undefined` to create: anything but a webhook means creating.
  private readonly webhook = inject<Webhook | null | undefined>(MAT_DIALOG_DATA, { optional: true }) ?? null;
  protected readonly editing = this.webhook !== null;
  private readonly clipboard = inject(Clipboard);
  protected readonly eventChoices = WEBHOOK_EVENT_CHOICES;
  protected readonly formatChoices = WEBHOOK_FORMAT_CHOICES;
  protected readonly secretMax = WEBHOOK_SECRET_MAX_LENGTH;
  protected readonly label = webhookLabel;
  /** A team admin (not a global admin) must scope a webhook to a team they administer. */
  protected readonly teamRequired = computed(() => !this.session.isGlobalAdmin());
  protected readonly teamChoices = computed(() =>
    this.teamRequired() ? this.store.teams().filter((team) => team.myRole === 'admin') : this.store.teams(),
  );
  protected readonly saving = signal(false);
  protected readonly failure = signal<string | null>(null);
  protected readonly created = signal<CreatedWebhook | null>(null);
  protected readonly copied = signal(false);
  protected readonly title = computed(() => {
    if (this.created()) return 'Webhook created';
    return this.webhook ? `Edit ${webhookLabel(this.webhook)}` : 'Create a webhook';
  });
  private readonly initial = webhookFormValue(this.webhook ?? undefined);
  protected readonly form = inject(FormBuilder).nonNullable.group({
    url: [this.initial.url, [Validators.required, problemValidator(webhookUrlProblem)]],
    events: [this.initial.events as WebhookEvent[], [Validators.required]],
    // A name can be changed, not removed (the API keeps it): one that had a name needs one.
    name: [this.initial.name, [Validators.maxLength(100), ...(this.webhook?.name ? [Validators.required] : [])]],
    format: [this.initial.format as WebhookFormat],
    teamId: [
      this.initial.teamId,
      [(control: AbstractControl) => (this.teamRequired() && !control.value ? { required: true } : null)],
    ],
    selector: [this.initial.selector, [problemValidator(webhookSelectorProblem)]],
    secret: [this.initial.secret, [problemValidator(webhookSecretProblem)]],
  });

  protected error(name: Field): string | null {
    return controlError(this.form.controls[name]);
  }

  async save(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.saving()) return;
    this.saving.set(true);
    this.failure.set(null);
    try {
      if (this.webhook) {
        const changes = toWebhookUpdate(this.webhook, this.form.getRawValue());
        this.dialogRef.close(changes ? await this.store.updateWebhook(this.webhook, changes) : this.webhook);
        return;
      }
      this.created.set(await this.store.createWebhook(toWebhookRequest(this.form.getRawValue())));
      // The secret is on screen only now: a stray Escape or click beside the dialog must not lose it.
      this.dialogRef.disableClose = true;
    } catch (error) {
      this.failure.set(showApiErrors(this.form, error, webhookErrorAliases(fieldErrors(error))));
    } finally {
      this.saving.set(false);
    }
  }

  protected copy(text: string): void {
    this.copied.set(this.clipboard.copy(text));
  }

  protected done(): void {
    this.dialogRef.close(this.created() ?? undefined);
  }
}
