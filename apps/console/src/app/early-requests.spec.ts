import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  EarlyRequests,
  earlyRequestsInterceptor,
  errorInterceptor,
  SessionStore,
  viewFromQueryParams,
} from '@agent-controller/console-core';
import {
  CLIENTS_URL_SPEC,
  ClientsStore,
  DEFAULT_CLIENTS_VIEW,
  firstClientsPageUrl,
} from '@agent-controller/console-clients-data-access';

const SEARCH = '?health=unreachable&sort=-latency';

function setUp() {
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(withInterceptors([earlyRequestsInterceptor, errorInterceptor])),
      provideHttpClientTesting(),
      provideRouter([]),
      ClientsStore,
    ],
  });
  return {
    early: TestBed.inject(EarlyRequests),
    store: TestBed.inject(ClientsStore),
    http: TestBed.inject(HttpTestingController),
    /** The list as the clients page shows `/clients${SEARCH}` (its URL's parameters, read). */
    showPage: () =>
      TestBed.inject(ClientsStore).applyView(
        viewFromQueryParams({ health: 'unreachable', sort: '-latency' }, CLIENTS_URL_SPEC, DEFAULT_CLIENTS_VIEW),
      ),
  };
}

const isList = (request: { url: string }) => request.url.startsWith('/api/clients') && !request.url.includes('strips');

describe('early requests of a first load', () => {
  afterEach(() => vi.useRealTimers());

  it("answer the page's own request for the same rows, without a second request", async () => {
    const { early, store, http, showPage } = setUp();
    early.start(firstClientsPageUrl(SEARCH));
    const sent = http.expectOne(isList);
    expect(sent.request.urlWithParams).toBe('/api/clients?limit=25&offset=0&health=unreachable&sort=-latency');

    const showing = showPage();
    http.expectNone(isList);
    sent.flush([{ id: 'c1', name: 'Edge' }], { headers: { 'X-Total-Count': '1' } });
    await showing;
    expect(store.clients().map((client) => client.name)).toEqual(['Edge']);
    expect(store.total()).toBe(1);

    // Taken once: the next read asks the controller.
    const reading = store.load();
    http.expectOne(isList).flush([], { headers: { 'X-Total-Count': '0' } });
    await reading;
    expect(store.total()).toBe(0);
  });

  it("leave a failure to the page's own request: a 401 does not end the session, the page asks again", async () => {
    const { early, store, http, showPage } = setUp();
    const logOut = vi.spyOn(TestBed.inject(SessionStore), 'logOut');
    early.start(firstClientsPageUrl(SEARCH));
    http.expectOne(isList).flush({ message: 'expired' }, { status: 401, statusText: 'Unauthorized' });
    expect(logOut).not.toHaveBeenCalled();

    const showing = showPage();
    http.expectOne(isList).flush([{ id: 'c1', name: 'Edge' }], { headers: { 'X-Total-Count': '1' } });
    await showing;
    expect(store.clients()).toHaveLength(1);
    expect(store.error()).toBeNull();
  });

  it('are dropped when no page takes them in time, and never answer another URL', async () => {
    vi.useFakeTimers();
    const { early, http, showPage } = setUp();
    early.start(firstClientsPageUrl('?health=healthy'));
    http.expectOne(isList).flush([], { headers: { 'X-Total-Count': '0' } });
    early.start(firstClientsPageUrl(SEARCH));
    http.expectOne(isList).flush([], { headers: { 'X-Total-Count': '0' } });
    vi.advanceTimersByTime(10_000);

    const showing = showPage();
    http.expectOne(isList).flush([], { headers: { 'X-Total-Count': '0' } });
    await showing;
    http.verify();
  });
});
