import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { auditQueryParams, AuditStore, EMPTY_AUDIT_FILTERS } from '@agent-controller/console-audit-data-access';

describe('auditQueryParams', () => {
  it('sends paging and only the filters that are set, trimmed', () => {
    expect(auditQueryParams({ ...EMPTY_AUDIT_FILTERS, action: ' client. ', actor: '  ' }, 2, 25)).toEqual({
      limit: '25',
      offset: '50',
      action: 'client.',
    });
  });

  it('sends the time range as ISO instants and leaves out what cannot be read', () => {
    const params = auditQueryParams(
      { ...EMPTY_AUDIT_FILTERS, from: '2026-11-23T00:00:00Z', to: 'not a date', targetId: 'c1' },
      0,
      10,
    );
    expect(params).toEqual({ limit: '10', offset: '0', targetId: 'c1', from: '2026-11-23T00:00:00.000Z' });
    // A datetime-local value (local time, no seconds) becomes the matching UTC instant.
    const local = auditQueryParams({ ...EMPTY_AUDIT_FILTERS, to: '2026-11-23T10:30' }, 0, 10);
    expect(local['to']).toBe(new Date(2026, 10, 23, 10, 30).toISOString());
  });
});

describe('AuditStore', () => {
  function setUp() {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), AuditStore],
    });
    return { store: TestBed.inject(AuditStore), http: TestBed.inject(HttpTestingController) };
  }

  it('asks for the filtered page, starts again at the first page, and reads X-Total-Count', async () => {
    const { store, http } = setUp();
    store.pageIndex.set(3);
    const loading = store.setFilters({ action: 'provisioning.start', actor: 'ops@example.com' });
    const request = http.expectOne((candidate) => candidate.url === '/api/audit');
    expect(request.request.params.toString()).toBe('limit=25&offset=0&action=provisioning.start&actor=ops@example.com');
    request.flush([{ id: 'e1', action: 'provisioning.start' }], { headers: { 'X-Total-Count': '40' } });
    await loading;
    expect(store.events().map((event) => event.id)).toEqual(['e1']);
    expect(store.total()).toBe(40);
    expect(store.filtered()).toBe(true);
  });

  it('reports errors and an empty log', async () => {
    const { store, http } = setUp();
    const failing = store.load();
    http
      .expectOne((candidate) => candidate.url === '/api/audit')
      .flush({ message: 'nope' }, { status: 403, statusText: 'Forbidden' });
    await failing;
    expect(store.error()).toBe('nope');
    expect(store.empty()).toBe(false);

    const empty = store.clearFilters();
    http.expectOne((candidate) => candidate.url === '/api/audit').flush([], { headers: { 'X-Total-Count': '0' } });
    await empty;
    expect(store.empty()).toBe(true);
    expect(store.filtered()).toBe(false);
  });
});

describe('AuditPage: the view in the URL', () => {
  /** The page's next request for the log, once navigation and rendering have got that far. */
  async function nextAuditRequest(http: HttpTestingController) {
    for (let wait = 0; wait < 100; wait++) {
      const [found] = http.match((candidate) => candidate.url === '/api/audit');
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the page did not ask for the audit log');
  }

  it('shows the filters and page a link names, and clearing the filters clears the URL', async () => {
    const { AuditPage } = await import('@agent-controller/console-audit-feature');
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideNoopAnimations(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'audit', component: AuditPage }]),
      ],
    });
    const http = TestBed.inject(HttpTestingController);
    const harness = await RouterTestingHarness.create();
    const showing = harness.navigateByUrl('/audit?action=client.delete&targetId=c1&page=3&pageSize=10');
    const request = await nextAuditRequest(http);
    expect(request.request.params.toString()).toBe('limit=10&offset=20&action=client.delete&targetId=c1');
    request.flush([], { headers: { 'X-Total-Count': '0' } });
    await showing;
    await harness.fixture.whenStable();
    const page = harness.routeNativeElement as HTMLElement;
    const inputs = Array.from(page.querySelectorAll<HTMLInputElement>('input[name]'));
    const values = Object.fromEntries(inputs.map((input) => [input.name, input.value]));
    expect(values).toMatchObject({ action: 'client.delete', targetId: 'c1' });

    const clear = Array.from(page.querySelectorAll('button')).find(
      (button) => button.textContent?.trim() === 'Clear filters',
    );
    clear?.click();
    (await nextAuditRequest(http)).flush([], { headers: { 'X-Total-Count': '0' } });
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/audit?pageSize=10');
  }, 60_000);
});
