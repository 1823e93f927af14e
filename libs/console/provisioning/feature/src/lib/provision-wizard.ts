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
import { apiErrorMessage } from '@agent-controller/console-core';
import {
  EMPTY_WIZARD,
  ProvisioningApi,
  SECRET_FIELDS,
  toProvisionRequest,
  type ProvisionWizardValue,
} from '@agent-controller/console-provisioning-data-access';
import type { Location, Provider, ProviderType, ProvisioningJob, ServerType } from '@agent-controller/shared-contracts';

const TOKEN_VARIABLES: Record<ProviderType, string> = {
  hetzner: 'HETZNER_API_TOKEN',
  'digital-ocean': 'DIGITALOCEAN_API_TOKEN',
};

/** provider → location → server type (with prices) → client settings → review → start. */
@Component({
  selector: 'ac-provision-wizard',
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
          @if (providersLoading()) {
            <mat-progress-bar mode="indeterminate" aria-label="Loading the providers" />
          } @else if (providersError(); as error) {
            <p class="error" role="alert">
              Could not load the providers: {{ error }}
              <button mat-button type="button" (click)="loadProviders()">Retry</button>
            </p>
          } @else {
            <mat-radio-group formControlName="providerType" aria-label="Cloud provider" class="choices">
              @for (provider of providers(); track provider.type) {
                <mat-radio-button [value]="provider.type" [disabled]="!provider.configured">
                  {{ provider.displayName }}{{ provider.configured ? '' : ' (not configured)' }}
                </mat-radio-button>
              }
            </mat-radio-group>
            @if (unconfigured().length) {
              <p class="hint">
                To use
                @for (provider of unconfigured(); track provider.type; let last = $last) {
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
          @if (locationsLoading()) {
            <mat-progress-bar mode="indeterminate" aria-label="Loading the locations" />
          } @else if (locationsError(); as error) {
            <p class="error" role="alert">Could not load the locations: {{ error }}</p>
          } @else if (locations().length === 0) {
            <p>This provider offers no locations.</p>
          } @else {
            <mat-radio-group formControlName="location" aria-label="Location" class="choices columns">
              @for (location of locations(); track location.id) {
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
          @if (serverTypesLoading()) {
            <mat-progress-bar mode="indeterminate" aria-label="Loading the server types" />
          } @else if (serverTypesError(); as error) {
            <p class="error" role="alert">Could not load the server types: {{ error }}</p>
          } @else if (serverTypes().length === 0) {
            <p>No server type is available in this location. Go back and choose another.</p>
          } @else {
            <mat-radio-group formControlName="serverType" aria-label="Server type" class="choices">
              @for (type of serverTypes(); track type.id) {
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
          </mat-form-field>
          <mat-form-field>
            <mat-label>Description</mat-label>
            <input matInput formControlName="description" />
          </mat-form-field>
          <mat-button-toggle-group formControlName="authenticationType" aria-label="Authentication">
            <mat-button-toggle value="api_key">API key</mat-button-toggle>
            <mat-button-toggle value="keycloak">Keycloak</mat-button-toggle>
          </mat-button-toggle-group>
          @if (authenticationType() === 'api_key') {
            <mat-form-field>
              <mat-label>API key for the agent-manager</mat-label>
              <input matInput type="password" formControlName="apiKey" autocomplete="off" />
              <mat-hint>Leave empty to generate one</mat-hint>
            </mat-form-field>
          } @else {
            <mat-form-field>
              <mat-label>Keycloak client id</mat-label>
              <input matInput formControlName="keycloakClientId" required />
            </mat-form-field>
            <mat-form-field>
              <mat-label>Keycloak client secret</mat-label>
              <input matInput type="password" formControlName="keycloakClientSecret" autocomplete="off" required />
            </mat-form-field>
            <mat-form-field>
              <mat-label>Realm</mat-label>
              <input matInput formControlName="keycloakRealm" required />
            </mat-form-field>
            <mat-form-field>
              <mat-label>Keycloak URL</mat-label>
              <input matInput formControlName="keycloakAuthServerUrl" placeholder="https://sso.example.com" required />
            </mat-form-field>
          }
          <mat-form-field>
            <mat-label>Agent WebSocket port</mat-label>
            <input matInput type="number" formControlName="agentWsPort" min="1" max="65535" />
            <mat-hint>Optional: the controller's default otherwise</mat-hint>
          </mat-form-field>
          <mat-form-field>
            <mat-label>Git repository URL</mat-label>
            <input matInput formControlName="gitRepositoryUrl" placeholder="https://git.example.com/agents.git" />
          </mat-form-field>
          <mat-form-field>
            <mat-label>Git username</mat-label>
            <input matInput formControlName="gitUsername" autocomplete="off" />
          </mat-form-field>
          <mat-form-field>
            <mat-label>Git token</mat-label>
            <input matInput type="password" formControlName="gitToken" autocomplete="off" />
          </mat-form-field>
          <mat-form-field>
            <mat-label>Git password</mat-label>
            <input matInput type="password" formControlName="gitPassword" autocomplete="off" />
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
          </mat-form-field>
          <mat-form-field>
            <mat-label>Cursor API key</mat-label>
            <input matInput type="password" formControlName="cursorApiKey" autocomplete="off" />
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
          @if (starting()) {
            <mat-progress-bar mode="indeterminate" aria-label="Starting the job" />
          }
          @if (startError(); as error) {
            <p class="error" role="alert">Could not start: {{ error }}</p>
          }
          <div class="actions">
            <button mat-button matStepperPrevious type="button">Back</button>
            <button mat-flat-button type="button" (click)="start()" [disabled]="starting()">Start provisioning</button>
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
  private readonly api = inject(ProvisioningApi);
  private readonly fb = inject(FormBuilder).nonNullable;

  /** The job the wizard started. */
  readonly started = output<ProvisioningJob>();

  protected readonly providers = signal<Provider[]>([]);
  protected readonly providersLoading = signal(false);
  protected readonly providersError = signal<string | null>(null);
  protected readonly unconfigured = computed(() => this.providers().filter((provider) => !provider.configured));
  protected readonly locations = signal<Location[]>([]);
  protected readonly locationsLoading = signal(false);
  protected readonly locationsError = signal<string | null>(null);
  protected readonly serverTypes = signal<ServerType[]>([]);
  protected readonly serverTypesLoading = signal(false);
  protected readonly serverTypesError = signal<string | null>(null);
  protected readonly starting = signal(false);
  protected readonly startError = signal<string | null>(null);

  protected readonly providerForm = this.fb.group({ providerType: ['' as ProviderType | '', Validators.required] });
  protected readonly locationForm = this.fb.group({ location: ['', Validators.required] });
  protected readonly serverForm = this.fb.group({ serverType: ['', Validators.required] });
  protected readonly clientForm = this.fb.group({
    name: ['', [Validators.required, Validators.maxLength(255)]],
    description: [''],
    authenticationType: ['api_key' as 'api_key' | 'keycloak'],
    apiKey: [''],
    keycloakClientId: [''],
    keycloakClientSecret: [''],
    keycloakRealm: [''],
    keycloakAuthServerUrl: [''],
    agentWsPort: [null as number | null, [Validators.min(1), Validators.max(65535)]],
    gitRepositoryUrl: [''],
    gitUsername: [''],
    gitToken: [''],
    gitPassword: [''],
    gitPrivateKey: [''],
    cursorApiKey: [''],
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

  protected readonly review = computed(() => {
    this.clientValue();
    const value = this.value();
    const provider = this.providers().find((candidate) => candidate.type === value.providerType);
    const location = this.locations().find((candidate) => candidate.id === value.location);
    const type = this.serverTypes().find((candidate) => candidate.id === value.serverType);
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
      this.serverTypes.set([]);
      if (type) void this.loadLocations(type);
    });
    this.locationForm.controls.location.valueChanges.subscribe((location) => {
      this.serverForm.reset();
      const type = this.providerForm.controls.providerType.value;
      if (type && location) void this.loadServerTypes(type, location);
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
        control.setValidators(type === 'keycloak' ? Validators.required : null);
        control.updateValueAndValidity();
      }
    });
  }

  async loadProviders(): Promise<void> {
    this.providersLoading.set(true);
    this.providersError.set(null);
    try {
      const providers = await this.api.providers();
      this.providers.set(providers);
      const configured = providers.filter((provider) => provider.configured);
      if (configured.length === 1) this.providerForm.controls.providerType.setValue(configured[0].type);
    } catch (error) {
      this.providersError.set(apiErrorMessage(error));
    } finally {
      this.providersLoading.set(false);
    }
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
    if (this.starting()) return;
    this.starting.set(true);
    this.startError.set(null);
    try {
      this.started.emit(await this.api.provision(toProvisionRequest(this.value())));
    } catch (error) {
      this.startError.set(apiErrorMessage(error));
    } finally {
      this.starting.set(false);
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

  private async loadLocations(type: ProviderType): Promise<void> {
    this.locationsLoading.set(true);
    this.locationsError.set(null);
    this.locations.set([]);
    try {
      const locations = await this.api.locations(type);
      if (this.providerForm.controls.providerType.value === type) this.locations.set(locations);
    } catch (error) {
      this.locationsError.set(apiErrorMessage(error));
    } finally {
      this.locationsLoading.set(false);
    }
  }

  private async loadServerTypes(type: ProviderType, location: string): Promise<void> {
    this.serverTypesLoading.set(true);
    this.serverTypesError.set(null);
    this.serverTypes.set([]);
    try {
      const types = await this.api.serverTypes(type, location);
      if (this.locationForm.controls.location.value !== location) return;
      // Only what can be created here.
      this.serverTypes.set(
        types.filter((candidate) => !candidate.locations.length || candidate.locations.includes(location)),
      );
    } catch (error) {
      this.serverTypesError.set(apiErrorMessage(error));
    } finally {
      this.serverTypesLoading.set(false);
    }
  }
}
