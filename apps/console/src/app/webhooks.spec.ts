import { Clipboard } from '@angular/cdk/clipboard';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type EnvironmentProviders, type Provider, provideZonelessChangeDetection } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter, Router, UrlTree } from '@angular/router';
import { KEYCLOAK_SESSION, SessionStore, webhooksGuard } from '@agent-controller/console-core';
import {
  deliverySummary,
  toWebhookRequest,
  WEBHOOKS_FORBIDDEN,
  WebhookDeliveriesStore,
  webhookErrorAliases,
  webhookFormValue,
  webhookScope,
  WebhooksStore,
  webhookSecretProblem,
  webhookSelectorProblem,
  webhookUrlProblem,
} from '@agent-controller/console-users-data-access';
import type { CreatedWebhook, Principal, Team, Webhook, WebhookDelivery } from '@agent-controller/shared-contracts';

const NOW = '2026-03-10T12:00:00.000Z';
const TEAM_ID = '22222222-2222-4222-8222-222222222222';

function webhook(id: string, overrides: Partial<Webhook> = {}): Webhook {
  return {
    id,
    name: null,
    url: `https://hooks.example.com/${id}`,
    events: ['client.created'],
    teamId: null,
    selector: null,
    format: 'json',
    enabled: true,
    disabledReason: null,
    consecutiveFailures: 0,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

function delivery(id: string, overrides: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    id,
    webhookId: 'w1',
    event: 'ping',
    status: 'succeeded',
    attempts: 1,
    nextAttemptAt: null,
    responseCode: 200,
    durationMs: 12,
    error: null,
    createdAt: NOW,
    deliveredAt: NOW,
    log: [],
    payload: {},
    ...overrides,
  };
}

const OPS = { id: TEAM_ID, name: 'Ops', myRole: 'admin' } as Team;
const BUILD = { id: 't2', name: 'Build', myRole: 'member' } as Team;
const settle = () => new Promise((resolve) => setTimeout(resolve));

describe('webhook form value', () => {
  it('sends what is given and leaves empty optional fields out', () => {
    expect(
      toWebhookRequest({ ...webhookFormValue(), url: ' https://hooks.example.com/x ', events: ['client.created'] }),
    ).toEqual({ url: 'https://hooks.example.com/x', events: ['client.created'], format: 'json', enabled: true });
    expect(
      toWebhookRequest({
        name: ' ops ',
        url: 'https://hooks.example.com/x',
        events: ['client.deleted', 'orphan_server.found'],
        teamId: TEAM_ID,
        selector: ' env=prod ',
        format: 'slack',
        secret: 'a'.repeat(16),
      }),
    ).toEqual({
      name: 'ops',
      url: 'https://hooks.example.com/x',
      events: ['client.deleted', 'orphan_server.found'],
      teamId: TEAM_ID,
      selector: 'env=prod',
      format: 'slack',
      secret: 'a'.repeat(16),
      enabled: true,
    });
  });

  it('checks the URL, the selector and the secret before sending', () => {
    expect(webhookUrlProblem('https://hooks.example.com')).toBeUndefined();
    expect(webhookUrlProblem('ftp://hooks.example.com')).toBe('Must be an http(s) URL');
    expect(webhookUrlProblem('hooks')).toBe('Not a URL');
    expect(webhookSelectorProblem('env=prod,tier in (gold)')).toBeUndefined();
    expect(webhookSelectorProblem('region in eu')).toMatch(/^Not a label selector: /);
    expect(webhookSecretProblem('short')).toBe('At least 16 characters');
    expect(webhookSecretProblem('a'.repeat(16))).toBeUndefined();
    expect(webhookSecretProblem('a'.repeat(257))).toBe('At most 256 characters');
  });

  it('puts an event’s refusal beside the events picker', () => {
    expect(webhookErrorAliases({ 'events.1': 'Invalid option', url: 'not allowed' })).toEqual({
      'events.1': 'events',
    });
  });
});

describe('webhook rows', () => {
  it('sums the scope up and a delivery’s outcome in a line', () => {
    const names = new Map([[TEAM_ID, 'Ops']]);
    expect(webhookScope(webhook('a'), names)).toEqual(['All clients']);
    expect(webhookScope(webhook('a', { teamId: TEAM_ID, selector: 'env=prod' }), names)).toEqual([
      'Team: Ops',
      'Labels: env=prod',
    ]);
    expect(webhookScope(webhook('a', { teamId: 'gone' }), names)).toEqual(['Team: another team']);
    expect(deliverySummary(delivery('d'))).toBe('succeeded (HTTP 200, 12 ms)');
    expect(deliverySummary(delivery('d', { status: 'failed', responseCode: null, error: 'timeout' }))).toBe(
      'failed (12 ms): timeout',
    );
    expect(deliverySummary(delivery('d', { status: 'pending', responseCode: null, durationMs: null }))).toBe('pending');
  });
});

function setUp(extra: (Provider | EnvironmentProviders)[] = []) {
  TestBed.configureTestingModule({
    providers: [
      ...extra,
      provideZonelessChangeDetection(),
      provideNoopAnimations(),
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: KEYCLOAK_SESSION, useValue: () => Promise.reject(new Error('not in keycloak mode')) },
      WebhooksStore,
      WebhookDeliveriesStore,
    ],
  });
  return {
    store: TestBed.inject(WebhooksStore),
    deliveries: TestBed.inject(WebhookDeliveriesStore),
    http: TestBed.inject(HttpTestingController),
  };
}

