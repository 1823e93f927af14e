import { Component, computed, inject, output, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { MatStepperModule } from '@angular/material/stepper';
import { controlError, ruleValidator, showApiErrors } from '@agent-controller/console-core';
import {
  EMPTY_WIZARD,
  ProvisionWizardStore,
  SECRET_FIELDS,
  toProvisionRequest,
  type ProvisionWizardValue,
} from '@agent-controller/console-provisioning-data-access';
import type { Location, ProviderType, ProvisioningJob } from '@agent-controller/shared-contracts';
import { API_KEY_MAX_LENGTH, isVisibleAscii, isWeakApiKey } from '@agent-controller/shared-contracts/rules';

const TOKEN_VARIABLES: Record<ProviderType, string> = {
  hetzner: 'HETZNER_API_TOKEN',
  'digital-ocean': 'DIGITALOCEAN_API_TOKEN',
};

/** provider → location → server type (with prices) → client settings → review → start. */
@Component({
  selector: 'ac-provision-wizard',
  providers: [ProvisionWizardStore],
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatRadioModule,
    MatStepperModule,
  ],
  template: `
    <mat-stepper linear orientation="vertical">
      <!-- Text marks: the console loads no icon font. -->
      <ng-template matStepperIcon="edit">✓</ng-template>
      <ng-template matStepperIcon="done">✓</ng-template>
      <mat-step [stepControl]="providerForm" label="Provider">
        <form [formGroup]="providerForm" class="step">
          @if (store.providersLoading()) {
            <mat-progress-bar mode="indeterminate" aria-label="Loading the providers" />
          } @else if (store.providersError(); as error) {
            <p class="error" role="alert">
              Could not load the providers: {{ error }}
              <button mat-button type="button" (click)="store.loadProviders()">Retry</button>
            </p>
          } @else {
            <mat-radio-group formControlName="providerType" aria-label="Cloud provider" class="choices">
              @for (provider of store.providers(); track provider.type) {
                <mat-radio-button [value]="provider.type" [disabled]="!provider.configured">
                  {{ provider.displayName }}{{ provider.configured ? '' : ' (not configured)' }}
                </mat-radio-button>
              }
            </mat-radio-group>
            @if (store.unconfigured().length) {
              <p class="hint">
                To use
                @for (provider of store.unconfigured(); track provider.type; let last = $last) {
                  {{ provider.displayName }} set <code>{{ tokenVariable(provider.type) }}</code
                  >{{ last ? '' : ', ' }}
                }
                in the controller's environment (an API token with read and write access) and restart it.
              </p>
            }
          }
          <div class="actions">
            <button mat-flat-button matStepperNext type="button" [disabled]="providerForm.invalid">Next</button>
          </div>
        </form>
      </mat-step>

      <mat-step [stepControl]="locationForm" label="Location">
        <form [formGroup]="locationForm" class="step">
          @if (store.locationsLoading()) {
            <mat-progress-bar mode="indeterminate" aria-label="Loading the locations" />
          } @else if (store.locationsError(); as error) {
            <p class="error" role="alert">Could not load the locations: {{ error }}</p>
          } @else if (store.locations().length === 0) {
            <p>This provider offers no locations.</p>
          } @else {
            <mat-radio-group formControlName="location" aria-label="Location" class="choices columns">
              @for (location of store.locations(); track location.id) {
                <mat-radio-button [value]="location.id">{{ describeLocation(location) }}</mat-radio-button>
              }
            </mat-radio-group>
          }
          <div class="actions">
            <button mat-button matStepperPrevious type="button">Back</button>
            <button mat-flat-button matStepperNext type="button" [disabled]="locationForm.invalid">Next</button>
          </div>
        </form>
      </mat-step>

      <mat-step [stepControl]="serverForm" label="Server type">
        <form [formGroup]="serverForm" class="step">
          @if (store.serverTypesLoading()) {
            <mat-progress-bar mode="indeterminate" aria-label="Loading the server types" />
          } @else if (store.serverTypesError(); as error) {
            <p class="error" role="alert">Could not load the server types: {{ error }}</p>
          } @else if (store.serverTypes().length === 0) {
            <p>No server type is available in this location. Go back and choose another.</p>
          } @else {
            <mat-radio-group formControlName="serverType" aria-label="Server type" class="choices">
              @for (type of store.serverTypes(); track type.id) {
                <mat-radio-button [value]="type.id">
                  <span class="type-name">{{ type.name }}</span>
                  <span class="type-spec"
                    >{{ type.cores }} cores · {{ type.memoryGb }} GB memory · {{ type.diskGb }} GB disk ·
                    {{ price(type.priceMonthly, type.currency) }}/month ·
                    {{ price(type.priceHourly, type.currency, 4) }}/hour</span
                  >
                </mat-radio-button>
              }
            </mat-radio-group>
          }
          <div class="actions">
            <button mat-button matStepperPrevious type="button">Back</button>
            <button mat-flat-button matStepperNext type="button" [disabled]="serverForm.invalid">Next</button>
          </div>
        </form>
      </mat-step>

      <mat-step [stepControl]="clientForm" label="Client settings">
        <form [formGroup]="clientForm" class="step fields">
          <mat-form-field>
            <mat-label>Client name</mat-label>
            <input matInput formControlName="name" required maxlength="255" />
            @if (error('name'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Description</mat-label>
            <input matInput formControlName="description" />
            @if (error('description'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-button-toggle-group formControlName="authenticationType" aria-label="Authentication">
            <mat-button-toggle value="api_key">API key</mat-button-toggle>
            <mat-button-toggle value="keycloak">Keycloak</mat-button-toggle>
          </mat-button-toggle-group>
          @if (authenticationType() === 'api_key') {
            <mat-form-field>
              <mat-label>API key for the agent-manager</mat-label>
              <input matInput type="password" formControlName="apiKey" autocomplete="off" />
              @if (weakApiKey()) {
                <mat-hint>Shorter than 16 characters: accepted, but flagged as weak</mat-hint>
              } @else {
                <mat-hint>Leave empty to generate one</mat-hint>
              }
              @if (error('apiKey'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
          } @else {
            <mat-form-field>
              <mat-label>Keycloak client id</mat-label>
              <input matInput formControlName="keycloakClientId" required />
              @if (error('keycloakClientId'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
            <mat-form-field>
              <mat-label>Keycloak client secret</mat-label>
              <input matInput type="password" formControlName="keycloakClientSecret" autocomplete="off" required />
              @if (error('keycloakClientSecret'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
            <mat-form-field>
              <mat-label>Realm</mat-label>
              <input matInput formControlName="keycloakRealm" required />
              @if (error('keycloakRealm'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
            <mat-form-field>
              <mat-label>Keycloak URL</mat-label>
              <input matInput formControlName="keycloakAuthServerUrl" placeholder="https://sso.example.com" required />
              @if (error('keycloakAuthServerUrl'); as message) {
                <mat-error>{{ message }}</mat-error>
              }
            </mat-form-field>
          }
          <mat-form-field>
            <mat-label>Agent WebSocket port</mat-label>
            <input matInput type="number" formControlName="agentWsPort" min="1" max="65535" />
            <mat-hint>Optional: the controller's default otherwise</mat-hint>
            @if (error('agentWsPort'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Git repository URL</mat-label>
            <input matInput formControlName="gitRepositoryUrl" placeholder="https://git.example.com/agents.git" />
            @if (error('gitRepositoryUrl'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Git username</mat-label>
            <input matInput formControlName="gitUsername" autocomplete="off" />
            @if (error('gitUsername'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Git token</mat-label>
            <input matInput type="password" formControlName="gitToken" autocomplete="off" />
            @if (error('gitToken'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Git password</mat-label>
            <input matInput type="password" formControlName="gitPassword" autocomplete="off" />
            @if (error('gitPassword'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Git private key</mat-label>
            <textarea
              matInput
              class="masked"
              formControlName="gitPrivateKey"
              rows="3"
              autocomplete="off"
              spellcheck="false"
            ></textarea>
            <mat-hint>Shown masked; paste the whole key</mat-hint>
            @if (error('gitPrivateKey'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Cursor API key</mat-label>
            <input matInput type="password" formControlName="cursorApiKey" autocomplete="off" />
            @if (error('cursorApiKey'); as message) {
              <mat-error>{{ message }}</mat-error>
            }
          </mat-form-field>
          <div class="actions">
            <button mat-button matStepperPrevious type="button">Back</button>
            <button mat-flat-button matStepperNext type="button" [disabled]="clientForm.invalid">Next</button>
          </div>
        </form>
      </mat-step>

      <mat-step label="Review">
        <div class="step">
          <dl class="review">
            @for (row of review(); track row.label) {
              <dt>{{ row.label }}</dt>
              <dd>{{ row.value }}</dd>
            }
          </dl>
          <p class="hint">The server is billed by the provider from the moment it is created.</p>
          @if (store.starting()) {
            <mat-progress-bar mode="indeterminate" aria-label="Starting the job" />
          }
          @if (startError(); as error) {
            <p class="error" role="alert">Could not start: {{ error }}</p>
          }
          <div class="actions">
            <button mat-button matStepperPrevious type="button">Back</button>
            <button mat-flat-button type="button" (click)="start()" [disabled]="store.starting()">
              Start provisioning
            </button>
          </div>
        </div>
      </mat-step>
    </mat-stepper>
  `,
  styles: `
    .step {
      display: flex;
      flex-direction: column;
      gap: 12px;
      padding-top: 8px;
    }
    .fields mat-form-field {
      max-width: 480px;
      width: 100%;
    }
    .choices {
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    .type-name {
      font-weight: 600;
      margin-right: 8px;
    }
    .type-spec {
      font-size: 0.875rem;
    }
    .actions {
      display: flex;
      gap: 8px;
    }
    .hint {
      font-size: 0.875rem;
      max-width: 640px;
    }
    .masked {
      -webkit-text-security: disc;
    }
    .review {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 4px 16px;
      margin: 0;
    }
    .review dt {
      font-weight: 600;
    }
    .review dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    @media (max-width: 600px) {
      .review {
        grid-template-columns: 1fr;
      }
      .review dd {
        margin-bottom: 8px;
      }
    }
  `,
})
export class ProvisionWizard {
  protected readonly store = inject(ProvisionWizardStore);
  private readonly fb = inject(FormBuilder).nonNullable;

