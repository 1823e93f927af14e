import { Clipboard } from '@angular/cdk/clipboard';
import { DOCUMENT } from '@angular/common';
import { Component, computed, inject, signal } from '@angular/core';
import { AbstractControl, FormBuilder, ReactiveFormsModule, ValidationErrors, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import { controlError, fieldErrors, problemValidator, showApiErrors } from '@agent-controller/console-core';
import { TimeComponent } from '@agent-controller/console-ui';
import {
  agentctlExample,
  clientIdsProblem,
  expiryDateProblem,
  expiryDateRange,
  selectorProblem,
  TOKEN_ACCESS_HINTS,
  TOKEN_EXPIRY_PRESETS,
  tokenErrorPlacement,
  tokenFormValue,
  TokensStore,
  toTokenRequest,
  type TokenExpiry,
} from '@agent-controller/console-users-data-access';
import type { CreatedApiToken, TokenAccess } from '@agent-controller/shared-contracts';
import { TOKEN_ACCESS_LEVELS } from '@agent-controller/shared-contracts/rules';

type TextField = 'name' | 'expiresIn' | 'expiresOn' | 'selector' | 'clientIds' | 'allowedCidrs' | 'teamIds';

/**
 * Creates a scoped API token: name, access level, lifetime and optional scope (teams, label selector, client ids,
 * addresses); the API's refusals appear under the fields they concern. The token is then shown once, with a copy
 * button and the agentctl lines that use it; the dialog no longer closes by accident (Escape, backdrop).
 */
@Component({
  selector: 'ac-create-token-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatRadioModule,
    MatSelectModule,
    TimeComponent,
  ],
  template: `
    <h2 mat-dialog-title>{{ created() ? 'Token created' : 'Create an API token' }}</h2>
    <mat-dialog-content>
      @if (created(); as token) {
        <p>
          <strong>{{ token.name }}</strong> ({{ token.access }}, expires <ac-time [value]="token.expiresAt" />). Copy it
          now: <strong>you will not see it again</strong>. Only a hash of it is kept; if you lose it, revoke it and
          create another.
        </p>
        <code class="secret token" id="created-token">{{ token.token }}</code>
        <button mat-stroked-button type="button" (click)="copy('token', token.token)">
          {{ copied() === 'token' ? 'Copied' : 'Copy token' }}
        </button>
        <p>Use it from a shell with agentctl (or as <code>Authorization: Bearer</code>):</p>
        <pre class="secret example"><code>{{ example() }}</code></pre>
        <button mat-stroked-button type="button" (click)="copy('example', example())">
          {{ copied() === 'example' ? 'Copied' : 'Copy commands' }}
        </button>
      } @else {
        <form class="dialog-form" [formGroup]="form" id="create-token-form" (ngSubmit)="save()" novalidate>
          <mat-form-field>
            <mat-label>Name</mat-label>
            <input matInput formControlName="name" autocomplete="off" required maxlength="100" />
            <mat-hint>What the token is for, e.g. nightly-report</mat-hint>
            @if (error('name'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <div class="group" role="group" aria-labelledby="token-access-label">
            <span class="group-label" id="token-access-label">Access</span>
            <mat-radio-group formControlName="access" aria-labelledby="token-access-label" class="choices">
              @for (access of accessLevels; track access) {
                <mat-radio-button [value]="access">
                  <span class="choice">{{ access }}</span> — {{ accessHints[access] }}
                </mat-radio-button>
              }
            </mat-radio-group>
            <span class="group-hint">Never more than you may do yourself at the time it is used.</span>
          </div>
          <mat-form-field>
            <mat-label>Expires</mat-label>
            <mat-select
              formControlName="expiresIn"
              (selectionChange)="form.controls.expiresOn.updateValueAndValidity()"
            >
              @for (days of presets; track days) {
                <mat-option [value]="days">In {{ days }} days</mat-option>
              }
              <mat-option value="date">On a date…</mat-option>
            </mat-select>
            @if (error('expiresIn'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          @if (form.controls.expiresIn.value === 'date') {
            <mat-form-field>
              <mat-label>Expiry date</mat-label>
              <input matInput type="date" formControlName="expiresOn" [min]="range.min" [max]="range.max" required />
              <mat-hint>Works until the end of that day</mat-hint>
              @if (error('expiresOn'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
          }
          <h3 class="scope-heading">Scope (optional)</h3>
          <p class="group-hint">Without any, the token reaches every client you reach. Each one given narrows it.</p>
          @if (store.teams().length > 0) {
            <mat-form-field>
              <mat-label>Teams</mat-label>
              <mat-select formControlName="teamIds" multiple>
                @for (team of store.teams(); track team.id) {
                  <mat-option [value]="team.id">{{ team.name }}</mat-option>
                }
              </mat-select>
              <mat-hint>Only clients in these teams</mat-hint>
              @if (error('teamIds'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
          }
          <mat-form-field>
            <mat-label>Label selector</mat-label>
            <input matInput formControlName="selector" autocomplete="off" placeholder="env=prod,tier in (gold)" />
            <mat-hint>Only clients whose labels match</mat-hint>
            @if (error('selector'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Client ids</mat-label>
            <input matInput formControlName="clientIds" autocomplete="off" />
            <mat-hint>Only these clients; comma separated</mat-hint>
            @if (error('clientIds'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Allowed addresses</mat-label>
            <input matInput formControlName="allowedCidrs" autocomplete="off" placeholder="10.0.0.0/8, 2001:db8::/32" />
            <mat-hint>Only from these IP addresses or CIDR blocks; comma separated</mat-hint>
            @if (error('allowedCidrs'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
        </form>
        @if (saving()) {
          <mat-progress-bar mode="indeterminate" aria-label="Creating the token" />
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
        <button mat-flat-button type="submit" form="create-token-form" [disabled]="saving()">Create token</button>
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
    .group {
      display: flex;
      flex-direction: column;
      gap: 4px;
      margin-bottom: 8px;
    }
    .group-label {
      font-size: 0.875rem;
      color: var(--mat-sys-on-surface-variant);
    }
    .group-hint {
      font-size: 0.8125rem;
      color: var(--mat-sys-on-surface-variant);
      margin: 0;
    }
    .choices {
      display: flex;
      flex-direction: column;
    }
    .choice {
      font-weight: 600;
    }
    .scope-heading {
      margin: 8px 0 0;
      font-size: 1rem;
    }
  `,
})
export class CreateTokenDialog {
  protected readonly store = inject(TokensStore);
  private readonly dialogRef = inject<MatDialogRef<CreateTokenDialog, CreatedApiToken>>(MatDialogRef);
  private readonly clipboard = inject(Clipboard);
  private readonly origin = inject(DOCUMENT).location.origin;
  protected readonly accessLevels = TOKEN_ACCESS_LEVELS;
  protected readonly accessHints = TOKEN_ACCESS_HINTS;
  protected readonly presets = TOKEN_EXPIRY_PRESETS;
  protected readonly range = expiryDateRange();
  protected readonly saving = signal(false);
  protected readonly failure = signal<string | null>(null);
  protected readonly created = signal<CreatedApiToken | null>(null);
  protected readonly copied = signal<'token' | 'example' | null>(null);
  protected readonly example = computed(() => agentctlExample(this.origin, this.created()?.token ?? ''));
  private readonly initial = tokenFormValue();
  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: [this.initial.name, [Validators.required, Validators.maxLength(100)]],
    access: [this.initial.access as TokenAccess],
    expiresIn: [this.initial.expiresIn as TokenExpiry],
    expiresOn: [this.initial.expiresOn, [(control: AbstractControl) => this.expiryDateErrors(control)]],
    teamIds: [this.initial.teamIds],
    selector: [this.initial.selector, [problemValidator(selectorProblem)]],
    clientIds: [this.initial.clientIds, [problemValidator(clientIdsProblem)]],
    allowedCidrs: [this.initial.allowedCidrs],
  });

  protected error(name: TextField): string | null {
    return controlError(this.form.controls[name]);
  }

  async save(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.saving()) return;
    this.saving.set(true);
    this.failure.set(null);
    const value = this.form.getRawValue();
    try {
      this.created.set(await this.store.createToken(toTokenRequest(value)));
      // The token is on screen only now: a stray Escape or click beside the dialog must not lose it.
      this.dialogRef.disableClose = true;
    } catch (error) {
      const { aliases, messages } = tokenErrorPlacement(fieldErrors(error), value);
      this.failure.set(showApiErrors(this.form, error, aliases));
      // A list's refusals name the entries they concern ("10.0.0.0/33: must be …"), once per field.
      for (const [control, message] of Object.entries(messages)) {
        this.form.get(control)?.setErrors({ api: message });
      }
    } finally {
      this.saving.set(false);
    }
  }

  protected copy(what: 'token' | 'example', text: string): void {
    this.copied.set(this.clipboard.copy(text) ? what : null);
  }

  protected done(): void {
    this.dialogRef.close(this.created() ?? undefined);
  }

  /** The date is needed (and checked) only when "On a date…" is chosen. */
  private expiryDateErrors(control: AbstractControl): ValidationErrors | null {
    if (control.parent?.get('expiresIn')?.value !== 'date') return null;
    if (!control.value) return { required: true };
    const problem = expiryDateProblem(control.value);
    return problem ? { rule: problem } : null;
  }
}