describe('WebhooksStore', () => {
  it('reads the webhooks and the teams once, pages them here and lists the disabled ones', async () => {
    const { store, http } = setUp();
    const loading = store.setPage(1, 1);
    http
      .expectOne({ url: '/api/webhooks', method: 'GET' })
      .flush([webhook('a'), webhook('b', { enabled: false, disabledReason: '4 consecutive failed deliveries' })]);
    http.expectOne({ url: '/api/teams', method: 'GET' }).flush([OPS]);
    await loading;
    expect(store.webhooks().map((entry) => entry.id)).toEqual(['b']);
    expect(store.total()).toBe(2);
    expect(store.disabled().map((entry) => entry.id)).toEqual(['b']);
    expect(store.teamNames().get(TEAM_ID)).toBe('Ops');

    const again = store.load();
    http.expectOne('/api/webhooks').flush([]);
    await again;
    http.expectNone('/api/teams');
    http.verify();
  });

  it('says clearly when the caller may not manage webhooks', async () => {
    const { store, http } = setUp();
    const loading = store.load();
    http
      .expectOne('/api/webhooks')
      .flush({ statusCode: 403, code: 'FORBIDDEN', message: 'Forbidden' }, { status: 403, statusText: 'Forbidden' });
    http.expectOne('/api/teams').flush([]);
    await loading;
    expect(store.forbidden()).toBe(true);
    expect(store.error()).toBe(WEBHOOKS_FORBIDDEN);
  });

  it('creates a webhook and reads the list again from its first page', async () => {
    const { store, http } = setUp();
    store.pageIndex.set(2);
    const request = toWebhookRequest({ ...webhookFormValue(), url: 'https://x.example', events: ['client.created'] });
    const creating = store.createWebhook(request);
    const post = http.expectOne({ url: '/api/webhooks', method: 'POST' });
    expect(post.request.body).toEqual(request);
    post.flush({ ...webhook('n'), secret: 'whsec' }, { status: 201, statusText: 'Created' });
    await settle();
    http.expectOne({ url: '/api/webhooks', method: 'GET' }).flush([webhook('n')]);
    http.expectOne('/api/teams').flush([]);
    expect((await creating).secret).toBe('whsec');
    expect(store.pageIndex()).toBe(0);
  });

  it('sends a test and keeps its delivery, re-enables, deletes, and shows a refusal', async () => {
    const { store, http } = setUp();
    const testing = store.testWebhook(webhook('a'));
    expect(store.busyId()).toBe('a');
    http.expectOne({ url: '/api/webhooks/a/test', method: 'POST' }).flush(delivery('d1'));
    await settle();
    http.expectOne('/api/webhooks').flush([webhook('a')]);
    http.expectOne('/api/teams').flush([]);
    expect((await testing)?.id).toBe('d1');
    expect(store.tests().get('a')?.status).toBe('succeeded');
    expect(store.busyId()).toBeNull();

    const enabling = store.enableWebhook(webhook('a', { enabled: false }));
    const update = http.expectOne({ url: '/api/webhooks/a', method: 'POST' });
    expect(update.request.body).toEqual({ enabled: true });
    update.flush(webhook('a'));
    await settle();
    http.expectOne('/api/webhooks').flush([webhook('a')]);
    expect(await enabling).toBe(true);

    const deleting = store.deleteWebhook(webhook('a', { name: 'ops' }));
    http
      .expectOne({ url: '/api/webhooks/a', method: 'DELETE' })
      .flush(
        { statusCode: 404, code: 'NOT_FOUND', message: 'No such webhook' },
        { status: 404, statusText: 'Not Found' },
      );
    await settle();
    http.expectOne('/api/webhooks').flush([]);
    expect(await deleting).toBe(false);
    expect(store.actionError()).toBe('Could not delete ops: No such webhook');
  });
});