  /** The job the wizard started. */
  readonly started = output<ProvisioningJob>();

  /** A refusal of the start the form has no field for (field refusals show beside their fields). */
  protected readonly startError = signal<string | null>(null);

  protected readonly providerForm = this.fb.group({ providerType: ['' as ProviderType | '', Validators.required] });
  protected readonly locationForm = this.fb.group({ location: ['', Validators.required] });
  protected readonly serverForm = this.fb.group({ serverType: ['', Validators.required] });
  /** The rules the API applies to the same fields (libs/shared/contracts), so a refusal shows before sending. */
  protected readonly clientForm = this.fb.group({
    name: ['', [Validators.required, Validators.maxLength(255), ruleValidator((value) => !!value.trim(), 'Required')]],
    description: ['', Validators.maxLength(2000)],
    authenticationType: ['api_key' as 'api_key' | 'keycloak'],
    apiKey: ['', [Validators.maxLength(API_KEY_MAX_LENGTH), ruleValidator(isVisibleAscii, VISIBLE_ASCII_RULE)]],
    keycloakClientId: ['', [Validators.maxLength(255), ruleValidator(isVisibleAscii, VISIBLE_ASCII_RULE)]],
    keycloakClientSecret: ['', [Validators.maxLength(1024), ruleValidator(isVisibleAscii, VISIBLE_ASCII_RULE)]],
    keycloakRealm: ['', Validators.maxLength(255)],
    keycloakAuthServerUrl: ['', [Validators.maxLength(2048), ruleValidator(isHttpUrl, 'An http(s) URL')]],
    agentWsPort: [null as number | null, [Validators.min(1), Validators.max(65535)]],
    gitRepositoryUrl: ['', Validators.maxLength(2048)],
    gitUsername: ['', Validators.maxLength(255)],
    gitToken: ['', Validators.maxLength(16_384)],
    gitPassword: ['', Validators.maxLength(16_384)],
    gitPrivateKey: ['', Validators.maxLength(16_384)],
    cursorApiKey: ['', Validators.maxLength(16_384)],
  });

