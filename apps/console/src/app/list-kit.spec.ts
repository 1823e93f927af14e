import { BreakpointObserver } from '@angular/cdk/layout';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatTableModule } from '@angular/material/table';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { of } from 'rxjs';
import { type ListView, viewFromQueryParams, viewToQueryParams } from '@agent-controller/console-core';
import { type Client, MAX_BULK_IDS, MAX_BULK_SELECTED } from '@agent-controller/shared-contracts';
import {
  BULK_ID_LIMIT,
  CLIENTS_URL_SPEC,
  ClientsStore,
  EMPTY_CLIENT_FILTERS,
  firstClientsPageUrl,
  matchesClientFilters,
  matchesLabelSelector,
  MAX_BULK_MATCHING,
  type ClientFilters,
} from '@agent-controller/console-clients-data-access';
import {
  CardField,
  HealthStrip,
  ListCard,
  matSortState,
  PagedTable,
  type PageChange,
  type PagedListState,
  sortFromMatSort,
} from '@agent-controller/console-ui';

const DEFAULTS: ListView<ClientFilters> = { filters: EMPTY_CLIENT_FILTERS, pageIndex: 0, pageSize: 25, sort: null };

describe('clients list URL state', () => {
  it('reads filters, order and a 1-based page from the query', () => {
    const view = viewFromQueryParams(
      { search: 'farm', health: 'unreachable', status: 'inactive', sort: '-latency', page: '3', pageSize: '50' },
      CLIENTS_URL_SPEC,
      DEFAULTS,
    );
    expect(view).toEqual({
      filters: { ...EMPTY_CLIENT_FILTERS, search: 'farm', health: 'unreachable', status: 'inactive' },
      sort: '-latency',
      pageIndex: 2,
      pageSize: 50,
    });
  });

  it('falls back to the default for values the list does not accept', () => {
    const view = viewFromQueryParams(
      { health: 'on-fire', status: 'ACTIVE', sort: 'endpoint', page: '0', pageSize: '7' },
      CLIENTS_URL_SPEC,
      DEFAULTS,
    );
    expect(view).toEqual(DEFAULTS);
    expect(viewFromQueryParams({ page: 'x' }, CLIENTS_URL_SPEC, DEFAULTS).pageIndex).toBe(0);
  });

  it('writes only what differs from the default, so the plain list keeps a plain URL', () => {
    expect(viewToQueryParams(DEFAULTS, DEFAULTS)).toEqual({});
    const filters: ClientFilters = { ...EMPTY_CLIENT_FILTERS, search: ' farm ', health: 'degraded' };
    expect(viewToQueryParams({ filters, pageIndex: 1, pageSize: 10, sort: 'name' }, DEFAULTS)).toEqual({
      search: 'farm',
      health: 'degraded',
      sort: 'name',
      page: '2',
      pageSize: '10',
    });
  });

  it('reads back what it wrote', () => {
    const view = {
      filters: {
        ...EMPTY_CLIENT_FILTERS,
        search: 'a b',
        status: 'active',
        environment: 'staging',
        selector: 'tier in (a,b)',
      },
      pageIndex: 4,
      pageSize: 100,
      sort: '-health',
    };
    const query = viewToQueryParams(view, DEFAULTS);
    expect(viewFromQueryParams(query, CLIENTS_URL_SPEC, DEFAULTS)).toEqual(view);
  });
});

describe('clients list environment and label selector filters', () => {
  it('keeps them in the URL and sends them to the controller, also for the early first request', () => {
    const view = viewFromQueryParams(
      { environment: 'staging', selector: 'region in (eu,us),!deprecated' },
      CLIENTS_URL_SPEC,
      DEFAULTS,
    );
    expect(view.filters).toMatchObject({ environment: 'staging', selector: 'region in (eu,us),!deprecated' });
    expect(viewToQueryParams(view, DEFAULTS)).toEqual({
      environment: 'staging',
      selector: 'region in (eu,us),!deprecated',
    });
    expect(firstClientsPageUrl('?environment=staging&selector=tier%3Dgold')).toBe(
      '/api/clients?limit=25&offset=0&environment=staging&selector=tier=gold',
    );
  });

  it('matches a changed row against the selector as the controller does', () => {
    expect(matchesLabelSelector({ region: 'eu' }, 'region in (eu,us),!deprecated')).toBe(true);
    expect(matchesLabelSelector({ region: 'eu', deprecated: '' }, 'region in (eu,us),!deprecated')).toBe(false);
    expect(matchesLabelSelector({}, 'tier!=gold,region notin (eu)')).toBe(true);
    expect(matchesLabelSelector({ tier: 'gold' }, 'tier!=gold')).toBe(false);
    expect(matchesLabelSelector({ tier: 'gold' }, 'tier==gold,tier')).toBe(true);
    expect(matchesLabelSelector({ tier: 'gold' }, 'tier in (')).toBe(false);
  });
});