describe('WebhookDeliveriesStore', () => {
  it('reads the webhook and a page of its log by X-Total-Count, and redelivers from the first page', async () => {
    const { deliveries, http } = setUp();
    deliveries.webhookId.set('w1');
    const loading = deliveries.setPage(1, 10);
    http.expectOne('/api/webhooks/w1').flush(webhook('w1'));
    http
      .expectOne('/api/webhooks/w1/deliveries?limit=10&offset=10')
      .flush([delivery('d1')], { headers: { 'X-Total-Count': '11' } });
    await loading;
    expect(deliveries.webhook()?.id).toBe('w1');
    expect(deliveries.deliveries().map((entry) => entry.id)).toEqual(['d1']);
    expect(deliveries.total()).toBe(11);

    const redelivering = deliveries.redeliver(delivery('d1'));
    http
      .expectOne({ url: '/api/webhooks/w1/deliveries/d1/redeliver', method: 'POST' })
      .flush(delivery('d2', { status: 'pending', responseCode: null, durationMs: null }), {
        status: 202,
        statusText: 'Accepted',
      });
    await settle();
    http.expectOne('/api/webhooks/w1').flush(webhook('w1'));
    http.expectOne('/api/webhooks/w1/deliveries?limit=10&offset=0').flush([], { headers: { 'X-Total-Count': '12' } });
    expect(await redelivering).toBe(true);
    expect(deliveries.lastSent()).toMatchObject({ what: 'Redelivery', delivery: { id: 'd2' } });
    expect(deliveries.pageIndex()).toBe(0);
  });
});

describe('webhooksGuard', () => {
  /** The guard's answer for `principal`, whose teams (GET /api/teams) are `teams` when it asks for them. */
  async function guard(principal: Partial<Principal>, teams?: Partial<Team>[]) {
    TestBed.resetTestingModule();
    const { http } = setUp([provideRouter([])]);
    TestBed.inject(SessionStore).principal.set(principal as Principal);
    const answer = TestBed.runInInjectionContext(() => webhooksGuard({}, []));
    if (teams) {
      await settle();
      http.expectOne('/api/teams').flush(teams);
    }
    const result = await answer;
    http.verify();
    return result instanceof UrlTree ? TestBed.inject(Router).serializeUrl(result) : result;
  }

  it('opens the page to global admins (the api-key holder too) without asking for teams', async () => {
    expect(await guard({ kind: 'api-key', isGlobalAdmin: true, authenticationMethod: 'api-key' })).toBe(true);
    expect(await guard({ kind: 'user', isGlobalAdmin: true, authenticationMethod: 'users' })).toBe(true);
    expect(await guard({ kind: 'api-key', isGlobalAdmin: false, authenticationMethod: 'api-key' })).toBe('/clients');
  });

  it('opens it to a user who administers a team, and sends one who only belongs to teams to the clients', async () => {
    const user = { kind: 'user' as const, isGlobalAdmin: false, authenticationMethod: 'users' as const };
    expect(
      await guard(user, [
        { id: 't1', myRole: 'member' },
        { id: 't2', myRole: 'admin' },
      ]),
    ).toBe(true);
    expect(TestBed.inject(SessionStore).hasWebhooks()).toBe(true);
    expect(await guard(user, [{ id: 't1', myRole: 'member' }])).toBe('/clients');
    expect(TestBed.inject(SessionStore).hasWebhooks()).toBe(false);
    expect(await guard(user, [])).toBe('/clients');
  });
});

