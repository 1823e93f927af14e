import { Clipboard } from '@angular/cdk/clipboard';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type EnvironmentProviders, type Provider, provideZonelessChangeDetection } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatDialogRef } from '@angular/material/dialog';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter, Router, UrlTree } from '@angular/router';
import { apiTokensGuard, KEYCLOAK_SESSION, SessionStore } from '@agent-controller/console-core';
import {
  agentctlExample,
  clientIdsProblem,
  expiryDateProblem,
  selectorProblem,
  tokenErrorPlacement,
  tokenFormValue,
  tokenScope,
  TokensStore,
  tokenState,
  toTokenRequest,
} from '@agent-controller/console-users-data-access';
import type { ApiToken, CreatedApiToken, Principal, Team } from '@agent-controller/shared-contracts';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const CLIENT_ID = '11111111-1111-4111-8111-111111111111';

function token(id: string, overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id,
    name: `token ${id}`,
    prefix: 'act_abc123',
    access: 'read',
    clientIds: null,
    teamIds: null,
    selector: null,
    allowedCidrs: null,
    expiresAt: new Date(NOW + 30 * DAY_MS).toISOString(),
    revokedAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    owner: { id: 'me', email: 'me@example.com' },
    createdAt: new Date(NOW).toISOString(),
    ...overrides,
  };
}

const BUILD = { id: 't1', name: 'Build' } as Team;
const settle = () => new Promise((resolve) => setTimeout(resolve));

