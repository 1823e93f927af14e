import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, TestRequest } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { firstPage } from './app.config';
import { loadClientsPage, loadOverviewPage } from './app.routes';
import { mergeFailing, OverviewStore } from '@agent-controller/console-overview-data-access';
import type { Client, ClientsSummary, TopUsage } from '@agent-controller/shared-contracts';

const ID = '11111111-1111-4111-8111-111111111111';
const JOB = '22222222-2222-4222-8222-222222222222';

function client(name: string, state: Client['health']['state'], lastSeenAt: string | null): Client {
  return { id: `${name}-id`, name, health: { state, reason: `${name} reason`, lastSeenAt } } as Client;
}

const SUMMARY: ClientsSummary = {
  total: 7,
  byHealth: { healthy: 3, degraded: 1, unreachable: 2, auth_failed: 1, incompatible: 0, unknown: 0 },
  byStatus: { active: 6, inactive: 1 },
  healthChanged: {
    since: '2026-05-10T11:00:00.000Z',
    count: 1,
    clients: [{ id: ID, name: 'Build farm', health: 'unreachable', changedAt: '2026-05-10T11:50:00.000Z' }],
  },
  provisioningJobsInFlight: {
    count: 1,
    jobs: [{ id: JOB, clientName: 'New box', createdAt: '2026-05-10T11:55:00.000Z' }],
  },
};

function top(by: TopUsage['by'], clients: TopUsage['clients']): TopUsage {
  return { hours: 24, by, since: '2026-05-09T12:00:00.000Z', clients };
}

function providers() {
  return [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), provideRouter([])];
}

/** The overview's requests, all asked at once: none waits for another. */
function answerAll(http: HttpTestingController, failSummary = false): void {
  const summary = http.expectOne('/api/clients/summary');
  if (failSummary) summary.flush({ message: 'database down' }, { status: 503, statusText: 'Unavailable' });
  else summary.flush(SUMMARY);
  const lists = http.match((request) => request.url === '/api/clients');
  expect(lists.map((request) => request.request.params.get('health'))).toEqual([
    'unreachable',
    'auth_failed',
    'incompatible',
  ]);
  const pages: Record<string, [Client[], number]> = {
    unreachable: [
      [client('Build farm', 'unreachable', '2026-05-10T11:00:00.000Z'), client('Edge', 'unreachable', null)],
      2,
    ],
    auth_failed: [[client('Staging', 'auth_failed', '2026-05-10T10:00:00.000Z')], 1],
    incompatible: [[], 0],
  };
  for (const request of lists) {
    expect(request.request.params.get('status')).toBe('active');
    const [clients, total] = pages[request.request.params.get('health') as string];
    request.flush(clients, { headers: { 'X-Total-Count': String(total) } });
  }
  const usage = http.match((request) => request.url === '/api/clients/usage/top');
  const byOrder = (order: string) => usage.find((request) => request.request.params.get('by') === order) as TestRequest;
  expect(byOrder('requests').request.params.toString()).toBe('by=requests&hours=24&limit=5');
  byOrder('requests').flush(
    top('requests', [
      {
        id: ID,
        name: 'Build farm',
        health: 'unreachable',
        status: 'active',
        requests: 1200,
        errors: 30,
        errorRate: 0.025,
      },
    ]),
  );
  byOrder('errors').flush(top('errors', []));
}

describe('mergeFailing', () => {
  it('puts the longest unseen first (never seen before all), cuts at the limit and adds the totals', () => {
    const merged = mergeFailing(
      [
        { clients: [client('b', 'unreachable', '2026-05-10T11:00:00.000Z')], total: 4 },
        {
          clients: [client('a', 'auth_failed', '2026-05-10T09:00:00.000Z'), client('c', 'auth_failed', null)],
          total: 2,
        },
      ],
      2,
    );
    expect(merged.clients.map((found) => found.name)).toEqual(['c', 'a']);
    expect(merged.total).toBe(6);
  });
});

