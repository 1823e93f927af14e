import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, type Type } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import { KEYCLOAK_SESSION, SessionStore } from '@agent-controller/console-core';
import {
  TeamDetailStore,
  teamFormValue,
  TeamsStore,
  toTeamRequest,
} from '@agent-controller/console-clients-data-access';
import type { Principal, Team, TeamMember } from '@agent-controller/shared-contracts';

function team(id: string, name: string, overrides: Partial<Team> = {}): Team {
  return {
    id,
    name,
    description: null,
    defaults: { agentWsPort: null, keycloakRealm: null, keycloakAuthServerUrl: null, labels: {} },
    clientCount: 0,
    memberCount: 0,
    myRole: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function member(id: string, email: string, role: TeamMember['role']): TeamMember {
  return { id, userId: `user-${id}`, email, role, createdAt: '2026-01-01T00:00:00.000Z' };
}

const BUILD = team('t1', 'Build', { clientCount: 2, memberCount: 2 });
const QA = team('t2', 'QA');
const ALICE = member('m1', 'alice@example.com', 'admin');
const BOB = member('m2', 'bob@example.com', 'member');
const TEAM_HAS_CLIENTS = {
  statusCode: 409,
  code: 'TEAM_HAS_CLIENTS',
  message: 'The team still has clients; move them first',
  requestId: 'r1',
};
const settle = () => new Promise((resolve) => setTimeout(resolve));

function principal(isGlobalAdmin: boolean): Principal {
  return {
    kind: 'user',
    isGlobalAdmin,
    authenticationMethod: 'users',
    user: { id: 'me', email: 'me@example.com', role: isGlobalAdmin ? 'admin' : 'user' },
  } as Principal;
}

function setUp<T>(store: Type<T>) {
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: KEYCLOAK_SESSION, useValue: () => Promise.reject(new Error('not in keycloak mode')) },
      store,
    ],
  });
  return {
    store: TestBed.inject(store),
    http: TestBed.inject(HttpTestingController),
    session: TestBed.inject(SessionStore),
  };
}

describe('team form value', () => {
  it('sends blank defaults as none and keeps labels', () => {
    const value = {
      ...teamFormValue(),
      name: '  Build ',
      agentWsPort: 9090,
      keycloakRealm: ' ',
      labels: [{ key: 'tier', value: ' gold ' }],
    };
    expect(toTeamRequest(value)).toEqual({
      name: 'Build',
      description: null,
      defaults: { agentWsPort: 9090, keycloakRealm: null, keycloakAuthServerUrl: null, labels: { tier: 'gold' } },
    });
    expect(toTeamRequest({ ...value, agentWsPort: null }).defaults?.agentWsPort).toBeNull();
  });

  it('fills the form from a saved team', () => {
    const saved = team('t3', 'Ops', {
      description: 'night shift',
      defaults: { agentWsPort: 7000, keycloakRealm: 'ops', keycloakAuthServerUrl: null, labels: { b: '2', a: '1' } },
    });
    expect(teamFormValue(saved)).toEqual({
      name: 'Ops',
      description: 'night shift',
      agentWsPort: 7000,
      keycloakRealm: 'ops',
      keycloakAuthServerUrl: '',
      labels: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
    });
  });
});

describe('TeamsStore', () => {
  it('reads every team once and pages them here', async () => {
    const { store, http } = setUp(TeamsStore);
    const loading = store.setPage(1, 1);
    http.expectOne({ url: '/api/teams', method: 'GET' }).flush([BUILD, QA]);
    await loading;
    expect(store.teams().map((entry) => entry.name)).toEqual(['QA']);
    expect(store.total()).toBe(2);
    expect(store.allTeams()).toHaveLength(2);
  });

  it('creates a team and reads the list again', async () => {
    const { store, http } = setUp(TeamsStore);
    const request = toTeamRequest({ ...teamFormValue(), name: 'QA' });
    const creating = store.createTeam(request);
    const post = http.expectOne({ url: '/api/teams', method: 'POST' });
    expect(post.request.body).toEqual(request);
    post.flush(QA, { status: 201, statusText: 'Created' });
    await settle();
    http.expectOne({ url: '/api/teams', method: 'GET' }).flush([BUILD, QA]);
    expect((await creating).id).toBe('t2');
    expect(store.total()).toBe(2);
  });

  it('deletes a team moving its clients, and shows why a team with clients was refused', async () => {
    const { store, http } = setUp(TeamsStore);
    store.teams.set([BUILD, QA]);
    const refused = store.deleteTeam(BUILD);
    expect(store.busyId()).toBe('t1');
    http.expectOne({ url: '/api/teams/t1', method: 'DELETE' }).flush(TEAM_HAS_CLIENTS, {
      status: 409,
      statusText: 'Conflict',
    });
    await settle();
    http.expectOne({ url: '/api/teams', method: 'GET' }).flush([BUILD, QA]);
    expect(await refused).toBe(false);
    expect(store.actionError()).toBe('Could not delete Build: The team still has clients; move them first');

    const deleting = store.deleteTeam(BUILD, 't2');
    const request = http.expectOne((candidate) => candidate.url === '/api/teams/t1' && candidate.method === 'DELETE');
    expect(request.request.params.get('moveTo')).toBe('t2');
    request.flush(null, { status: 204, statusText: 'No Content' });
    await settle();
    http.expectOne({ url: '/api/teams', method: 'GET' }).flush([{ ...QA, clientCount: 2 }]);
    expect(await deleting).toBe(true);
    expect(store.actionError()).toBeNull();
    expect(store.busyId()).toBeNull();
    expect(store.teams()[0].clientCount).toBe(2);
  });
});