describe('token form value', () => {
  it('sends a preset lifetime and leaves an empty scope out', () => {
    expect(toTokenRequest({ ...tokenFormValue(), name: ' nightly ', expiresIn: 90 }, NOW)).toEqual({
      name: 'nightly',
      access: 'read',
      expiresAt: new Date(NOW + 90 * DAY_MS).toISOString(),
    });
  });

  it('sends the end of a picked day and every scope given, lists split at commas and spaces', () => {
    const request = toTokenRequest(
      {
        ...tokenFormValue(),
        name: 'ops',
        access: 'operate',
        expiresIn: 'date',
        expiresOn: '2026-04-01',
        teamIds: ['t1'],
        selector: ' env=prod ',
        clientIds: `${CLIENT_ID}, `,
        allowedCidrs: '10.0.0.0/8,  ::1',
      },
      NOW,
    );
    expect(request).toEqual({
      name: 'ops',
      access: 'operate',
      expiresAt: new Date(2026, 3, 1, 23, 59, 59, 999).toISOString(),
      teamIds: ['t1'],
      selector: 'env=prod',
      clientIds: [CLIENT_ID],
      allowedCidrs: ['10.0.0.0/8', '::1'],
    });
  });

  it('checks the picked date, the client ids and the selector as the API does', () => {
    const today = new Date(NOW);
    const iso = (date: Date) =>
      `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
    expect(expiryDateProblem(iso(today), NOW)).toBeUndefined();
    expect(expiryDateProblem(iso(new Date(NOW - DAY_MS)), NOW)).toBe('Must be today or later');
    expect(expiryDateProblem(iso(new Date(NOW + 365 * DAY_MS)), NOW)).toBeUndefined();
    expect(expiryDateProblem(iso(new Date(NOW + 366 * DAY_MS)), NOW)).toBe('At most 365 days ahead');
    expect(expiryDateProblem('soon', NOW)).toBe('Not a date');
    expect(clientIdsProblem(`${CLIENT_ID}, nope`)).toBe('Not a client id: nope');
    expect(clientIdsProblem(CLIENT_ID)).toBeUndefined();
    expect(selectorProblem('env=prod,tier in (gold)')).toBeUndefined();
    expect(selectorProblem('region in eu')).toMatch(/^Not a label selector: /);
  });

  it('puts the API’s refusals beside their fields, naming a list’s entries', () => {
    const value = { ...tokenFormValue(), allowedCidrs: '10.0.0.0/8, 10.0.0.0/33', clientIds: 'x' };
    const placed = tokenErrorPlacement(
      { 'allowedCidrs.1': 'must be an IP address', 'clientIds.0': 'Invalid UUID', expiresAt: 'at most 366 days' },
      value,
    );
    expect(placed.aliases).toEqual({
      expiresAt: 'expiresIn',
      'allowedCidrs.1': 'allowedCidrs',
      'clientIds.0': 'clientIds',
    });
    expect(placed.messages).toEqual({
      allowedCidrs: '10.0.0.0/33: must be an IP address',
      clientIds: 'x: Invalid UUID',
    });
    expect(tokenErrorPlacement({}, { ...value, expiresIn: 'date' }).aliases).toEqual({ expiresAt: 'expiresOn' });
  });

  it('fills the agentctl lines in', () => {
    expect(agentctlExample('https://ac.example.com', 'act_x')).toBe(
      'export AGENTCTL_URL=https://ac.example.com\nexport AGENTCTL_TOKEN=act_x\nnpx agentctl clients ls --json',
    );
  });
});

describe('token rows', () => {
  it('tells active, expired and revoked apart', () => {
    expect(tokenState(token('a'), NOW)).toBe('active');
    expect(tokenState(token('a', { expiresAt: new Date(NOW).toISOString() }), NOW)).toBe('expired');
    expect(tokenState(token('a', { revokedAt: new Date(NOW).toISOString() }), NOW + 40 * DAY_MS)).toBe('revoked');
  });

  it('sums the scope up a line per narrowing', () => {
    const names = new Map([['t1', 'Build']]);
    expect(tokenScope(token('a'), names)).toEqual(['All clients']);
    expect(
      tokenScope(
        token('a', {
          clientIds: [CLIENT_ID, CLIENT_ID],
          teamIds: ['t1', 't9'],
          selector: 'env=prod',
          allowedCidrs: ['::1'],
        }),
        names,
      ),
    ).toEqual(['2 clients', 'Teams: Build, another team', 'Labels: env=prod', 'From: ::1']);
    expect(tokenScope(token('a', { allowedCidrs: ['10.0.0.0/8'] }), names)).toEqual([
      'All clients',
      'From: 10.0.0.0/8',
    ]);
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
      TokensStore,
    ],
  });
  return { store: TestBed.inject(TokensStore), http: TestBed.inject(HttpTestingController) };
}

describe('TokensStore', () => {
  it('reads the tokens, and the teams once, and pages them here', async () => {
    const { store, http } = setUp();
    const loading = store.setPage(1, 1);
    http.expectOne({ url: '/api/tokens', method: 'GET' }).flush([token('a'), token('b')]);
    http.expectOne({ url: '/api/teams', method: 'GET' }).flush([BUILD]);
    await loading;
    expect(store.tokens().map((entry) => entry.id)).toEqual(['b']);
    expect(store.total()).toBe(2);
    expect(store.teamNames().get('t1')).toBe('Build');

    const again = store.load();
    http.expectOne({ url: '/api/tokens', method: 'GET' }).flush([token('a')]);
    await again;
    http.expectNone('/api/teams');
    http.verify();
  });

  it('keeps the page working when the teams cannot be read', async () => {
    const { store, http } = setUp();
    const loading = store.load();
    http.expectOne('/api/tokens').flush([token('a')]);
    http.expectOne('/api/teams').flush({ message: 'down' }, { status: 503, statusText: 'Unavailable' });
    await loading;
    expect(store.error()).toBeNull();
    expect(store.tokens()).toHaveLength(1);
    expect(store.teams()).toEqual([]);
  });

  it('creates a token and reads the list again from its first page', async () => {
    const { store, http } = setUp();
    store.pageIndex.set(2);
    const request = toTokenRequest({ ...tokenFormValue(), name: 'ci' });
    const creating = store.createToken(request);
    const post = http.expectOne({ url: '/api/tokens', method: 'POST' });
    expect(post.request.body).toEqual(request);
    post.flush({ ...token('n'), token: 'act_secret' }, { status: 201, statusText: 'Created' });
    await settle();
    http.expectOne({ url: '/api/tokens', method: 'GET' }).flush([token('n')]);
    http.expectOne('/api/teams').flush([]);
    expect((await creating).token).toBe('act_secret');
    expect(store.pageIndex()).toBe(0);
    expect(store.tokens()).toHaveLength(1);
  });

  it('revokes a token, and shows a refusal', async () => {
    const { store, http } = setUp();
    const revoking = store.revokeToken(token('a'));
    expect(store.busyId()).toBe('a');
    http.expectOne({ url: '/api/tokens/a', method: 'DELETE' }).flush(null, { status: 204, statusText: 'No Content' });
    await settle();
    http.expectOne('/api/tokens').flush([token('a', { revokedAt: new Date(NOW).toISOString() })]);
    http.expectOne('/api/teams').flush([]);
    expect(await revoking).toBe(true);
    expect(store.busyId()).toBeNull();
    expect(store.tokens()[0].revokedAt).not.toBeNull();

    const refused = store.revokeToken(token('b'));
    http
      .expectOne({ url: '/api/tokens/b', method: 'DELETE' })
      .flush(
        { statusCode: 404, code: 'NOT_FOUND', message: 'No such token' },
        { status: 404, statusText: 'Not Found' },
      );
    await settle();
    http.expectOne('/api/tokens').flush([]);
    expect(await refused).toBe(false);
    expect(store.actionError()).toBe('Could not revoke token b: No such token');
  });
});

describe('apiTokensGuard', () => {
  async function guard(principal: Partial<Principal>) {
    TestBed.resetTestingModule();
    setUp([provideRouter([])]);
    TestBed.inject(SessionStore).principal.set(principal as Principal);
    const result = await TestBed.runInInjectionContext(() => apiTokensGuard({}, []));
    return result instanceof UrlTree ? TestBed.inject(Router).serializeUrl(result) : result;
  }

  it('opens the page to users (users and keycloak modes), not in api-key mode', async () => {
    expect(await guard({ kind: 'user', authenticationMethod: 'users' })).toBe(true);
    expect(await guard({ kind: 'user', authenticationMethod: 'keycloak' })).toBe(true);
    expect(await guard({ kind: 'api-key', authenticationMethod: 'api-key' })).toBe('/clients');
  });
});

describe('CreateTokenDialog', () => {
  // The feature library is lazy-loaded by the routes, so specs load it the same way.
  let CreateTokenDialog: Awaited<typeof import('@agent-controller/console-users-feature')>['CreateTokenDialog'];

  // The first import compiles the whole feature library, which takes longer than a hook's 10 s on a busy machine.
  beforeAll(async () => {
    ({ CreateTokenDialog } = await import('@agent-controller/console-users-feature'));
  }, 60_000);

  async function open() {
    const dialogRef = { close: vi.fn(), disableClose: false };
    const copy = vi.fn(() => true);
    const { store, http } = setUp([
      { provide: MatDialogRef, useValue: dialogRef },
      { provide: Clipboard, useValue: { copy } },
    ]);
    store.teams.set([BUILD]);
    const fixture: ComponentFixture<unknown> = TestBed.createComponent(CreateTokenDialog);
    await fixture.whenStable();
    return { fixture, element: fixture.nativeElement as HTMLElement, http, dialogRef, copy };
  }

  async function rendered(fixture: ComponentFixture<unknown>): Promise<void> {
    await settle();
    await fixture.whenStable();
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

  const fieldError = (element: HTMLElement, name: string) =>
    element
      .querySelector(`input[formcontrolname=${name}]`)
      ?.closest('mat-form-field')
      ?.querySelector('mat-error')
      ?.textContent?.trim();

  it('explains the access levels and checks the selector and client ids before sending', async () => {
    const { fixture, element, http } = await open();
    expect(element.textContent).toContain('read — Only reads');
    expect(element.textContent).toContain('manage — Whatever you may do yourself');
    button(element, 'Create token').click();
    await fixture.whenStable();
    expect(fieldError(element, 'name')).toBe('Required');
    type(element, 'name', 'ci');
    type(element, 'selector', 'region in eu');
    type(element, 'clientIds', 'nope');
    button(element, 'Create token').click();
    await fixture.whenStable();
    expect(fieldError(element, 'selector')).toMatch(/^Not a label selector: /);
    expect(fieldError(element, 'clientIds')).toBe('Not a client id: nope');
    http.expectNone('/api/tokens');
  });

  it('shows the API’s refusal of an address beside the field, once', async () => {
    const { fixture, element, http } = await open();
    type(element, 'name', 'ci');
    type(element, 'allowedCidrs', '10.0.0.0/33');
    button(element, 'Create token').click();
    http.expectOne({ url: '/api/tokens', method: 'POST' }).flush(
      {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'The request is invalid',
        details: {
          fields: [{ field: 'allowedCidrs.0', location: 'body', message: 'must be an IP address or a CIDR block' }],
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await rendered(fixture);
    expect(fieldError(element, 'allowedCidrs')).toBe('10.0.0.0/33: must be an IP address or a CIDR block');
    expect(element.querySelector('p.error')).toBeNull();
  });

  it('shows the token once with a copy button and the agentctl lines, and closes only through Done', async () => {
    const { fixture, element, http, dialogRef, copy } = await open();
    type(element, 'name', 'nightly');
    button(element, 'Create token').click();
    const post = http.expectOne({ url: '/api/tokens', method: 'POST' });
    expect(post.request.body).toMatchObject({ name: 'nightly', access: 'read' });
    const created: CreatedApiToken = { ...token('n', { name: 'nightly' }), token: 'act_secret123' };
    post.flush(created, { status: 201, statusText: 'Created' });
    await settle();
    http.expectOne('/api/tokens').flush([token('n')]);
    http.expectOne('/api/teams').flush([BUILD]);
    await rendered(fixture);

    expect(element.querySelector('h2')?.textContent).toContain('Token created');
    expect(element.querySelector('#created-token')?.textContent).toBe('act_secret123');
    expect(element.textContent).toContain('you will not see it again');
    expect(element.querySelector('pre')?.textContent).toContain('export AGENTCTL_TOKEN=act_secret123');
    expect(dialogRef.disableClose).toBe(true);
    button(element, 'Copy token').click();
    await fixture.whenStable();
    expect(copy).toHaveBeenCalledWith('act_secret123');
    expect(button(element, 'Copied')).toBeTruthy();
    button(element, 'Done').click();
    expect(dialogRef.close).toHaveBeenCalledWith(created);
  });
});
