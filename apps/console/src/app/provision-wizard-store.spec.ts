import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { ProvisionWizardStore } from '@agent-controller/console-provisioning-data-access';
import type { ServerType } from '@agent-controller/shared-contracts';

const PROVIDERS = '/api/clients/provisioning/providers';

function serverType(id: string, locations: string[]): ServerType {
  return {
    id,
    name: id,
    cores: 2,
    memoryGb: 4,
    diskGb: 40,
    memory: 4,
    disk: 40,
    priceMonthly: 4.5,
    priceHourly: 0.01,
    currency: 'EUR',
    locations,
  };
}

/** Lets the store's awaits after an answer run. */
const settle = () => new Promise((resolve) => setTimeout(resolve));

describe('ProvisionWizardStore', () => {
  function setUp() {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        ProvisionWizardStore,
      ],
    });
    return { store: TestBed.inject(ProvisionWizardStore), http: TestBed.inject(HttpTestingController) };
  }

  it('loads the providers and picks the only configured one', async () => {
    const { store, http } = setUp();
    const loading = store.loadProviders();
    expect(store.providersLoading()).toBe(true);
    http.expectOne(PROVIDERS).flush([
      { type: 'hetzner', displayName: 'Hetzner Cloud', configured: true },
      { type: 'digital-ocean', displayName: 'DigitalOcean', configured: false },
    ]);
    await loading;
    expect(store.providersLoading()).toBe(false);
    expect(store.onlyConfigured()).toBe('hetzner');
    expect(store.unconfigured().map((provider) => provider.type)).toEqual(['digital-ocean']);
  });

  it('reports a failed provider list', async () => {
    const { store, http } = setUp();
    const loading = store.loadProviders();
    http.expectOne(PROVIDERS).flush({ message: 'Only global admins' }, { status: 403, statusText: 'Forbidden' });
    await loading;
    expect(store.providersError()).toBe('Only global admins');
    expect(store.onlyConfigured()).toBeNull();
  });

  it('keeps the locations of the provider chosen last, whatever answers first', async () => {
    const { store, http } = setUp();
    const first = store.chooseProvider('hetzner');
    const second = store.chooseProvider('digital-ocean');
    http
      .expectOne(`${PROVIDERS}/digital-ocean/locations`)
      .flush([{ id: 'fra1', name: 'Frankfurt 1', country: null, city: null }]);
    http.expectOne(`${PROVIDERS}/hetzner/locations`).flush([{ id: 'fsn1', name: 'fsn1', country: 'DE', city: null }]);
    await Promise.all([first, second]);
    expect(store.locations().map((location) => location.id)).toEqual(['fra1']);
    expect(store.locationsLoading()).toBe(false);
  });

  it('offers only the server types that can be created in the chosen location, and forgets them on a new provider', async () => {
    const { store, http } = setUp();
    const choosing = store.chooseLocation('hetzner', 'fsn1');
    expect(store.serverTypesLoading()).toBe(true);
    http
      .expectOne((request) => request.url === `${PROVIDERS}/hetzner/server-types`)
      .flush([serverType('cx23', ['fsn1', 'nbg1']), serverType('cx53', ['nbg1']), serverType('any', [])]);
    await choosing;
    expect(store.serverTypes().map((type) => type.id)).toEqual(['cx23', 'any']);

    void store.chooseProvider('digital-ocean');
    expect(store.serverTypes()).toEqual([]);
    http.expectOne(`${PROVIDERS}/digital-ocean/locations`).flush([]);
    await settle();
  });

  it('starts the job, and hands a refusal back for the form to place', async () => {
    const { store, http } = setUp();
    const request = {
      providerType: 'hetzner',
      serverType: 'cx23',
      name: 'farm',
      authenticationType: 'api_key',
    } as const;
    const refused = store.start(request);
    expect(store.starting()).toBe(true);
    http.expectOne('/api/clients/provisioning/provision').flush(
      {
        statusCode: 409,
        code: 'NAME_TAKEN',
        message: 'A client named farm already exists',
        details: { fields: [{ field: 'name', location: 'body', message: 'already taken' }] },
        requestId: 'r1',
      },
      { status: 409, statusText: 'Conflict' },
    );
    await expect(refused).rejects.toMatchObject({ status: 409 });
    expect(store.starting()).toBe(false);
  });
});