describe('list sort mapping', () => {
  it('maps the API order to Material sort headers and back', () => {
    expect(matSortState('-latency')).toEqual({ active: 'latency', direction: 'desc' });
    expect(matSortState('name')).toEqual({ active: 'name', direction: 'asc' });
    expect(matSortState(null)).toEqual({ active: '', direction: '' });
    expect(sortFromMatSort({ active: 'lastSeen', direction: 'desc' })).toBe('-lastSeen');
    expect(sortFromMatSort({ active: 'health', direction: 'asc' })).toBe('health');
    expect(sortFromMatSort({ active: 'health', direction: '' })).toBeNull();
  });
});

describe('PagedListStore (through ClientsStore)', () => {
  function setUp() {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), ClientsStore],
    });
    return { store: TestBed.inject(ClientsStore), http: TestBed.inject(HttpTestingController) };
  }

  it('asks for the order and the page of a view, and a new order starts at the first page', async () => {
    const { store, http } = setUp();
    const applying = store.applyView({
      filters: { ...EMPTY_CLIENT_FILTERS, status: 'active' },
      pageIndex: 2,
      pageSize: 10,
      sort: '-latency',
    });
    const first = http.expectOne((candidate) => candidate.url === '/api/clients');
    expect(first.request.params.toString()).toBe('limit=10&offset=20&status=active&sort=-latency');
    first.flush([{ id: 'c21' }], { headers: { 'X-Total-Count': '21' } });
    await applying;
    expect(store.filtered()).toBe(true);
    expect(store.view()).toEqual({
      filters: { ...EMPTY_CLIENT_FILTERS, status: 'active' },
      pageIndex: 2,
      pageSize: 10,
      sort: '-latency',
    });

    const sorting = store.setSort('name');
    const second = http.expectOne((candidate) => candidate.url === '/api/clients');
    expect(second.request.params.toString()).toBe('limit=10&offset=0&status=active&sort=name');
    second.flush([], { headers: { 'X-Total-Count': '0' } });
    await sorting;
    expect(store.pageIndex()).toBe(0);
    expect(store.empty()).toBe(true);
  });

  it('keeps the controller’s refusal of a label selector beside the field, not as the list’s error', async () => {
    const { store, http } = setUp();
    const filtering = store.setFilters({ selector: 'region in (' });
    const refused = http.expectOne((candidate) => candidate.url === '/api/clients');
    expect(refused.request.params.get('selector')).toBe('region in (');
    refused.flush(
      {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'Invalid query',
        details: { fields: [{ location: 'query', field: 'selector', message: 'expected a value at position 12' }] },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await filtering;
    expect(store.selectorError()).toBe('expected a value at position 12');
    expect(store.error()).toBeNull();
    expect(store.items()).toEqual([]);

    const fixed = store.setFilters({ selector: 'region in (eu)' });
    http.expectOne((candidate) => candidate.url === '/api/clients').flush([], { headers: { 'X-Total-Count': '0' } });
    await fixed;
    expect(store.selectorError()).toBeNull();
  });

  it('gives a bulk action the list’s filters, not its order, and none for an unfiltered list', () => {
    expect(MAX_BULK_MATCHING).toBe(MAX_BULK_SELECTED);
    const { store } = setUp();
    expect(store.bulkFilters()).toBeNull();
    store.filters.set({ ...EMPTY_CLIENT_FILTERS, selector: ' tier=gold ', environment: 'staging' });
    store.sort.set('-latency');
    expect(store.bulkFilters()).toEqual({ selector: 'tier=gold', environment: 'staging' });
    store.filters.set({ ...EMPTY_CLIENT_FILTERS, teamId: 'team-1' });
    expect(store.bulkFilters()).toEqual({ teamId: 'team-1' });
  });

  it('keeps the team filter in the URL, asks the controller for it, and names teams from one read', async () => {
    const view = viewFromQueryParams({ teamId: 'team-1' }, CLIENTS_URL_SPEC, DEFAULTS);
    expect(view.filters.teamId).toBe('team-1');
    expect(viewToQueryParams(view, DEFAULTS)).toEqual({ teamId: 'team-1' });
    expect(firstClientsPageUrl('?teamId=team-1')).toBe('/api/clients?limit=25&offset=0&teamId=team-1');
    expect(
      matchesClientFilters({ status: 'active', teamId: 'team-2' } as Client, {
        status: '',
        health: '',
        teamId: 'team-1',
      }),
    ).toBe(false);
    expect(
      matchesClientFilters({ status: 'active', teamId: 'team-1' } as Client, {
        status: '',
        health: '',
        teamId: 'team-1',
      }),
    ).toBe(true);
    // `none`: only clients in no team.
    const none = { status: '', health: '', teamId: 'none' } as const;
    expect(matchesClientFilters({ status: 'active', teamId: null } as Client, none)).toBe(true);
    expect(matchesClientFilters({ status: 'active', teamId: 'team-1' } as Client, none)).toBe(false);

    const { store, http } = setUp();
    const loading = store.loadTeams();
    http.expectOne({ url: '/api/teams', method: 'GET' }).flush([{ id: 'team-1', name: 'Build' }]);
    await loading;
    expect(store.teamNames().get('team-1')).toBe('Build');
  });

  it('reads the health strips of a page in one request after its rows', async () => {
    const { store, http } = setUp();
    const loading = store.load();
    http
      .expectOne((candidate) => candidate.url === '/api/clients')
      .flush([{ id: 'a' }, { id: 'b' }], { headers: { 'X-Total-Count': '2' } });
    await loading;
    const strips = http.expectOne((candidate) => candidate.url === '/api/clients/health/strips');
    expect(strips.request.params.get('ids')).toBe('a,b');
    strips.flush({
      from: '2026-05-10T00:00:00.000Z',
      hours: 24,
      strips: [{ id: 'a', hours: Array(24).fill('healthy') }],
    });
    await new Promise((resolve) => setTimeout(resolve));
    expect(store.strips().from).toBe('2026-05-10T00:00:00.000Z');
    expect(store.strips().byId.get('a')).toHaveLength(24);
    expect(store.strips().byId.has('b')).toBe(false);
  });

  it('selects every matching client in pages of 100, in the list’s order, up to the bulk limit', async () => {
    expect(BULK_ID_LIMIT).toBe(MAX_BULK_IDS);
    const { store, http } = setUp();
    store.filters.set({ ...EMPTY_CLIENT_FILTERS, health: 'unreachable' });
    store.sort.set('-latency');
    const rows = (from: number, count: number) =>
      Array.from({ length: count }, (_, index) => ({ id: `c${from + index}`, name: `client ${from + index}` }));
    const matching = store.matchingClients(250);
    for (const [offset, limit, count] of [
      [0, 100, 100],
      [100, 100, 100],
      [200, 50, 50],
    ]) {
      const request = await vi.waitFor(() => http.expectOne((candidate) => candidate.url === '/api/clients'));
      expect(request.request.params.toString()).toBe(
        `limit=${limit}&offset=${offset}&health=unreachable&sort=-latency`,
      );
      request.flush(rows(offset, count), { headers: { 'X-Total-Count': '420' } });
    }
    const found = await matching;
    expect(found).toHaveLength(250);
    expect(found[249]).toEqual({ id: 'c249', name: 'client 249' });
  });

  it('stops selecting at the last matching client', async () => {
    const { store, http } = setUp();
    const matching = store.matchingClients();
    http
      .expectOne((candidate) => candidate.url === '/api/clients')
      .flush([{ id: 'a', name: 'A' }], { headers: { 'X-Total-Count': '1' } });
    expect(await matching).toEqual([{ id: 'a', name: 'A' }]);
  });

  it('steps back a page when the only row of a later page was removed', async () => {
    const { store, http } = setUp();
    const loading = store.setPage(1, 10);
    http
      .expectOne((candidate) => candidate.url === '/api/clients')
      .flush([{ id: 'last' }], { headers: { 'X-Total-Count': '11' } });
    await loading;
    const reloading = store.reloadAfterRemoving(1);
    const request = http.expectOne((candidate) => candidate.url === '/api/clients');
    expect(request.request.params.get('offset')).toBe('0');
    request.flush([], { headers: { 'X-Total-Count': '10' } });
    await reloading;
    expect(store.pageIndex()).toBe(0);
  });
});