describe('CreateWebhookDialog', () => {
  // The feature library is lazy-loaded by the routes, so specs load it the same way.
  let CreateWebhookDialog: Awaited<typeof import('@agent-controller/console-users-feature')>['CreateWebhookDialog'];

  // The first import compiles the whole feature library, which takes longer than a hook's 10 s on a busy machine.
  beforeAll(async () => {
    ({ CreateWebhookDialog } = await import('@agent-controller/console-users-feature'));
  }, 60_000);

  async function open(globalAdmin = true, editing?: Webhook) {
    const dialogRef = { close: vi.fn(), disableClose: false };
    const copy = vi.fn(() => true);
    const { store, http } = setUp([
      { provide: MatDialogRef, useValue: dialogRef },
      { provide: Clipboard, useValue: { copy } },
      ...(editing ? [{ provide: MAT_DIALOG_DATA, useValue: editing }] : []),
    ]);
    TestBed.inject(SessionStore).principal.set({ kind: 'user', isGlobalAdmin: globalAdmin } as Principal);
    store.teams.set([OPS, BUILD]);
    const fixture: ComponentFixture<unknown> = TestBed.createComponent(CreateWebhookDialog);
    await fixture.whenStable();
    return { fixture, element: fixture.nativeElement as HTMLElement, http, dialogRef, copy };
  }

  function type(element: HTMLElement, name: string, value: string): void {
    const input = element.querySelector<HTMLInputElement>(`input[formcontrolname=${name}]`);
    if (!input) throw new Error(`no ${name}`);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  function button(element: HTMLElement, label: string): HTMLButtonElement {
    const found = Array.from(element.querySelectorAll('button')).find(
      (candidate) => candidate.textContent?.trim() === label,
    );
    if (!found) throw new Error(`no button ${label}`);
    return found;
  }

  const fieldError = (element: HTMLElement, selector: string) =>
    element.querySelector(selector)?.closest('mat-form-field')?.querySelector('mat-error')?.textContent?.trim();

  // A multi-select is set through its form control: the overlay's options are outside the fixture.
  function pickEvents(fixture: ComponentFixture<unknown>, events: string[]): void {
    const form = (fixture.componentInstance as { form: { controls: { events: { setValue(v: string[]): void } } } })
      .form;
    form.controls.events.setValue(events);
  }

  it('edits a webhook: shows its values, sends only what changed, keeps the secret when left empty', async () => {
    const existing = webhook('w9', { name: 'ops', events: ['client.created'], selector: 'env=prod', teamId: OPS.id });
    const { fixture, element, http, dialogRef } = await open(true, existing);
    expect(element.querySelector('h2')?.textContent).toContain('Edit ops');
    expect(element.querySelector<HTMLInputElement>('input[formcontrolname=url]')?.value).toBe(existing.url);
    expect(element.querySelector<HTMLInputElement>('input[formcontrolname=secret]')?.value).toBe('');

    type(element, 'url', 'https://hooks.example.com/moved');
    type(element, 'selector', '');
    pickEvents(fixture, ['client.deleted', 'client.created']);
    button(element, 'Save').click();
    const post = http.expectOne({ url: '/api/webhooks/w9', method: 'POST' });
    expect(post.request.body).toEqual({
      url: 'https://hooks.example.com/moved',
      events: ['client.deleted', 'client.created'],
      selector: null,
    });
    const saved = { ...existing, url: 'https://hooks.example.com/moved', selector: null };
    post.flush(saved);
    await settle();
    http.expectOne('/api/webhooks').flush([saved]);
    http.expectOne('/api/teams').flush([OPS]);
    await settle();
    expect(dialogRef.close).toHaveBeenCalledWith(saved);
  });

  it('does not let an edit remove a name (the API keeps it), and closes without a request when nothing changed', async () => {
    const existing = webhook('w8', { name: 'ops' });
    const { fixture, element, http, dialogRef } = await open(true, existing);
    type(element, 'name', '');
    button(element, 'Save').click();
    await fixture.whenStable();
    expect(fieldError(element, 'input[formcontrolname=name]')).toBe('Required');
    type(element, 'name', 'ops');
    button(element, 'Save').click();
    await settle();
    http.expectNone('/api/webhooks/w8');
    expect(dialogRef.close).toHaveBeenCalledWith(existing);
  });

  it('checks the URL, events, selector and secret before sending', async () => {
    const { fixture, element, http } = await open();
    button(element, 'Create webhook').click();
    await fixture.whenStable();
    expect(fieldError(element, 'input[formcontrolname=url]')).toBe('Required');
    expect(fieldError(element, 'mat-select[formcontrolname=events]')).toBe('Required');
    type(element, 'url', 'hooks');
    type(element, 'selector', 'region in eu');
    type(element, 'secret', 'short');
    button(element, 'Create webhook').click();
    await fixture.whenStable();
    expect(fieldError(element, 'input[formcontrolname=url]')).toBe('Not a URL');
    expect(fieldError(element, 'input[formcontrolname=selector]')).toMatch(/^Not a label selector: /);
    expect(fieldError(element, 'input[formcontrolname=secret]')).toBe('At least 16 characters');
    http.expectNone('/api/webhooks');
  });

  it('requires a team of a team admin', async () => {
    const { fixture, element, http } = await open(false);
    type(element, 'url', 'https://hooks.example.com/x');
    pickEvents(fixture, ['client.created']);
    button(element, 'Create webhook').click();
    await fixture.whenStable();
    expect(fieldError(element, 'mat-select[formcontrolname=teamId]')).toBe('Required');
    http.expectNone('/api/webhooks');
  });

  it('shows the API’s refusal of the URL beside the field', async () => {
    const { fixture, element, http } = await open();
    type(element, 'url', 'http://10.0.0.1/hook');
    pickEvents(fixture, ['client.created']);
    button(element, 'Create webhook').click();
    http.expectOne({ url: '/api/webhooks', method: 'POST' }).flush(
      {
        statusCode: 400,
        code: 'ENDPOINT_NOT_ALLOWED',
        message: 'The URL is not allowed',
        details: { fields: [{ field: 'url', location: 'body', message: 'internal addresses are not allowed' }] },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();
    await fixture.whenStable();
    expect(fieldError(element, 'input[formcontrolname=url]')).toBe('internal addresses are not allowed');
    expect(element.querySelector('p.error')).toBeNull();
  });

  it('shows the secret once with a copy button, and closes only through Done', async () => {
    const { fixture, element, http, dialogRef, copy } = await open();
    type(element, 'url', 'https://hooks.example.com/x');
    pickEvents(fixture, ['client.created', 'client.deleted']);
    button(element, 'Create webhook').click();
    const post = http.expectOne({ url: '/api/webhooks', method: 'POST' });
    expect(post.request.body).toEqual({
      url: 'https://hooks.example.com/x',
      events: ['client.created', 'client.deleted'],
      format: 'json',
      enabled: true,
    });
    const created: CreatedWebhook = { ...webhook('n'), secret: 'whsec_123' };
    post.flush(created, { status: 201, statusText: 'Created' });
    await settle();
    http.expectOne('/api/webhooks').flush([webhook('n')]);
    http.expectOne('/api/teams').flush([OPS]);
    await settle();
    await fixture.whenStable();

    expect(element.querySelector('h2')?.textContent).toContain('Webhook created');
    expect(element.querySelector('#created-secret')?.textContent).toBe('whsec_123');
    expect(element.textContent).toContain('you will not see it again');
    expect(dialogRef.disableClose).toBe(true);
    button(element, 'Copy secret').click();
    await fixture.whenStable();
    expect(copy).toHaveBeenCalledWith('whsec_123');
    expect(button(element, 'Copied')).toBeTruthy();
    button(element, 'Done').click();
    expect(dialogRef.close).toHaveBeenCalledWith(created);
  });
});
