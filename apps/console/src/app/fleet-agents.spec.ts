import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  EMPTY_FLEET_AGENT_FILTERS,
  fleetAgentsQueryParams,
  FleetAgentsStore,
  FLEET_AGENTS_URL_SPEC,
} from '@agent-controller/console-agents-data-access';
import { viewFromQueryParams, viewToQueryParams } from '@agent-controller/console-core';

describe('fleet agents view', () => {
  it('asks the API for the page and only the filters that are set, trimmed', () => {
    const view = {
      filters: { search: ' ada ', clientId: '', agentType: 'cursor' },
      pageIndex: 2,
      pageSize: 25,
    };
    expect(fleetAgentsQueryParams(view)).toEqual({ limit: '25', offset: '50', search: 'ada', agentType: 'cursor' });
  });

  it('keeps only what differs from the default in the URL (the shared list rules) and reads it back', () => {
    const defaults = { filters: EMPTY_FLEET_AGENT_FILTERS, pageIndex: 0, pageSize: 25, sort: null };
    expect(viewToQueryParams(defaults, defaults)).toEqual({});
    const view = { filters: { search: 'ada', clientId: 'c1', agentType: '' }, pageIndex: 1, pageSize: 50, sort: null };
    const url = viewToQueryParams(view, defaults);
    expect(url).toEqual({ search: 'ada', clientId: 'c1', page: '2', pageSize: '50' });
    expect(viewFromQueryParams(url, FLEET_AGENTS_URL_SPEC, defaults)).toEqual(view);
    // Values it cannot use fall back to the first page and the default size.
    expect(viewFromQueryParams({ page: '0', pageSize: '7' }, FLEET_AGENTS_URL_SPEC, defaults)).toEqual(defaults);
  });
});

describe('FleetAgentsStore', () => {
  function setUp() {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), FleetAgentsStore],
    });
    return { store: TestBed.inject(FleetAgentsStore), http: TestBed.inject(HttpTestingController) };
  }

  it('asks for the filtered first page and reads X-Total-Count', async () => {
    const { store, http } = setUp();
    store.pageIndex.set(3);
    const loading = store.setFilters({ clientId: 'c1', agentType: 'cursor' });
    const request = http.expectOne((candidate) => candidate.url === '/api/agents');
    expect(request.request.params.toString()).toBe('limit=25&offset=0&clientId=c1&agentType=cursor');
    request.flush([{ id: 'a1', name: 'Ada' }], { headers: { 'X-Total-Count': '31' } });
    await loading;
    expect(store.agents().map((agent) => agent.name)).toEqual(['Ada']);
    expect(store.total()).toBe(31);
    expect(store.filtered()).toBe(true);
  });

  it('reports an error, then an empty fleet', async () => {
    const { store, http } = setUp();
    const failing = store.load();
    http
      .expectOne((candidate) => candidate.url === '/api/agents')
      .flush({ message: 'database unavailable' }, { status: 503, statusText: 'Service Unavailable' });
    await failing;
    expect(store.error()).toBe('database unavailable');
    expect(store.empty()).toBe(false);

    const empty = store.clearFilters();
    http.expectOne((candidate) => candidate.url === '/api/agents').flush([], { headers: { 'X-Total-Count': '0' } });
    await empty;
    expect([store.error(), store.empty(), store.filtered()]).toEqual([null, true, false]);
  });

  it('offers the clients and types it could load, and works without those that failed', async () => {
    const { store, http } = setUp();
    const loading = store.loadChoices();
    const clients = http.expectOne((candidate) => candidate.url === '/api/clients');
    expect(clients.request.params.toString()).toBe('limit=100&sort=name');
    clients.flush([{ id: 'c1', name: 'North', endpoint: 'http://north' }]);
    http
      .expectOne('/api/agents/types')
      .flush({ message: 'boom' }, { status: 500, statusText: 'Internal Server Error' });
    await loading;
    expect(store.clients()).toEqual([{ id: 'c1', name: 'North' }]);
    expect(store.types()).toEqual([]);
  });
});