describe('OverviewStore', () => {
  it('asks for the summary, the failing clients and both rankings at once, each section on its own', async () => {
    TestBed.configureTestingModule({ providers: [...providers(), OverviewStore] });
    const store = TestBed.inject(OverviewStore);
    const http = TestBed.inject(HttpTestingController);

    const loading = store.load();
    answerAll(http, true);
    await loading;

    expect(store.summary.error()).toBe('database down');
    expect(store.summary.value()).toBeNull();
    expect(store.failing.value()?.total).toBe(3);
    expect(store.failing.value()?.clients.map((found) => found.name)).toEqual(['Edge', 'Staging', 'Build farm']);
    expect(store.busiestByRequests.value()?.clients[0].requests).toBe(1200);
    expect(store.busiestByErrors.value()?.clients).toEqual([]);
    http.verify();
  });
});

describe('OverviewPage', () => {
  async function render(): Promise<{ fixture: ComponentFixture<unknown>; element: HTMLElement }> {
    const { OverviewPage } = await import('@agent-controller/console-overview-feature');
    TestBed.configureTestingModule({ imports: [OverviewPage], providers: providers() });
    const fixture: ComponentFixture<unknown> = TestBed.createComponent(OverviewPage);
    fixture.detectChanges();
    answerAll(TestBed.inject(HttpTestingController));
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
    return { fixture, element: fixture.nativeElement as HTMLElement };
  }

  const link = (element: HTMLElement, text: string) =>
    Array.from(element.querySelectorAll('a')).find(
      (anchor) => anchor.textContent?.replace(/\s+/g, ' ').trim() === text,
    );

  it('links each count to the clients list filtered the same way', async () => {
    const { fixture, element } = await render();

    expect(link(element, '7 total')?.getAttribute('href')).toBe('/clients');
    expect(link(element, '2 unreachable')?.getAttribute('href')).toBe('/clients?health=unreachable');
    expect(link(element, '1 auth failed')?.getAttribute('href')).toBe('/clients?health=auth_failed');
    expect(link(element, '3 healthy')?.getAttribute('href')).toBe('/clients?health=healthy');
    expect(link(element, '1 inactive')?.getAttribute('href')).toBe('/clients?status=inactive');
    expect(link(element, '6 active')?.getAttribute('href')).toBe('/clients?status=active');
    fixture.destroy();
  });

  it('names the failing, changed, provisioning and busiest clients under their headings, with links', async () => {
    const { fixture, element } = await render();
    const headings = Array.from(element.querySelectorAll('h1, h2, h3')).map((heading) =>
      heading.textContent?.replace(/\s+/g, ' ').trim(),
    );
    expect(headings).toEqual([
      'Fleet overview',
      'Clients',
      'Failing clients (3)',
      'Health changed in the last hour (1)',
      'Provisioning in flight (1)',
      'Busiest clients, last 24 hours',
      'By requests',
      'By errors',
    ]);
    expect(element.textContent).toContain('Staging reason');
    expect(element.querySelector('a[aria-label="Provisioning job of New box"]')?.getAttribute('href')).toBe(
      `/provisioning/jobs/${JOB}`,
    );
    expect(element.textContent).toContain('1,200 calls · 30 errors (2.5%)');
    expect(element.textContent).toContain('No errors in this time.');
    expect(Array.from(element.querySelectorAll(`a[href="/clients/${ID}"]`)).length).toBe(2);
    fixture.destroy();
  });
});

describe('firstPage', () => {
  it('preloads the overview for the home, the list for /clients, and nothing for other screens', () => {
    expect(firstPage('/', '')).toEqual({ chunk: loadOverviewPage, data: ['/api/clients/summary'] });
    expect(firstPage('/clients', '')?.chunk).toBe(loadClientsPage);
    expect(firstPage('/clients/', '')?.chunk).toBe(loadClientsPage);
    expect(firstPage('/clients/abc', '')).toBeNull();
    expect(firstPage('/audit', '')).toBeNull();
  });

  it("asks early for the overview's counts, and for the clients list's first page as the URL's view has it", () => {
    expect(firstPage('/clients', '')?.data).toEqual(['/api/clients?limit=25&offset=0']);
    expect(firstPage('/clients', '?health=unreachable&sort=-latency&page=3&pageSize=10&status=gone')?.data).toEqual([
      '/api/clients?limit=10&offset=20&health=unreachable&sort=-latency',
    ]);
  });
});