  protected readonly authenticationType = toSignal(this.clientForm.controls.authenticationType.valueChanges, {
    initialValue: this.clientForm.controls.authenticationType.value,
  });
  private readonly clientValue = toSignal(this.clientForm.valueChanges, { initialValue: this.clientForm.value });
  private readonly providerType = toSignal(this.providerForm.controls.providerType.valueChanges, {
    initialValue: '' as ProviderType | '',
  });
  private readonly location = toSignal(this.locationForm.controls.location.valueChanges, { initialValue: '' });
  private readonly serverType = toSignal(this.serverForm.controls.serverType.valueChanges, { initialValue: '' });
  /** A short key works (the operator chose it): flagged, not refused. */
  protected readonly weakApiKey = computed(() => {
    const apiKey = this.clientValue().apiKey ?? '';
    return apiKey !== '' && isWeakApiKey(apiKey);
  });

  protected readonly review = computed(() => {
    this.clientValue();
    const value = this.value();
    const provider = this.store.providers().find((candidate) => candidate.type === value.providerType);
    const location = this.store.locations().find((candidate) => candidate.id === value.location);
    const type = this.store.serverTypes().find((candidate) => candidate.id === value.serverType);
    const rows: { label: string; value: string }[] = [
      { label: 'Provider', value: provider?.displayName ?? value.providerType },
      { label: 'Location', value: location ? this.describeLocation(location) : value.location },
      {
        label: 'Server type',
        value: type
          ? `${type.name} (${type.cores} cores, ${type.memoryGb} GB, ${type.diskGb} GB disk) — ${this.price(type.priceMonthly, type.currency)}/month`
          : value.serverType,
      },
    ];
    let request: Record<string, unknown> = {};
    try {
      request = toProvisionRequest(value);
    } catch {
      // The provider is not chosen yet.
    }
    const labels: Record<string, string> = {
      name: 'Client name',
      description: 'Description',
      authenticationType: 'Authentication',
      apiKey: 'API key',
      keycloakClientId: 'Keycloak client id',
      keycloakClientSecret: 'Keycloak client secret',
      keycloakRealm: 'Realm',
      keycloakAuthServerUrl: 'Keycloak URL',
      agentWsPort: 'Agent WebSocket port',
      gitRepositoryUrl: 'Git repository URL',
      gitUsername: 'Git username',
      gitToken: 'Git token',
      gitPassword: 'Git password',
      gitPrivateKey: 'Git private key',
      cursorApiKey: 'Cursor API key',
    };
    for (const [key, label] of Object.entries(labels)) {
      const field = request[key];
      if (field === undefined) continue;
      const secret = (SECRET_FIELDS as readonly string[]).includes(key);
      rows.push({ label, value: secret ? '•••••••• (set)' : String(field) });
    }
    if (value.authenticationType === 'api_key' && !request['apiKey'])
      rows.push({ label: 'API key', value: 'generated' });
    return rows;
  });

