import { Component, computed, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { DeploymentConfigurationRequest, DeploymentsStore } from '@agent-controller/console-agents-data-access';
import { confirmAction } from '@agent-controller/console-ui';

const PROVIDERS = [
  { value: 'github', label: 'GitHub' },
  { value: 'gitlab', label: 'GitLab' },
];

/**
 * Creates, updates or deletes the deployment configuration (management rights). The provider token is
 * write-only: the remote never returns it, so it is asked for again on every save and the field is masked.
 */
@Component({
  selector: 'ac-deployment-configuration-panel',
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, ReactiveFormsModule],
  template: `
    @if (!editing()) {
      <div class="actions">
        <button mat-stroked-button type="button" [disabled]="busy() !== null" (click)="open()">
          {{ store.configured() ? 'Edit configuration' : 'Configure deployments' }}
        </button>
        @if (store.configured()) {
          <button mat-button class="danger" type="button" [disabled]="busy() !== null" (click)="remove()">
            Delete configuration
          </button>
        }
      </div>
    } @else {
      <section aria-labelledby="configuration-title">
        <h3 id="configuration-title">Deployment configuration</h3>
        <form [formGroup]="form" (ngSubmit)="save()">
          @if (!store.configured()) {
            <mat-form-field appearance="outline">
              <mat-label>Provider</mat-label>
              <mat-select formControlName="providerType">
                @for (provider of providers; track provider.value) {
                  <mat-option [value]="provider.value">{{ provider.label }}</mat-option>
                }
              </mat-select>
            </mat-form-field>
          }
          <mat-form-field appearance="outline">
            <mat-label>Repository</mat-label>
            <input matInput formControlName="repositoryId" autocomplete="off" spellcheck="false" />
            <mat-hint>owner/name or the provider's id</mat-hint>
            @if (form.controls.repositoryId.invalid) {
              <mat-error>Required</mat-error>
            }
          </mat-form-field>
          <mat-form-field appearance="outline">
            <mat-label>Default branch</mat-label>
            <input matInput formControlName="defaultBranch" autocomplete="off" spellcheck="false" />
          </mat-form-field>
          <mat-form-field appearance="outline">
            <mat-label>Workflow</mat-label>
            <input matInput formControlName="workflowId" autocomplete="off" spellcheck="false" />
          </mat-form-field>
          <mat-form-field appearance="outline">
            <mat-label>Provider base URL</mat-label>
            <input matInput formControlName="providerBaseUrl" type="url" autocomplete="off" spellcheck="false" />
            <mat-hint>Only for a self-hosted GitLab or GitHub Enterprise</mat-hint>
            @if (form.controls.providerBaseUrl.invalid) {
              <mat-error>An http(s) URL</mat-error>
            }
          </mat-form-field>
          <mat-form-field appearance="outline">
            <mat-label>Provider token</mat-label>
            <input matInput formControlName="providerToken" type="password" autocomplete="off" />
            <mat-hint>{{
              store.configured() ? 'Enter the token again to save' : 'Stored on the agent-manager'
            }}</mat-hint>
            @if (form.controls.providerToken.invalid) {
              <mat-error>Required</mat-error>
            }
          </mat-form-field>
          <div class="actions">
            <button mat-button type="button" (click)="editing.set(false)">Cancel</button>
            <button mat-flat-button type="submit" [disabled]="busy() !== null">
              {{ busy() === 'configuration' ? 'Saving…' : 'Save configuration' }}
            </button>
          </div>
        </form>
      </section>
    }
  `,
  styles: `
    h3 {
      font-size: 1rem;
      margin: 16px 0 8px;
    }
    form {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(min(240px, 100%), 1fr));
      gap: 8px 16px;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
      grid-column: 1 / -1;
      margin: 8px 0;
    }
    .danger {
      color: var(--mat-sys-error);
    }
  `,
})
export class DeploymentConfigurationPanel {
  protected readonly store = inject(DeploymentsStore);
  private readonly dialog = inject(MatDialog);
  protected readonly busy = this.store.actions.busy;
  protected readonly providers = PROVIDERS;
  protected readonly editing = signal(false);
  private readonly repository = computed(() => this.store.configuration.value()?.repositoryId ?? '');
  protected readonly form = new FormGroup({
    providerType: new FormControl('github', { nonNullable: true, validators: [Validators.required] }),
    repositoryId: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(500)],
    }),
    defaultBranch: new FormControl('', { nonNullable: true, validators: [Validators.maxLength(255)] }),
    workflowId: new FormControl('', { nonNullable: true, validators: [Validators.maxLength(255)] }),
    providerBaseUrl: new FormControl('', { nonNullable: true, validators: [Validators.pattern(/^https?:\/\/\S+$/)] }),
    providerToken: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(4096)],
    }),
  });

  /** Starts from what is stored; the token field always starts empty. */
  protected open(): void {
    const current = this.store.configuration.value();
    this.form.reset({
      providerType: current?.providerType ?? 'github',
      repositoryId: current?.repositoryId ?? '',
      defaultBranch: current?.defaultBranch ?? '',
      workflowId: current?.workflowId ?? '',
      providerBaseUrl: current?.providerBaseUrl ?? '',
      providerToken: '',
    });
    this.editing.set(true);
  }

  protected async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const body: DeploymentConfigurationRequest = {
      providerType: value.providerType,
      repositoryId: value.repositoryId.trim(),
      providerToken: value.providerToken,
      ...(value.defaultBranch.trim() ? { defaultBranch: value.defaultBranch.trim() } : {}),
      ...(value.workflowId.trim() ? { workflowId: value.workflowId.trim() } : {}),
      ...(value.providerBaseUrl.trim() ? { providerBaseUrl: value.providerBaseUrl.trim() } : {}),
    };
    if (await this.store.saveConfiguration(body)) this.editing.set(false);
  }

  protected remove(): void {
    const repository = this.repository();
    confirmAction(this.dialog, {
      title: `Delete the deployment configuration of ${repository}?`,
      message: `The link to ${repository} and its stored provider token are removed from the agent; its run history on this agent goes with it. Runs at the provider are not affected.`,
      confirm: 'Delete configuration',
    }).subscribe((confirmed) => {
      if (confirmed) void this.store.deleteConfiguration();
    });
  }
}