describe('TeamDetailStore', () => {
  async function loaded(isGlobalAdmin: boolean, myRole: Team['myRole']) {
    const context = setUp(TeamDetailStore);
    context.session.principal.set(principal(isGlobalAdmin));
    const loading = context.store.load('t1');
    context.http.expectOne('/api/teams/t1').flush({ ...BUILD, myRole });
    context.http.expectOne('/api/teams/t1/members').flush([ALICE, BOB]);
    await loading;
    return context;
  }

  it('lets a global admin do everything', async () => {
    const { store } = await loaded(true, null);
    expect(store.canEdit()).toBe(true);
    expect(store.canChangeRoles()).toBe(true);
    expect(store.rolesOffered()).toEqual(['member', 'admin']);
    expect(store.canRemove(ALICE)).toBe(true);
    expect(store.canRemove(BOB)).toBe(true);
  });

  it('lets a team admin edit the team and add or remove members, not admins', async () => {
    const { store } = await loaded(false, 'admin');
    expect(store.canEdit()).toBe(true);
    expect(store.canChangeRoles()).toBe(false);
    expect(store.rolesOffered()).toEqual(['member']);
    expect(store.canRemove(ALICE)).toBe(false);
    expect(store.canRemove(BOB)).toBe(true);
  });

  it('gives a member nothing to change', async () => {
    const { store } = await loaded(false, 'member');
    expect(store.canEdit()).toBe(false);
    expect(store.canRemove(BOB)).toBe(false);
  });

  it('saves the settings with PATCH and keeps the saved team', async () => {
    const { store, http } = await loaded(true, null);
    const saving = store.save({ ...teamFormValue(BUILD), description: 'builds', agentWsPort: 9000 });
    const request = http.expectOne({ url: '/api/teams/t1', method: 'PATCH' });
    expect(request.request.body).toMatchObject({
      name: 'Build',
      description: 'builds',
      defaults: { agentWsPort: 9000 },
    });
    request.flush({ ...BUILD, description: 'builds' });
    expect((await saving).description).toBe('builds');
    expect(store.team()?.description).toBe('builds');
  });

  it('adds a member by e-mail, changes a role and removes a member', async () => {
    const { store, http } = await loaded(true, null);
    const adding = store.addMember('carol@example.com', 'member');
    const add = http.expectOne({ url: '/api/teams/t1/members', method: 'POST' });
    expect(add.request.body).toEqual({ email: 'carol@example.com', role: 'member' });
    add.flush(member('m3', 'carol@example.com', 'member'), { status: 201, statusText: 'Created' });
    await adding;
    expect(store.members().map((entry) => entry.email)).toEqual([
      'alice@example.com',
      'bob@example.com',
      'carol@example.com',
    ]);
    expect(store.team()?.memberCount).toBe(3);

    const changing = store.changeRole(BOB, 'admin');
    const change = http.expectOne({ url: '/api/teams/t1/members/m2', method: 'POST' });
    expect(change.request.body).toEqual({ role: 'admin' });
    change.flush({ ...BOB, role: 'admin' });
    expect(await changing).toBe(true);
    expect(store.members()[1].role).toBe('admin');

    const removing = store.removeMember(ALICE);
    http.expectOne({ url: '/api/teams/t1/members/m1', method: 'DELETE' }).flush(null, {
      status: 204,
      statusText: 'No Content',
    });
    expect(await removing).toBe(true);
    expect(store.members().map((entry) => entry.id)).toEqual(['m2', 'm3']);
    expect(store.team()?.memberCount).toBe(2);
    http.verify();
  });

  it('shows a refused removal and reads the team again', async () => {
    const { store, http } = await loaded(false, 'admin');
    const removing = store.removeMember(ALICE);
    http
      .expectOne({ url: '/api/teams/t1/members/m1', method: 'DELETE' })
      .flush(
        { statusCode: 403, code: 'FORBIDDEN', message: 'Only global admins appoint or remove team admins' },
        { status: 403, statusText: 'Forbidden' },
      );
    await settle();
    http.expectOne('/api/teams/t1').flush({ ...BUILD, myRole: 'admin' });
    http.expectOne('/api/teams/t1/members').flush([ALICE, BOB]);
    expect(await removing).toBe(false);
    expect(store.actionError()).toBe(
      'Could not remove alice@example.com: Only global admins appoint or remove team admins',
    );
    expect(store.members()).toHaveLength(2);
  });
});

