import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { apiErrorMessage } from '@agent-controller/console-core';
import { ClientsStore } from '@agent-controller/console-clients-data-access';

describe('apiErrorMessage', () => {
  it("says the controller's message with the fields it names", () => {
    const error = new HttpErrorResponse({
      status: 400,
      error: {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'Invalid request',
        details: { fields: [{ field: 'endpoint', location: 'body', message: 'must be a URL' }] },
      },
    });
    expect(apiErrorMessage(error)).toBe('Invalid request (endpoint: must be a URL)');
  });

  it('says when the controller cannot be reached', () => {
    expect(apiErrorMessage(new HttpErrorResponse({ status: 0 }))).toBe('The controller cannot be reached');
  });
});

describe('ClientsStore', () => {
  function setUp() {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), ClientsStore],
    });
    return { store: TestBed.inject(ClientsStore), http: TestBed.inject(HttpTestingController) };
  }

  it('asks for the page and filters, and takes the total from X-Total-Count', async () => {
    const { store, http } = setUp();
    store.pageSize.set(10);
    const loading = store.setFilters({ search: ' prod ', health: 'healthy' });
    const request = http.expectOne((candidate) => candidate.url === '/api/clients');
    expect(request.request.params.toString()).toBe('limit=10&offset=0&search=prod&health=healthy');
    request.flush([{ id: 'c1', name: 'prod' }], { headers: { 'X-Total-Count': '31' } });
    await loading;
    expect(store.clients().map((client) => client.id)).toEqual(['c1']);
    expect(store.total()).toBe(31);
    expect(store.loading()).toBe(false);
  });

  it('keeps the newest answer when an older one arrives late, and reports errors', async () => {
    const { store, http } = setUp();
    const first = store.load();
    const second = store.setPage(1, 25);
    const [older, newer] = http.match((candidate) => candidate.url === '/api/clients');
    newer.flush([{ id: 'new' }], { headers: { 'X-Total-Count': '26' } });
    older.flush([{ id: 'old' }], { headers: { 'X-Total-Count': '1' } });
    await Promise.all([first, second]);
    expect(store.clients().map((client) => client.id)).toEqual(['new']);

    const failing = store.load();
    http
      .expectOne((candidate) => candidate.url === '/api/clients')
      .flush({ message: 'boom' }, { status: 500, statusText: 'Server Error' });
    await failing;
    expect(store.error()).toBe('boom');
    expect(store.empty()).toBe(false);
  });
});