@Component({
  imports: [PagedTable, ListCard, CardField, MatTableModule],
  template: `
    <ac-paged-table
      [list]="list"
      noun="things"
      label="Things"
      emptyText="No things."
      (pageChange)="changes.push($event)"
    >
      <table mat-table [dataSource]="list.items()" aria-label="Things table">
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef>Name</th>
          <td mat-cell *matCellDef="let row">{{ row.name }}</td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="['name']"></tr>
        <tr mat-row *matRowDef="let row; columns: ['name']"></tr>
      </table>
      <ng-template acListCard let-row>
        <ac-card-field label="Name">{{ row.name }}</ac-card-field>
      </ng-template>
    </ac-paged-table>
  `,
})
class Host {
  readonly changes: PageChange[] = [];
  readonly list = {
    items: signal<{ id: string; name: string }[]>([]),
    total: signal(0),
    pageIndex: signal(0),
    pageSize: signal(10),
    loading: signal(false),
    error: signal<string | null>(null),
    empty: signal(false),
    loads: 0,
    load() {
      this.loads++;
      return Promise.resolve();
    },
  } satisfies PagedListState & { loads: number };
}

describe('PagedTable', () => {
  async function render(narrow: boolean) {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideNoopAnimations(),
        // The screen width is the browser's; the test says which it is.
        { provide: BreakpointObserver, useValue: { observe: () => of({ matches: narrow, breakpoints: {} }) } },
      ],
    });
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    return fixture;
  }

  it('shows the error with a retry, then the empty text, then the rows in a table', { timeout: 20_000 }, async () => {
    const fixture = await render(false);
    const host = fixture.componentInstance;
    const element: HTMLElement = fixture.nativeElement;
    host.list.error.set('boom');
    await fixture.whenStable();
    expect(element.querySelector('[role=alert]')?.textContent).toContain('Could not load the things: boom');
    (element.querySelector('[role=alert] button') as HTMLButtonElement).click();
    expect(host.list.loads).toBe(1);

    host.list.error.set(null);
    host.list.empty.set(true);
    await fixture.whenStable();
    expect(element.textContent).toContain('No things.');

    host.list.empty.set(false);
    host.list.items.set([{ id: '1', name: 'alpha' }]);
    host.list.total.set(31);
    await fixture.whenStable();
    expect(element.querySelector('table[aria-label="Things table"]')?.textContent).toContain('alpha');
    expect(element.querySelector('ul.cards')).toBeNull();
    // First and last page buttons; "last" asks for page 4 of 31 rows at 10 a page.
    (element.querySelector('button.mat-mdc-paginator-navigation-last') as HTMLButtonElement).click();
    expect(host.changes).toEqual([{ pageIndex: 3, pageSize: 10 }]);
    expect(element.querySelector('button.mat-mdc-paginator-navigation-first')).not.toBeNull();
  });

  it('shows one card per row, a label and value per line, on a narrow screen', async () => {
    const fixture = await render(true);
    const host = fixture.componentInstance;
    host.list.items.set([
      { id: '1', name: 'alpha' },
      { id: '2', name: 'beta' },
    ]);
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    expect(element.querySelector('table')).toBeNull();
    const cards = Array.from(element.querySelectorAll('ul[aria-label="Things"] > li'));
    const lines = cards.map((card) =>
      Array.from(card.querySelectorAll('ac-card-field')).map(
        (field) =>
          `${field.querySelector('.card-label')?.textContent}: ${field.querySelector('.card-value')?.textContent?.trim()}`,
      ),
    );
    expect(lines).toEqual([['Name: alpha'], ['Name: beta']]);
  });
});

describe('HealthStrip', () => {
  it('draws one cell per hour and says in one sentence how many hours were in each state', async () => {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection()] });
    const fixture = TestBed.createComponent(HealthStrip);
    fixture.componentRef.setInput('hours', [null, null, ...Array(20).fill('healthy'), 'unreachable', 'auth_failed']);
    fixture.componentRef.setInput('from', '2026-05-10T00:00:00.000Z');
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    expect(element.querySelector('[role=img]')?.getAttribute('aria-label')).toBe(
      'Health over the last 24 hours: healthy 20 h, unreachable 1 h, auth failed 1 h',
    );
    const cells = Array.from(element.querySelectorAll('.cell'));
    expect(cells).toHaveLength(24);
    expect(cells.map((cell) => cell.classList.contains('none'))).toEqual([true, true, ...Array(22).fill(false)]);
    expect(cells[23].classList.contains('auth_failed')).toBe(true);
    expect(cells[23].getAttribute('title')).toMatch(/: auth failed$/);
  });
});
