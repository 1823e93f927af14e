import { computed, inject, Injectable, signal } from '@angular/core';
import { apiErrorMessage } from '@agent-controller/console-core';
import type {
  Location,
  Provider,
  ProviderType,
  ProvisioningJob,
  ProvisionRequest,
  ServerType,
} from '@agent-controller/shared-contracts';
import { ProvisioningApi } from './provisioning.api';

/**
 * What the provisioning wizard reads and sends: the providers, the chosen provider's locations, the server types
 * (with prices) of the chosen location, and the start of the job. A newer choice wins over an older answer that
 * arrives late, so the lists always belong to what is chosen now.
 */
@Injectable()
export class ProvisionWizardStore {
  private readonly api = inject(ProvisioningApi);
  private locationsRequest = 0;
  private serverTypesRequest = 0;

  readonly providers = signal<Provider[]>([]);
  readonly providersLoading = signal(false);
  readonly providersError = signal<string | null>(null);
  readonly unconfigured = computed(() => this.providers().filter((provider) => !provider.configured));
  /** The provider to pick for the operator: the only one configured, if so. */
  readonly onlyConfigured = computed(() => {
    const configured = this.providers().filter((provider) => provider.configured);
    return configured.length === 1 ? configured[0].type : null;
  });

  readonly locations = signal<Location[]>([]);
  readonly locationsLoading = signal(false);
  readonly locationsError = signal<string | null>(null);

  readonly serverTypes = signal<ServerType[]>([]);
  readonly serverTypesLoading = signal(false);
  readonly serverTypesError = signal<string | null>(null);

  readonly starting = signal(false);

  async loadProviders(): Promise<void> {
    this.providersLoading.set(true);
    this.providersError.set(null);
    try {
      this.providers.set(await this.api.providers());
    } catch (error) {
      this.providersError.set(apiErrorMessage(error));
    } finally {
      this.providersLoading.set(false);
    }
  }

  /** A provider was chosen: its locations, and no server types until a location is chosen. */
  async chooseProvider(type: ProviderType | ''): Promise<void> {
    const request = ++this.locationsRequest;
    this.clearServerTypes();
    this.locations.set([]);
    this.locationsError.set(null);
    if (!type) {
      this.locationsLoading.set(false);
      return;
    }
    this.locationsLoading.set(true);
    try {
      const locations = await this.api.locations(type);
      if (request === this.locationsRequest) this.locations.set(locations);
    } catch (error) {
      if (request === this.locationsRequest) this.locationsError.set(apiErrorMessage(error));
    } finally {
      if (request === this.locationsRequest) this.locationsLoading.set(false);
    }
  }

  /** A location was chosen: the server types that can be created there, with their prices there. */
  async chooseLocation(type: ProviderType | '', location: string): Promise<void> {
    const request = this.clearServerTypes();
    if (!type || !location) return;
    this.serverTypesLoading.set(true);
    try {
      const types = await this.api.serverTypes(type, location);
      if (request !== this.serverTypesRequest) return;
      this.serverTypes.set(
        types.filter((candidate) => !candidate.locations.length || candidate.locations.includes(location)),
      );
    } catch (error) {
      if (request === this.serverTypesRequest) this.serverTypesError.set(apiErrorMessage(error));
    } finally {
      if (request === this.serverTypesRequest) this.serverTypesLoading.set(false);
    }
  }

  /** Starts the job; a refusal is thrown for the form to place beside its fields. */
  async start(request: ProvisionRequest): Promise<ProvisioningJob> {
    this.starting.set(true);
    try {
      return await this.api.provision(request);
    } finally {
      this.starting.set(false);
    }
  }

  /** Forgets the server types (and any answer still on its way); the number of the request that replaces them. */
  private clearServerTypes(): number {
    const request = ++this.serverTypesRequest;
    this.serverTypes.set([]);
    this.serverTypesError.set(null);
    this.serverTypesLoading.set(false);
    return request;
  }
}