  constructor() {
    void this.loadProviders();
    this.providerForm.controls.providerType.valueChanges.subscribe((type) => {
      this.locationForm.reset();
      this.serverForm.reset();
      void this.store.chooseProvider(type);
    });
    this.locationForm.controls.location.valueChanges.subscribe((location) => {
      this.serverForm.reset();
      void this.store.chooseLocation(this.providerForm.controls.providerType.value, location);
    });
    // Keycloak needs all four of its fields; api_key needs none.
    this.clientForm.controls.authenticationType.valueChanges.subscribe((type) => {
      const controls = this.clientForm.controls;
      for (const control of [
        controls.keycloakClientId,
        controls.keycloakClientSecret,
        controls.keycloakRealm,
        controls.keycloakAuthServerUrl,
      ]) {
        if (type === 'keycloak') control.addValidators(Validators.required);
        else control.removeValidators(Validators.required);
        control.updateValueAndValidity();
      }
    });
  }

  async loadProviders(): Promise<void> {
    await this.store.loadProviders();
    const only = this.store.onlyConfigured();
    if (only) this.providerForm.controls.providerType.setValue(only);
  }

  protected error(name: keyof typeof this.clientForm.controls): string | null {
    return controlError(this.clientForm.controls[name]);
  }

  protected tokenVariable(type: ProviderType): string {
    return TOKEN_VARIABLES[type];
  }

  protected describeLocation(location: Location): string {
    const name = location.name === location.id ? location.name : `${location.name} (${location.id})`;
    const place = [location.city, location.country].filter(Boolean).join(', ');
    return place ? `${name} · ${place}` : name;
  }

  protected price(amount: number | null, currency: string, digits = 2): string {
    if (amount === null) return 'price unknown';
    try {
      return new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency,
        minimumFractionDigits: 2,
        maximumFractionDigits: digits,
      }).format(amount);
    } catch {
      return `${amount.toFixed(digits)} ${currency}`;
    }
  }

  protected async start(): Promise<void> {
    if (this.store.starting()) return;
    this.startError.set(null);
    try {
      this.started.emit(await this.store.start(toProvisionRequest(this.value())));
    } catch (error) {
      // A refused field (e.g. the name is taken) shows beside it, back on the settings step.
      this.startError.set(showApiErrors(this.clientForm, error) ?? 'Check the client settings: a field was refused.');
    }
  }

  private value(): ProvisionWizardValue {
    // Read through signals so the review updates with every step.
    this.providerType();
    this.location();
    this.serverType();
    return {
      ...EMPTY_WIZARD,
      ...this.providerForm.getRawValue(),
      ...this.locationForm.getRawValue(),
      ...this.serverForm.getRawValue(),
      ...this.clientForm.getRawValue(),
    };
  }
}

const VISIBLE_ASCII_RULE = 'Visible ASCII only: no spaces, control characters or non-ASCII';

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