// The feature library is lazy-loaded by the routes, so specs load it the same way.
const feature = () => import('@agent-controller/console-clients-feature');

describe('teams pages', () => {
  let lib: Awaited<ReturnType<typeof feature>>;

  // The first import compiles the whole feature library, which takes longer than a hook's 10 s on a busy machine.
  beforeAll(async () => {
    lib = await feature();
  }, 60_000);

  function render<T>(component: Type<T>, isGlobalAdmin: boolean, providers: unknown[] = []) {
    TestBed.configureTestingModule({
      imports: [component],
      providers: [
        provideZonelessChangeDetection(),
        provideNoopAnimations(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: KEYCLOAK_SESSION, useValue: () => Promise.reject(new Error('not in keycloak mode')) },
        ...(providers as []),
      ],
    });
    TestBed.inject(SessionStore).principal.set(principal(isGlobalAdmin));
    const fixture = TestBed.createComponent(component);
    return { fixture, element: fixture.nativeElement as HTMLElement, http: TestBed.inject(HttpTestingController) };
  }

  const buttons = (element: HTMLElement) =>
    Array.from(element.querySelectorAll('button')).map((button) => button.textContent?.trim());

  it('lists the teams with a link to their clients; global admins create and delete', async () => {
    const { fixture, element, http } = render(lib.TeamsPage, true);
    fixture.detectChanges();
    http.expectOne('/api/teams').flush([BUILD, { ...QA, myRole: 'admin' }]);
    await settle();
    await fixture.whenStable();
    const rows = Array.from(element.querySelectorAll('tr.mat-mdc-row'));
    const cells = (row: Element) => Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent?.trim());
    expect(rows.map(cells)).toEqual([
      ['Build', '', '2', '2', '—', 'Delete'],
      ['QA', '', '0', '0', 'admin', 'Delete'],
    ]);
    const clients = element.querySelector<HTMLAnchorElement>('a[aria-label="2 clients of Build"]');
    expect(clients?.getAttribute('href')).toBe('/clients?teamId=t1');
    expect(buttons(element)).toContain('Create team');
  });

  it('offers a member no create or delete', async () => {
    const { fixture, element, http } = render(lib.TeamsPage, false);
    fixture.detectChanges();
    http.expectOne('/api/teams').flush([{ ...BUILD, myRole: 'member' }]);
    await settle();
    await fixture.whenStable();
    expect(element.querySelector('tr.mat-mdc-row')?.textContent).toContain('member');
    expect(buttons(element)).not.toContain('Create team');
    expect(buttons(element)).not.toContain('Delete');
  });

  it('asks where the clients of a team go before deleting it', async () => {
    const close = vi.fn();
    const { fixture, element } = render(lib.DeleteTeamDialog, true, [
      { provide: MAT_DIALOG_DATA, useValue: { team: BUILD, others: [QA] } },
      { provide: MatDialogRef, useValue: { close } },
    ]);
    await fixture.whenStable();
    expect(element.textContent).toContain('It has 2 clients: they move first.');
    const remove = Array.from(element.querySelectorAll('button')).find((b) => b.textContent?.trim() === 'Delete team');
    remove?.click();
    await fixture.whenStable();
    expect(close).not.toHaveBeenCalled();
    expect(element.querySelector('mat-error')?.textContent).toContain('Required');
    (fixture.componentInstance as unknown as { moveTo: { setValue(value: string): void } }).moveTo.setValue('t2');
    remove?.click();
    expect(close).toHaveBeenCalledWith({ moveTo: 't2' });
  });

  it("shows a team admin the team's settings and lets them remove members but not admins", async () => {
    const { fixture, element, http } = render(lib.TeamDetailPage, false);
    fixture.componentRef.setInput('id', 't1');
    fixture.detectChanges();
    http.expectOne('/api/teams/t1').flush({ ...BUILD, myRole: 'admin' });
    http.expectOne('/api/teams/t1/members').flush([ALICE, BOB]);
    await settle();
    await fixture.whenStable();
    expect(element.querySelector('h1')?.textContent).toContain('Build');
    expect(element.querySelector<HTMLInputElement>('input[formcontrolname=name]')?.value).toBe('Build');
    expect(element.querySelector('[aria-label="Remove alice@example.com"]')).toBeNull();
    expect(element.querySelector('[aria-label="Remove bob@example.com"]')).not.toBeNull();
    // Roles are changed by global admins only: plain text here.
    expect(element.querySelector('mat-select[formcontrolname=role]')).not.toBeNull();
    expect(element.querySelectorAll('table.members mat-select')).toHaveLength(0);
    expect(buttons(element)).toContain('Add member');
  });
});
